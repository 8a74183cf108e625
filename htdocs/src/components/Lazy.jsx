// A page loaded with import() the first time it is shown: its code (and
// the libraries only it needs) stays out of the first page's bundle.
// lazyPage gives a whole page (a heading while it loads), lazyPart a part
// of one, such as a tab (only a line while it loads).
import { useEffect, useState } from 'preact/hooks';
import { Alert } from './Alert.jsx';

function lazy(load, Waiting) {
  let Component = null;
  let pending = null;
  return function Lazy(props) {
    const [, setReady] = useState(0);
    const [error, setError] = useState(null);
    useEffect(() => {
      if (Component) return;
      pending = pending || load().then((m) => (Component = m.default));
      pending.then(
        () => setReady(1),
        () => {
          pending = null;
          setError('This page could not be loaded. Reload to try again.');
        },
      );
    }, []);
    if (Component) return <Component {...props} />;
    return <Waiting error={error} />;
  };
}

export function lazyPage(load, title = 'Loading') {
  return lazy(load, ({ error }) => (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      {error ? <Alert>{error}</Alert> : <p class="muted" role="status">Loading…</p>}
    </>
  ));
}

export function lazyPart(load) {
  return lazy(load, ({ error }) => (error ? <Alert>{error}</Alert> : <p class="muted" role="status">Loading…</p>));
}
