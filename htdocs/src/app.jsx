// The shell: a header with who is signed in, then the page of the path.
// Signed out, every path shows the sign-in (or first-admin) page and comes
// back to where it was once signed in.
import './theme.js';
import './theme.css';
import './header.css';
import './shortcuts.js';
import { Chat, Settings, ApiDocs } from './pages/lazy.js';
import { useEffect, useRef } from 'preact/hooks';
import { useSession, signOut } from './session.js';
import { usePath, match, onLinkClick } from './router.js';
import { SignIn } from './pages/SignIn.jsx';
import { Dashboard } from './pages/Dashboard.jsx';
import { NotFound } from './pages/NotFound.jsx';
import { Logo } from './components/Logo.jsx';
import { lazyPage } from './components/Lazy.jsx';

const Project = lazyPage(() => import('./pages/Project.jsx'), 'Project');
const Admin = lazyPage(() => import('./pages/admin/Admin.jsx'), 'Administration');

// Add a page here: [path pattern, component]; ':id' segments become props.
const ROUTES = [
  ['/chat', Chat],
  ['/chat/:thread', Chat],
  ['/settings', Settings],
  ['/api-docs', ApiDocs],
  ['/', Dashboard],
  ['/projects/:id', Project],
  ['/admin', Admin],
  ['/admin/:section', Admin],
  ['*', NotFound],
];

export function App() {
  const session = useSession();
  const path = usePath();

  if (session.status === 'loading') {
    return (
      <div class="boot" role="status" aria-live="polite">
        <Logo />
        <span class="visually-hidden">Loading…</span>
      </div>
    );
  }
  if (session.status === 'error') {
    return (
      <main class="auth">
        <div class="card auth-card">
          <Logo />
          <h1>mod_planning is not answering</h1>
          <p class="muted">{session.notice}</p>
          <button class="btn primary" type="button" onClick={() => location.reload()}>Try again</button>
        </div>
      </main>
    );
  }
  if (session.status !== 'signed-in') return <SignIn session={session} />;

  const { component: Page, params } = match(ROUTES, path);
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <Header session={session} />
      <Main key={path}>
        <Page {...params} session={session} />
      </Main>
    </>
  );
}

function Main({ children }) {
  const ref = useRef(null);
  // a new page: its heading is announced and focus starts there
  useEffect(() => {
    const h = ref.current && ref.current.querySelector('h1');
    if (h && document.activeElement === document.body) h.focus({ preventScroll: true });
  }, []);
  return (
    <main id="main" class="page" ref={ref}>
      {children}
    </main>
  );
}

function Header({ session }) {
  const { user, via, role } = session;
  return (
    <header class="topbar">
      <a class="brand" href="/" onClick={onLinkClick} aria-label="mod_planning, dashboard">
        <Logo />
        <span class="brand-name">mod_planning</span>
      </a>
      <nav class="nav" aria-label="Main">
        <a href="/" onClick={onLinkClick} aria-current={location.pathname === '/' ? 'page' : undefined}>
          Dashboard
        </a>
        <a href="/chat" onClick={onLinkClick} aria-current={location.pathname.startsWith('/chat') ? 'page' : undefined}>
          Chat
        </a>
        <a href="/settings" onClick={onLinkClick} aria-current={location.pathname === '/settings' ? 'page' : undefined}>
          Settings
        </a>
        {role === 'admin' && (
          <a href="/admin" onClick={onLinkClick} aria-current={location.pathname.startsWith('/admin') ? 'page' : undefined}>
            Admin
          </a>
        )}
      </nav>
      <div class="who">
        <span class="user" title={via === 'apache' ? 'Signed in by the web server' : undefined}>
          <span class="avatar" aria-hidden="true">{(user.username || '?').charAt(0).toUpperCase()}</span>
          <span class="user-name">{user.username}</span>
          <span class="badge">{role}</span>
        </span>
        {via === 'cookie' && (
          <button class="btn ghost" type="button" onClick={() => signOut()}>
            Sign out
          </button>
        )}
      </div>
    </header>
  );
}
