// A model's Markdown, sanitized (../markdown.js, with highlighting),
// rendered again as it grows: at most once per animation frame while tokens
// arrive. The renderer is fetched as soon as the chat's chunk is in (not
// at the first reply) and draws a reply at once; highlight.js follows, and
// a reply with a code fence is drawn again in colour when it is in. Code blocks get a copy button; a click on it
// copies the block's text.
import { useEffect, useRef, useState } from 'preact/hooks';

let md = null; // ../markdown.js, once loaded
let coloured = false; // highlight.js is in too
const renderer = import('../markdown.js').then((m) => (md = m));
const highlighter = renderer.then((m) => m.loadHighlighting()).then(() => (coloured = true));
const FENCE = /^ {0,3}(```|~~~)/m;

export function Markdown({ text, class: cls = '' }) {
  const ref = useRef(null);
  const frame = useRef(0);
  const [ready, setReady] = useState(0); // bumped when a chunk arrives: draw again
  const fenced = FENCE.test(text || '');
  useEffect(() => {
    let live = true;
    const again = () => live && setReady((n) => n + 1);
    if (!md) renderer.then(again);
    else {
      if (fenced && !coloured) highlighter.then(again);
      // Tokens arrive faster than frames: draw once per frame.
      frame.current = requestAnimationFrame(() => {
        const el = ref.current;
        if (!el) return;
        el.innerHTML = md.renderMarkdown(text, { highlight: coloured });
        md.addCopyButtons(el);
      });
    }
    return () => {
      live = false;
      cancelAnimationFrame(frame.current);
    };
  }, [text, ready]);
  async function onClick(e) {
    const b = e.target.closest && e.target.closest('button.copy');
    if (!b) return;
    const code = b.parentElement.querySelector('code');
    try {
      await navigator.clipboard.writeText(code ? code.innerText : '');
      b.firstChild.data = 'Copied';
    } catch {
      b.firstChild.data = 'Copy failed';
    }
    setTimeout(() => (b.firstChild.data = 'Copy'), 1500);
  }
  return <div class={`md ${cls}`} ref={ref} onClick={onClick} />;
}
