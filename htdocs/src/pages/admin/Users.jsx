// The accounts: create (a password, or none for an account Apache
// authenticates), change the role, disable and enable, delete. Each change
// that takes something away is confirmed first (admin/Confirm.jsx); what
// the API refuses (the last admin, oneself) is said in the dialog.
import { useEffect, useState } from 'preact/hooks';
import { getAll, post, patch, del, describe, fieldError } from '../../api.js';
import { ago, fullTime } from '../../format.js';
import { Alert } from '../../components/Alert.jsx';
import { Dialog } from '../../components/Dialog.jsx';
import { Field } from '../../components/Field.jsx';
import { Confirm, FormActions } from '../../admin/Confirm.jsx';

const ROLES = ['viewer', 'developer', 'admin'];

export function Users({ session }) {
  const [users, setUsers] = useState(null);
  const [error, setError] = useState(null);
  const [creating, setCreating] = useState(false);
  const [ask, setAsk] = useState(null);
  const [roleOf, setRoleOf] = useState(null);

  async function load() {
    try {
      setUsers(await getAll('/api/v1/users?limit=200', 5000));
      setError(null);
    } catch (err) {
      setError(describe(err));
      setUsers([]);
    }
  }
  useEffect(() => {
    load();
  }, []);

  async function enable(u) {
    try {
      await patch(`/api/v1/users/${u.id}`, { status: 'active' });
      load();
    } catch (err) {
      setError(describe(err));
    }
  }
  const disable = (u) =>
    setAsk({
      title: `Disable ${u.username}?`,
      text: 'They are signed out at their next request and cannot sign in or use their API keys until enabled again.',
      action: 'Disable',
      run: () => patch(`/api/v1/users/${u.id}`, { status: 'disabled' }),
    });
  const remove = (u) =>
    setAsk({
      title: `Delete ${u.username}?`,
      text: 'The account, its sessions and API keys go; its chats go with it. Its prompts stay, owned by nobody. This cannot be undone.',
      action: 'Delete account',
      run: () => del(`/api/v1/users/${u.id}`),
    });

  return (
    <section aria-labelledby="users-title">
      <div class="page-head">
        <h2 id="users-title">Accounts</h2>
        <button type="button" class="btn primary" onClick={() => setCreating(true)}>
          New user
        </button>
      </div>
      <Alert>{error}</Alert>
      {users && (
        <div class="table-wrap">
          <table class="admin-table users">
            <caption class="visually-hidden">Accounts</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} class={u.status === 'disabled' ? 'disabled' : ''}>
                  <th scope="row">
                    {u.username}
                    {u.id === session.user.id && <span class="small muted"> (you)</span>}
                    <span class="small muted block">{u.source === 'apache' ? 'signs in through Apache' : 'password'}</span>
                  </th>
                  <td>{u.role}</td>
                  <td>{u.status}</td>
                  <td title={u.last_login_at ? fullTime(u.last_login_at) : undefined}>{u.last_login_at ? ago(u.last_login_at) : 'never'}</td>
                  <td>
                    <div class="row-actions">
                      <button type="button" class="btn small" onClick={() => setRoleOf(u)} aria-label={`Change the role of ${u.username}`}>
                        Role…
                      </button>
                      {u.status === 'disabled' ? (
                        <button type="button" class="btn small" onClick={() => enable(u)} aria-label={`Enable ${u.username}`}>
                          Enable
                        </button>
                      ) : (
                        <button type="button" class="btn small" onClick={() => disable(u)} aria-label={`Disable ${u.username}`}>
                          Disable
                        </button>
                      )}
                      <button type="button" class="btn small danger" onClick={() => remove(u)} aria-label={`Delete ${u.username}`}>
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewUser open={creating} onClose={(made) => (setCreating(false), made && load())} />
      <RoleDialog user={roleOf} onClose={(done) => (setRoleOf(null), done && load())} />
      <Confirm ask={ask} onClose={(done) => (setAsk(null), done && load())} />
    </section>
  );
}

function NewUser({ open, onClose }) {
  const [f, setF] = useState({ username: '', password: '', role: 'developer' });
  const [error, setError] = useState(null);
  const [fields, setFields] = useState({});
  async function save(e) {
    e.preventDefault();
    const body = { username: f.username.trim(), role: f.role };
    if (f.password) body.password = f.password;
    try {
      await post('/api/v1/users', body);
      setF({ username: '', password: '', role: 'developer' });
      setError(null);
      setFields({});
      onClose(true);
    } catch (err) {
      const fe = fieldError(err);
      setFields(fe ? { [fe[0]]: fe[1] } : {});
      setError(fe ? null : describe(err));
    }
  }
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  return (
    <Dialog open={open} title="New user" labelledBy="new-user-title" onClose={() => onClose(false)}>
      <form class="stack" onSubmit={save}>
        <Alert>{error}</Alert>
        <Field id="nu-name" label="User name" error={fields.username}>
          <input required autocomplete="off" value={f.username} onInput={set('username')} />
        </Field>
        <Field id="nu-password" label="Password" hint="12 characters or more. Leave empty for an account that signs in through Apache." error={fields.password}>
          <input type="password" autocomplete="new-password" value={f.password} onInput={set('password')} />
        </Field>
        <Field id="nu-role" label="Role" error={fields.role}>
          <select value={f.role} onChange={set('role')}>
            {ROLES.map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>
        </Field>
        <FormActions onCancel={() => onClose(false)} submit="Create user" />
      </form>
    </Dialog>
  );
}

function RoleDialog({ user, onClose }) {
  const [role, setRole] = useState('viewer');
  const [error, setError] = useState(null);
  useEffect(() => {
    if (user) (setRole(user.role), setError(null));
  }, [user]);
  async function save(e) {
    e.preventDefault();
    try {
      await patch(`/api/v1/users/${user.id}`, { role });
      onClose(true);
    } catch (err) {
      setError(describe(err));
    }
  }
  return (
    <Dialog open={!!user} title={user ? `The role of ${user.username}` : ''} labelledBy="role-title" onClose={() => onClose(false)}>
      {user && (
        <form class="stack" onSubmit={save}>
          <p class="small muted">Viewers read, developers also write, admins do everything, this page included. It takes effect at their next request.</p>
          <Alert>{error}</Alert>
          <Field id="role-select" label="Role">
            <select value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              {ROLES.map((r) => (
                <option value={r}>{r}</option>
              ))}
            </select>
          </Field>
          <FormActions onCancel={() => onClose(false)} submit="Change role" disabled={role === user.role} />
        </form>
      )}
    </Dialog>
  );
}
