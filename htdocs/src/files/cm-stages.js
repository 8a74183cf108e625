// CodeMirror's modules, evaluated in stages before files/cm.js: a dynamic
// import evaluates its whole module graph in one task, and CodeMirror's is
// long enough on a slow phone to block the page for a few hundred ms.
// Each stage below is a chunk of its own that the next one shares, so
// loading them one after the other, with a task boundary between, splits
// that work into shorter tasks the page can answer input between.
export const STAGES = [
  () => import('./cm-core.js'), // @codemirror/state and @codemirror/view
  () => import('./cm-language.js'), // @codemirror/language and the Lezer runtime
];
