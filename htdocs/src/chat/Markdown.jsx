// A model's Markdown, sanitized (../markdown.js, with highlighting),
// rendered again as it grows: at most once per animation frame while tokens
// arrive. The renderer is fetched as soon as the chat's chunk is in (not
// at the first reply) and draws a reply at once; highlight.js follows, and
// a reply with a code fence is drawn again in colour when it is in.
// While a reply streams (live), the blocks that are finished (up to the
// last blank line outside a code fence) are drawn once and kept; only the
// block being written is drawn again at each frame, so a long reply costs
// the same per token as a short one. The stored reply is drawn whole.
// Code blocks get a copy button; a click on it copies the block's text.
import { useEffect, useRef, useState } from 'preact/hooks';

let md = null; // ../markdown.js, once loaded
let coloured = false; // highlight.js is in too
const renderer = import('../markdown.js').then((m) => (md = m));
const highlighter = renderer.then((m) => m.loadHighlighting()).then(() => (coloured = true));
const FENCE = /^ {0,3}(```|~~~)/m;

// Where the finished blocks of a growing text end: after the last blank
// line outside a code fence that a line starting at the margin follows
// (an indented one may still belong to the block above). 0: none yet.
export function finishedBlocks(text) {
  let cut = 0;
  let fence = null;
  let pos = 0;
  let blank = false;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break; // the last line is still being written
    const line = text.slice(pos, nl);
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && !line.trim().slice(f[1].length)) fence = null;
    } else if (blank && /^\S/.test(line)) {
      cut = pos;
    }
    if (!fence && f) fence = f[1];
    blank = !fence && line.trim() === '';
    pos = nl + 1;
  }
  return cut;
}

export function Markdown({ text, live = false, class: cls = '' }) {
  const ref = useRef(null);
  const head = useRef(null);
  const tail = useRef(null);
  const kept = useRef({ text: '', coloured: false }); // what head holds
  const frame = useRef(0);
  const [ready, setReady] = useState(0); // bumped when a chunk arrives: draw again
  const fenced = FENCE.test(text || '');
  useEffect(() => {
    let alive = true;
    const again = () => alive && setReady((n) => n + 1);
    if (!md) renderer.then(again);
    else {
      if (fenced && !coloured) highlighter.then(again);
      // Tokens arrive faster than frames: draw once per frame.
      frame.current = requestAnimationFrame(() => {
        const all = text || '';
        const draw = (el, t) => {
          el.innerHTML = md.renderMarkdown(t, { highlight: coloured });
          md.addCopyButtons(el);
        };
        if (!live) {
          if (ref.current) draw(ref.current, all);
          return;
        }
        if (!head.current || !tail.current) return;
        const k = kept.current;
        const cut = finishedBlocks(all);
        if (!all.startsWith(k.text) || k.coloured !== coloured || cut > k.text.length) {
          k.text = all.slice(0, cut);
          k.coloured = coloured;
          draw(head.current, k.text);
        }
        draw(tail.current, all.slice(k.text.length));
      });
    }
    return () => {
      alive = false;
      cancelAnimationFrame(frame.current);
    };
  }, [text, ready, live]);
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
  if (live)
    return (
      <div class={`md ${cls}`} onClick={onClick}>
        <div class="md-done" ref={head} />
        <div class="md-tail" ref={tail} />
      </div>
    );
  return <div class={`md ${cls}`} ref={ref} onClick={onClick} />;
}
