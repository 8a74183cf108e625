// Markdown to safe HTML, for everything that shows text people or models
// wrote: the plan editor's preview (pages/ProjectPlan.jsx) and the chat's
// replies (chat/Markdown.jsx). marked renders, DOMPurify sanitizes, and on
// request highlight.js colours the code blocks (highlight.js, a chunk of its
// own loaded by loadHighlighting()). The pages load this module with
// import(), so the dashboard carries none of it.
//
// - marked: fast, GFM (tables, fenced code, task lists), well kept; it does
//   not sanitize (by design), hence DOMPurify on its output, always.
// - raw HTML in the Markdown is shown as text, never parsed as markup: only
//   marked's own tags reach DOMPurify (which would remove handlers and
//   styles, but Chromium reports a CSP violation as soon as it parses one,
//   even in DOMPurify's inert document).
// - DOMPurify: the HTML profile only (no SVG or MathML), no style (element
//   or attribute: the CSP allows none and would report each), no form
//   control, no media, no id or name (they could clobber the page's).
// - no image: one a model names would be fetched from wherever it says, and
//   its URL can carry what the conversation holds (prompt-injection
//   exfiltration); img-src is 'self' anyway. An image is shown as its alt
//   text.
// - links only to http(s), mailto, in-page anchors and paths of this site;
//   any other href (javascript:, data:, //elsewhere) is dropped and the text
//   stays. Links to another page open in a new tab, without opener or
//   referrer (a chat or an unsaved plan stays where it is).
import './markdown.css';
import { Marked } from 'marked';
import DOMPurify from 'dompurify';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

let hl = null; // highlight.js's highlight(), once loaded
let loading = null;

// Resolves once code can be highlighted (renderMarkdown's `highlight`).
export function loadHighlighting() {
  loading ||= import('./highlight.js').then((m) => {
    hl = m.highlight;
  });
  return loading;
}

function renderer(highlight) {
  return {
    // a task's box as a character (a disabled checkbox is a form control
    // without a label)
    checkbox({ checked }) {
      return checked
        ? '<span class="task-box" aria-hidden="true">☑</span><span class="visually-hidden">done: </span>'
        : '<span class="task-box" aria-hidden="true">☐</span><span class="visually-hidden">to do: </span>';
    },
    html({ text }) {
      return esc(text);
    },
    image({ text }) {
      return `<span class="img-alt">[image${text ? `: ${esc(text)}` : ''}]</span>`;
    },
    code({ text, lang }) {
      const name = (lang || '').trim().split(/\s+/)[0].toLowerCase();
      const body = (highlight && hl && name && hl(text, name)) || esc(text);
      const cls = [highlight && 'hljs', /^[\w+#.-]+$/.test(name) && `language-${name}`].filter(Boolean).join(' ');
      return `<pre><code${cls ? ` class="${esc(cls)}"` : ''}>${body}</code></pre>\n`;
    },
  };
}

const plain = new Marked({ gfm: true, breaks: false, async: false, renderer: renderer(false) });
const highlighted = new Marked({ gfm: true, breaks: false, async: false, renderer: renderer(true) });

const SAFE_URL = /^(?:https?:|mailto:|#|\/(?![/\\]))/i;

const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName === 'A') {
    const href = node.getAttribute('href');
    if (href != null && !SAFE_URL.test(href.trim())) node.removeAttribute('href');
    const h = node.getAttribute('href');
    if (h != null && !h.trim().startsWith('#')) node.setAttribute('target', '_blank');
    else node.removeAttribute('target');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'object', 'embed',
    'video', 'audio', 'source', 'picture', 'svg', 'math',
  ],
  FORBID_ATTR: ['style', 'srcset', 'id', 'name', 'action', 'formaction'],
  ALLOW_DATA_ATTR: false,
};

// Markdown -> sanitized HTML (a string for innerHTML). With `highlight`,
// code blocks in a known language are coloured once loadHighlighting() has
// resolved (plain before).
export function renderMarkdown(text, { highlight = false } = {}) {
  return purify.sanitize((highlight ? highlighted : plain).parse(text || ''), CONFIG);
}

// Each code block under root gets a copy button (made here as elements,
// never HTML); the caller handles its click.
export function addCopyButtons(root) {
  for (const pre of root.querySelectorAll('pre')) {
    if (pre.querySelector('.copy')) continue;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn ghost small copy';
    b.append('Copy');
    const code = pre.querySelector('code');
    const m = code && /\blanguage-([\w+#.-]+)/.exec(code.className);
    const more = document.createElement('span');
    more.className = 'visually-hidden';
    more.textContent = m ? ` the ${m[1]} code` : ' the code';
    b.append(more);
    pre.prepend(b);
  }
}
