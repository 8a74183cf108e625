// Markdown to safe HTML, for the plan editor's preview (and anything else
// that shows text people or models wrote): marked renders, DOMPurify
// sanitizes. Loaded with import() by the pages that need it, so the first
// page does not carry either library.
//
// What comes out is inert under the page's CSP as well as by itself: no
// script, no event handler attribute, no style (element or attribute: the
// CSP allows none and would report each), no SVG or MathML, no form
// control, no image (img-src is 'self' and a plan's pictures live
// elsewhere: an image is shown as its alt text), and links only to http(s),
// mailto, in-page anchors and paths of this site.
import { Marked } from 'marked';
import DOMPurify from 'dompurify';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const BARE_TAG = /^<\/?(?:br|hr|details|summary|kbd|sub|sup|b|i|em|strong|u|s|code|mark|small)\s*\/?>$/i;

const md = new Marked({
  gfm: true,
  async: false,
  renderer: {
    // a task's box as a character (a disabled checkbox is a form control
    // without a label)
    checkbox({ checked }) {
      return checked
        ? '<span class="task-box" aria-hidden="true">☑</span><span class="visually-hidden">done: </span>'
        : '<span class="task-box" aria-hidden="true">☐</span><span class="visually-hidden">to do: </span>';
    },
    // Raw HTML in the Markdown is shown as text, but for a few bare tags
    // (no attribute): parsing it, even in DOMPurify's inert document, makes
    // the browser report each event handler and style attribute as a CSP
    // violation, and a plan needs none of it.
    html({ text }) {
      return BARE_TAG.test(text.trim()) ? text : esc(text);
    },
    image({ text }) {
      return `<span class="img-alt">[image${text ? `: ${esc(text)}` : ''}]</span>`;
    },
  },
});

const SAFE_URL = /^(?:https?:|mailto:|#|\/(?!\/))/i;

const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName === 'A') {
    const href = node.getAttribute('href');
    if (href != null && !SAFE_URL.test(href.trim())) node.removeAttribute('href');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'video', 'audio', 'source', 'picture'],
  FORBID_ATTR: ['style', 'srcset', 'id', 'name'],
  ALLOW_DATA_ATTR: false,
};

export function renderMarkdown(text) {
  return purify.sanitize(md.parse(text || ''), CONFIG);
}
