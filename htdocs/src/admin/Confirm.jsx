// What the administration's dialogs and panels share: Confirm, FormActions
// and useFocusHere.
//
// Confirm: "Are you sure?" before something that cannot be undone: a modal dialog
// (components/Dialog.jsx) whose Cancel button has the focus first, so that
// Enter does not destroy by accident. ask = {title, text, action, run}:
// run() does it and may throw (its error is said in the dialog).
import { useEffect, useRef, useState } from 'preact/hooks';
import { Dialog } from '../components/Dialog.jsx';
import { Alert } from '../components/Alert.jsx';
import { describe } from '../api.js';

export function Confirm({ ask, onClose }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function go() {
    setBusy(true);
    try {
      await ask.run();
      setError(null);
      onClose(true);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog open={!!ask} title={ask ? ask.title : ''} labelledBy="confirm-title" onClose={() => (setError(null), onClose(false))}>
      {ask && (
        <div class="stack">
          <p>{ask.text}</p>
          <Alert>{error}</Alert>
          <div class="dialog-actions">
            <button type="button" class="btn" autofocus onClick={() => onClose(false)}>
              Cancel
            </button>
            <button type="button" class="btn danger" disabled={busy} onClick={go}>
              {ask.action}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}


// The buttons at the foot of a form in a dialog: Cancel, then the submit.
export function FormActions({ onCancel, submit, disabled }) {
  return (
    <div class="dialog-actions">
      <button type="button" class="btn" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" class="btn primary" disabled={disabled}>
        {submit}
      </button>
    </div>
  );
}

// A ref for the heading of a panel that opens at a user's request (a
// server's models, a prompt): focus goes there, so that the keyboard and
// a screen reader carry on from what was opened, not from the button.
export function useFocusHere() {
  const ref = useRef(null);
  useEffect(() => {
    if (ref.current) ref.current.focus();
  }, []);
  return ref;
}
