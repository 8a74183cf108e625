import { onLinkClick } from '../router.js';

export function NotFound() {
  return (
    <section class="empty">
      <h1 tabIndex={-1}>Page not found</h1>
      <p class="muted">Nothing lives at {location.pathname}.</p>
      <a class="btn" href="/" onClick={onLinkClick}>Back to the dashboard</a>
    </section>
  );
}
