// A page loaded on first visit (import()): its code, styles and libraries
// are a chunk of their own, so the first page stays small.
import { useEffect, useState } from 'preact/hooks';

export function lazyPage(load, name) {
  let Page = null;
  let loading = null;
  return function LazyPage(props) {
    const [, ready] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Page) return;
      loading = loading || load().then((m) => (Page = m[name]));
      loading.then(
        () => ready(1),
        () => {
          loading = null;
          setFailed(true);
        },
      );
    }, []);
    if (Page) return <Page {...props} />;
    if (failed)
      return (
        <div class="alert error" role="alert">
          This page could not be loaded. Check your connection and <a href={location.pathname}>try again</a>.
        </div>
      );
    return (
      <p class="muted" role="status">
        Loading…
      </p>
    );
  };
}
