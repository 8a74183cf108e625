// A labelled form control: the label names the control alone, the hint
// describes it (aria-describedby), so a screen reader says both apart.
// Pass the control as the child, without an id: Field gives it one.
import { cloneElement } from 'preact';

export function Field({ id, label, hint, error, inline, grow, hideLabel, children }) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  const control = cloneElement(children, { id, 'aria-describedby': describedBy, 'aria-invalid': error ? 'true' : undefined });
  return (
    <div class={`field${inline ? ' inline' : ''}${grow ? ' grow' : ''}`}>
      <label for={id} class={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      {control}
      {error && (
        <small id={errorId} class="field-error">
          {error}
        </small>
      )}
      {hint && (
        <small id={hintId} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}
