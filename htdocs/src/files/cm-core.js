// Stage 1 of CodeMirror (see cm-stages.js): the document model and the view.
export { EditorState } from '@codemirror/state';
export { EditorView } from '@codemirror/view';
