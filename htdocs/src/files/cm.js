// CodeMirror 6 for the file editor, in a chunk of its own (Editor.jsx loads
// this module with import() when the first text file opens): line numbers,
// undo history, bracket matching, search and replace (Ctrl+F, its panel
// has the replace fields), soft wrap that can be switched, and syntax
// highlighting by the file's extension, each language loaded with import()
// when a file of it opens.
//
// The CSP allows no inline style (style-src 'self'). CodeMirror's styles
// come from style-mod, which writes a <style> element into a document (a
// violation) but uses a constructed stylesheet (adoptedStyleSheets, which
// the CSP does not govern) inside a shadow root. So the editor lives in a
// shadow root of its host element (createEditor below); the page's CSS
// custom properties (the theme's colours) still reach it by inheritance.
// Tab is left to move the focus (no indentWithTab): keyboard users must be
// able to leave the editor.
import { EditorState, Compartment } from '@codemirror/state';
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  drawSelection,
  highlightSpecialChars,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { searchKeymap, highlightSelectionMatches, openSearchPanel } from '@codemirror/search';
import { bracketMatching, indentOnInput, syntaxHighlighting, HighlightStyle } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

// extension -> the language's loader (a chunk each)
const LANGS = [
  [/\.(m?js|cjs|jsx)$/i, () => import('@codemirror/lang-javascript').then((m) => m.javascript({ jsx: true }))],
  [/\.(ts|tsx)$/i, () => import('@codemirror/lang-javascript').then((m) => m.javascript({ jsx: true, typescript: true }))],
  [/\.(py|pyw)$/i, () => import('@codemirror/lang-python').then((m) => m.python())],
  [/\.(md|markdown|mdown)$/i, () => import('@codemirror/lang-markdown').then((m) => m.markdown())],
  [/\.(css)$/i, () => import('@codemirror/lang-css').then((m) => m.css())],
  [/\.(html?|xhtml)$/i, () => import('@codemirror/lang-html').then((m) => m.html())],
  [/\.(json|jsonc)$/i, () => import('@codemirror/lang-json').then((m) => m.json())],
  [/\.(c|h|cc|cpp|cxx|hpp|hh|hxx)$/i, () => import('@codemirror/lang-cpp').then((m) => m.cpp())],
];

// Colours from the page's theme where they exist, light-dark() elsewhere,
// so the editor follows the light and dark themes.
const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword], color: 'light-dark(#8839ef, #cba6f7)' },
  { tag: [t.string, t.special(t.string), t.regexp], color: 'light-dark(#2b7a3d, #a6e3a1)' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'light-dark(#b35900, #fab387)' },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: 'light-dark(#1e5bb8, #89b4fa)' },
  { tag: [t.definition(t.variableName), t.className, t.typeName], color: 'light-dark(#a3223a, #f38ba8)' },
  { tag: [t.heading], fontWeight: '700', color: 'var(--accent)' },
  { tag: [t.emphasis], fontStyle: 'italic' },
  { tag: [t.strong], fontWeight: '700' },
  { tag: [t.link, t.url], color: 'var(--accent)', textDecoration: 'underline' },
  { tag: [t.tagName, t.propertyName, t.attributeName], color: 'light-dark(#1e5bb8, #89b4fa)' },
  { tag: [t.meta, t.processingInstruction], color: 'var(--muted)' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', color: 'var(--text)', backgroundColor: 'var(--surface)', fontSize: '0.9rem' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--text)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
  '.cm-gutters': { backgroundColor: 'var(--surface-2)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'light-dark(rgb(59 91 219 / 5%), rgb(123 147 245 / 8%))' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--accent-soft)', color: 'var(--text)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'light-dark(#c9d4fb, #3a4670)' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-panels': { backgroundColor: 'var(--surface-2)', color: 'var(--text)' },
  '.cm-panels-bottom': { borderTop: '1px solid var(--border)' },
  '.cm-panel input, .cm-panel button': { font: 'inherit', fontSize: '0.85rem', color: 'var(--text)' },
  '.cm-textfield': { backgroundColor: 'var(--surface)', border: '1px solid var(--border)', borderRadius: '4px' },
  '.cm-button': { backgroundImage: 'none', backgroundColor: 'var(--surface)', border: '1px solid var(--border)', borderRadius: '4px' },
  '.cm-panel input:focus-visible, .cm-panel button:focus-visible': { outline: '2px solid var(--focus)', outlineOffset: '1px' },
  '.cm-searchMatch': { backgroundColor: 'light-dark(#ffe8a3, #5c4a12)' },
  '.cm-searchMatch-selected': { backgroundColor: 'light-dark(#ffc94d, #8a6d12)' },
});

// The editor in host's shadow root. Returns {view, getText, setText,
// setWrap, find, destroy}. onSave() on Ctrl+S / Cmd+S; onChange(doc) on
// every edit.
// crlf: the file's lines end in CR LF (kept so, and Enter makes CR LF;
// other files' line ends become LF)
export function createEditor(host, { text, path, wrap, readOnly, crlf, label, onSave, onChange }) {
  const shadow = host.shadowRoot || host.attachShadow({ mode: 'open' });
  const wrapping = new Compartment();
  const language = new Compartment();
  const view = new EditorView({
    root: shadow,
    parent: shadow,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        syntaxHighlighting(highlight),
        keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (onSave(), true) }, ...searchKeymap, ...historyKeymap, ...defaultKeymap]),
        wrapping.of(wrap ? EditorView.lineWrapping : []),
        language.of([]),
        EditorState.readOnly.of(!!readOnly),
        crlf ? EditorState.lineSeparator.of('\r\n') : [],
        theme,
        // tabindex: the scroller holds a focusable element (axe does not count
        // a bare contenteditable)
        EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
        EditorView.updateListener.of((u) => u.docChanged && onChange && onChange(u.state.doc)),
      ],
    }),
  });
  let live = true;
  let base = view.state.doc; // the text as saved: what "changed" compares with
  const loader = LANGS.find(([re]) => re.test(path));
  if (loader) {
    loader[1]()
      .then((ext) => live && view.dispatch({ effects: language.reconfigure(ext) }))
      .catch(() => {}); // plain text without highlighting
  }
  return {
    view,
    getText: () => view.state.sliceDoc(),
    // a text of the editor as the file holds it (its line ends)
    textOf: (doc) => doc.sliceString(0, doc.length, view.state.lineBreak),
    // the text now, and whether it differs from the saved one (Text.eq:
    // no copy of a large file at each keystroke)
    getDoc: () => view.state.doc,
    isChanged: () => !view.state.doc.eq(base),
    setSaved(doc) {
      base = doc;
    },
    setText(s) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: s } });
    },
    setWrap: (on) => view.dispatch({ effects: wrapping.reconfigure(on ? EditorView.lineWrapping : []) }),
    find: () => openSearchPanel(view),
    focus: () => view.focus(),
    destroy() {
      live = false;
      view.destroy();
    },
  };
}
