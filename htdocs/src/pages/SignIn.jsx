// Sign-in, or the first-admin form while no account exists
// (GET /api/v1/auth/setup says which).
import { useState, useRef, useEffect } from 'preact/hooks';
import { signIn, createFirstAdmin } from '../session.js';
import { ApiError, describe } from '../api.js';
import { Alert } from '../components/Alert.jsx';
import { Logo } from '../components/Logo.jsx';
import { Field } from '../components/Field.jsx';

const MIN_PASSWORD = 12;

function message(err, setup) {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Wrong user name or password.';
    if (err.status === 429)
      return `Too many sign-in attempts. Wait ${err.retryAfter ? `${err.retryAfter} seconds` : 'a minute'} and try again.`;
    if (setup && err.status === 409) return 'An account exists already: sign in with it.';
  }
  return describe(err);
}

export function SignIn({ session }) {
  const setup = session.status === 'setup';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false); // the session's notice is old news then
  const first = useRef(null);
  const pw = useRef(null);

  useEffect(() => {
    first.current && first.current.focus();
  }, [setup]);

  async function submit(e) {
    e.preventDefault();
    setError(null);
    setTried(true);
    if (setup) {
      if (password.length < MIN_PASSWORD) return setError(`The password needs at least ${MIN_PASSWORD} characters.`);
      if (password !== confirm) return setError('The two passwords differ.');
    }
    setBusy(true);
    try {
      await (setup ? createFirstAdmin : signIn)(username.trim(), password);
    } catch (err) {
      setError(message(err, setup));
      setPassword('');
      setConfirm('');
      if (pw.current) pw.current.focus();
      setBusy(false);
    }
  }

  return (
    <main class="auth">
      <form class="card auth-card" onSubmit={submit} aria-labelledby="auth-title" aria-describedby={error ? 'auth-error' : undefined} novalidate>
        <div class="auth-brand">
          <Logo />
          <span class="brand-name">mod_planning</span>
        </div>
        <h1 id="auth-title">{setup ? 'Create the first admin' : 'Sign in'}</h1>
        {setup ? (
          <p class="muted">No account exists yet. The account you create now administers this server.</p>
        ) : (
          session.notice && !tried && <Alert kind="info">{session.notice}</Alert>
        )}
        <Alert id="auth-error">{error}</Alert>
        <Field id="auth-username" label="User name">
          <input
            ref={first}
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </Field>
        <Field id="auth-password" label="Password" hint={setup ? `At least ${MIN_PASSWORD} characters; a few words make a good one.` : null}>
          <input
            ref={pw}
            type="password"
            name="password"
            autocomplete={setup ? 'new-password' : 'current-password'}
            required
            minLength={setup ? MIN_PASSWORD : undefined}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        {setup && (
          <Field id="auth-confirm" label="Repeat the password">
            <input
              type="password"
              name="confirm"
              autocomplete="new-password"
              required
              value={confirm}
              onInput={(e) => setConfirm(e.currentTarget.value)}
            />
          </Field>
        )}
        <button class="btn primary wide" type="submit" disabled={busy || !username || !password}>
          {busy ? (setup ? 'Creating…' : 'Signing in…') : setup ? 'Create admin and sign in' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
