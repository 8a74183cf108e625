// Stage 2 of CodeMirror (see cm-stages.js): syntax trees and highlighting.
export { syntaxHighlighting } from '@codemirror/language';
export { tags } from '@lezer/highlight';
