// A message in place: role=alert for errors (read out at once), status otherwise.
export function Alert({ kind = 'error', children, id }) {
  if (!children) return null;
  return (
    <div id={id} class={`alert ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
