// A page loaded with import() the first time it is shown: its code (and
// the libraries only it needs) stays out of the first page's bundle.
import { useEffect, useState } from 'preact/hooks';
import { Alert } from './Alert.jsx';

export function lazyPage(load, title = 'Loading') {
  let Component = null;
  let pending = null;
  return function LazyPage(props) {
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
    return (
      <>
        <h1 tabIndex={-1}>{title}</h1>
        {error ? <Alert>{error}</Alert> : <p class="muted" role="status">Loading…</p>}
      </>
    );
  };
}
