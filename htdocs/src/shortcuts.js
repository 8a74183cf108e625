// Keyboard shortcuts that work on every page. Ctrl+Shift+O (Cmd on a Mac)
// opens a new chat with its message box focused. The chat page handles the
// key itself while it is open (its listener on document runs first and
// takes the event); this one, on window, handles it everywhere else.
import { navigate } from './router.js';

let composerWanted = false;

// True once after a shortcut asked for the new chat's message box.
export function takeComposerFocus() {
  const wanted = composerWanted;
  composerWanted = false;
  return wanted;
}

export function newChat() {
  composerWanted = true;
  navigate('/chat');
}

window.addEventListener('keydown', (e) => {
  if (e.defaultPrevented || document.querySelector('dialog[open]')) return;
  if ((e.ctrlKey || e.metaKey) && e.shiftKey && (e.key === 'O' || e.key === 'o')) {
    e.preventDefault();
    newChat();
  }
});

// '/' (outside a text field) or Ctrl+K: the page's search box.
export function isSearchKey(e) {
  const inField = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) || e.target.isContentEditable;
  return ((e.ctrlKey || e.metaKey) && (e.key === 'k' || e.key === 'K')) || (e.key === '/' && !inField && !e.ctrlKey && !e.metaKey);
}
