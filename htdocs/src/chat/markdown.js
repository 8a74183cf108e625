// Model output as HTML, safely: marked turns the Markdown into HTML,
// highlight.js colours the code blocks, and DOMPurify removes everything
// that could run or reach out before it goes into the page. Only in the
// chat's chunk (the pages import it lazily): the dashboard never loads it.
//
// - marked: fast, GFM (tables, fenced code), well kept; it does not sanitize
//   (by design), hence DOMPurify on its output, always.
// - DOMPurify: the HTML profile only (no SVG or MathML at all: an SVG with a
//   script cannot survive), no style attribute (the CSP forbids inline style,
//   and it would be reported as a violation), no <img>: a picture a model
//   names would be fetched from wherever it says, and its URL can carry what
//   the conversation holds (prompt-injection exfiltration); links open in a
//   new tab without opener or referrer; javascript: and data: URLs dropped.
// - highlight.js core with a dozen common languages registered by hand: the
//   full build is ~300 KB; core + these is a small part of it, and a fence
//   in another language is shown plain. No eval, no inline style: it emits
//   class names only, coloured by chat.css for light and dark.
import { Marked } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import perl from 'highlight.js/lib/languages/perl';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const LANGS = { bash, c, cpp, css, diff, go, java, javascript, json, perl, python, rust, sql, typescript, xml, yaml };
for (const [name, def] of Object.entries(LANGS)) hljs.registerLanguage(name, def);
hljs.configure({ ignoreUnescapedHTML: true });

function escape(s) {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    // HTML written by the model is shown as text, never parsed as markup:
    // only marked's own tags reach DOMPurify (which would remove handlers
    // and styles, but Chromium reports a CSP violation as soon as it parses
    // one, even in DOMPurify's inert document)
    html({ text }) {
      return escape(text);
    },
    code({ text, lang }) {
      const name = (lang || '').trim().split(/\s+/)[0].toLowerCase();
      const known = name && hljs.getLanguage(name);
      const body = known ? hljs.highlight(text, { language: name, ignoreIllegals: true }).value : escape(text);
      const cls = known ? ` class="hljs language-${escape(name)}"` : ' class="hljs"';
      return `<pre><code${cls}>${body}</code></pre>\n`;
    },
  },
});

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') || '';
    if (!/^(https?:|mailto:|#|\/)/i.test(href)) node.removeAttribute('href');
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const PURIFY = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'video', 'audio', 'picture', 'source', 'svg', 'math'],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction'],
  ALLOW_DATA_ATTR: false,
};

// Markdown -> sanitized HTML (a string for innerHTML)
export function toHtml(markdown) {
  const html = marked.parse(markdown || '', { async: false });
  return DOMPurify.sanitize(html, PURIFY);
}

// Each code block gets a copy button (made here as elements, never HTML).
export function decorate(root) {
  for (const pre of root.querySelectorAll('pre')) {
    if (pre.querySelector('.copy')) continue;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn ghost small copy';
    b.append('Copy');
    const code = pre.querySelector('code');
    const m = code && /\blanguage-([\w-]+)/.exec(code.className);
    const lang = m && m[1];
    const more = document.createElement('span');
    more.className = 'visually-hidden';
    more.textContent = lang ? ` the ${lang} code` : ' the code';
    b.append(more);
    pre.prepend(b);
  }
}
