// A job followed to its end through its events (GET /api/v1/jobs/{id}/events,
// SSE on EventSource: same-origin cookies, no header needed for a GET):
// onProgress gets each `progress` event, the promise the job as `done`
// gives it. A refused stream (the access token may have ended) renews the
// session once; after that, or on an `error` event, the job is read once
// with GET so its state is known even when the stream was lost.
import { get } from '../api.js';
import { refresh } from '../session.js';

export function followJob(id, onProgress, signal) {
  return new Promise((resolve, reject) => {
    let again = false;
    let src = null;
    const finish = (fn, v) => {
      if (src) src.close();
      fn(v);
    };
    const fallback = () =>
      get(`/api/v1/jobs/${id}`).then((j) => finish(resolve, j), (err) => finish(reject, err));
    function open() {
      src = new EventSource(`/api/v1/jobs/${id}/events`);
      src.addEventListener('progress', (e) => {
        try {
          onProgress(JSON.parse(e.data));
        } catch {
          /* not JSON: ignored */
        }
      });
      src.addEventListener('done', (e) => finish(resolve, JSON.parse(e.data)));
      src.addEventListener('error', (e) => {
        if (e.data || src.readyState === EventSource.CLOSED) {
          src.close();
          if (!e.data && !again) {
            again = true;
            refresh().then((ok) => (ok ? open() : fallback()));
          } else fallback();
        }
      });
    }
    if (signal) signal.addEventListener('abort', () => src && src.close());
    open();
  });
}

// What a failed git job means for a person, by its error code.
const WHAT = {
  PULL_CONFLICT: 'The pull would not be a fast-forward (the branches diverged) or local changes are in the way: nothing was changed. Commit or undo the local changes, or reconcile the branches, then pull again.',
  PUSH_REJECTED: 'The remote rejected the push: it has commits this branch does not (a push is never forced). Pull first, then push again.',
  REMOTE_UNREACHABLE: 'The remote could not be reached. Check its address and the network.',
  REMOTE_TIMEOUT: 'The remote did not answer in time.',
  AUTH_FAILED: 'The remote refused the deploy key or the token. Is the deploy key added to the repository (with write access to push)?',
  HOST_KEY_UNCONFIRMED: "The remote's ssh host key is not confirmed yet. An admin compares its fingerprint (below) with the forge's published one and confirms it; then try again.",
  HOST_KEY_CHANGED: 'The remote presented another ssh host key than the confirmed one: nothing was transferred. If the change is known to be real (the forge says so), an admin forgets the old key below; the next contact records the new key for confirmation.',
  NO_DEPLOY_KEY: 'An ssh remote needs the project’s deploy key: make one below and add it to the repository.',
  NO_REMOTE: 'The project has no git remote yet: set one below.',
  KEY_UNAVAILABLE: 'The sealed deploy key or token does not open on this server: make a new deploy key or token.',
};

export function jobProblem(job) {
  const e = job.error || {};
  const what = WHAT[e.code];
  return { code: e.code || job.state, text: what ? `${what}${e.message ? ` (${e.message})` : ''}` : e.message || `The job ${job.state}.` };
}
export const explain = (code) => WHAT[code];
