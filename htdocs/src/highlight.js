// highlight.js for markdown.js's code blocks, in a chunk of its own: loaded
// (import()) only by a caller that asks for highlighting (the chat), so the
// plan preview does not carry it. The core with 16 common languages
// registered by hand: the full build is ~300 KB; core + these is a small
// part of it, and a fence in another language is shown plain. No eval, no
// inline style: it emits class names only, coloured by chat.css for light
// and dark.
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

// The code as HTML (spans with hljs-* classes, the text escaped), or null
// for a language not registered.
export function highlight(code, lang) {
  if (!lang || !hljs.getLanguage(lang)) return null;
  return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}
