// A modal dialog on the native <dialog>: the browser traps focus inside,
// Escape closes it, and focus returns to what opened it.
import { useEffect, useRef } from 'preact/hooks';

export function Dialog({ open, title, onClose, children, labelledBy = 'dialog-title' }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      const before = document.activeElement;
      d.showModal();
      d._returnFocus = before;
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);
  useEffect(() => {
    const d = ref.current;
    const closed = () => {
      if (d._returnFocus && d._returnFocus.focus) d._returnFocus.focus();
      onClose && onClose();
    };
    d.addEventListener('close', closed);
    return () => d.removeEventListener('close', closed);
  }, [onClose]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={labelledBy}>
      {open && (
        <>
          <h2 id={labelledBy}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}
