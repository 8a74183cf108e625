// A button that copies a text to the clipboard and says so (a status read out).
import { useState } from 'preact/hooks';

export function Copy({ text, label = 'Copy' }) {
  const [done, setDone] = useState(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setDone('Copied.');
    } catch {
      setDone('Copy refused by the browser: select the text and copy it.');
    }
    setTimeout(() => setDone(null), 4000);
  }
  return (
    <span class="copy">
      <button type="button" class="btn small" onClick={copy}>
        {label}
      </button>
      <span role="status" class="small muted">
        {done}
      </span>
    </span>
  );
}
