// Administration (/admin, /admin/{section}): model servers, users, the
// audit log, usage and the prompt library. One chunk, loaded on first visit
// (app.jsx): people who never open it never download it. Admins only: the
// header shows the link to admins alone, everyone else who comes here is
// told so, and the API refuses them anyway (403).
import { onLinkClick } from '../../router.js';
import { Servers } from './Servers.jsx';
import { Users } from './Users.jsx';
import { Audit } from './Audit.jsx';
import { Usage } from './Usage.jsx';
import { Prompts } from './Prompts.jsx';
import '../../admin/admin.css';

const SECTIONS = [
  ['servers', 'Model servers', Servers],
  ['users', 'Users', Users],
  ['audit', 'Audit log', Audit],
  ['usage', 'Usage', Usage],
  ['prompts', 'Prompts', Prompts],
];

export default function Admin({ session, section = 'servers' }) {
  if (session.role !== 'admin') {
    return (
      <div class="admin-only">
        <h1 tabIndex={-1}>Admins only</h1>
        <p>
          Administration is for admins only, and your role is <strong>{session.role}</strong>. Ask an admin if you need
          something changed here.
        </p>
        <p>
          <a href="/" onClick={onLinkClick}>
            Back to the dashboard
          </a>
        </p>
      </div>
    );
  }
  const found = SECTIONS.find(([k]) => k === section);
  if (!found) {
    return (
      <>
        <h1 tabIndex={-1}>No such page</h1>
        <p>
          <a href="/admin" onClick={onLinkClick}>
            Administration
          </a>
        </p>
      </>
    );
  }
  const [, title, Section] = found;
  return (
    <div class="admin">
      <div class="page-head">
        <h1 tabIndex={-1}>Administration: {title}</h1>
      </div>
      <nav class="admin-nav" aria-label="Administration">
        {SECTIONS.map(([k, label]) => (
          <a key={k} href={`/admin/${k}`} onClick={onLinkClick} aria-current={k === section ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <Section session={session} />
    </div>
  );
}
