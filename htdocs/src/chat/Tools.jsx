// The chat's tool calls as the user sees them: what the model asked a tool
// (name and arguments), what the tool answered (folded; errors said in
// words), and the question a write tool waits on when the server is set to
// ask (PlanningToolWrites confirm): Allow or Reject, answered with
// POST .../messages/{message}/confirm from this tab or any other.
import { useState } from 'preact/hooks';
import { post, describe } from '../api.js';

// Arguments as the model gave them: a JSON text, or already an object.
function pretty(v) {
  if (v === undefined || v === null || v === '') return '';
  let o = v;
  if (typeof v === 'string') {
    try {
      o = JSON.parse(v);
    } catch {
      return v;
    }
  }
  return JSON.stringify(o, null, 2);
}

// One line per call: "name(arguments)" with the arguments folded when long.
export function ToolCall({ name, args }) {
  const text = pretty(args);
  const short = text.replace(/\s+/g, ' ');
  return (
    <div class="tool-call">
      <span class="tool-tag">Tool call</span> <code class="tool-name">{name}</code>
      {text &&
        (short.length <= 80 ? (
          <code class="tool-args-short">{short}</code>
        ) : (
          <details class="tool-details">
            <summary>Arguments</summary>
            <pre class="tool-json" tabIndex={0}>{text}</pre>
          </details>
        ))}
    </div>
  );
}

// A tool's answer, folded: opened, the JSON it returned.
export function ToolResult({ name, result, error, code }) {
  const failed = !!(error || code);
  const text = pretty(result);
  return (
    <details class={`tool-result${failed ? ' failed' : ''}`}>
      <summary>
        <span class="tool-tag">{failed ? 'Tool failed' : 'Tool result'}</span> <code class="tool-name">{name}</code>
        {failed && <span class="small"> · {typeof error === 'string' ? error : code}</span>}
      </summary>
      {text && <pre class="tool-json" tabIndex={0}>{text}</pre>}
    </details>
  );
}

// The calls of a stored reply (its tool_calls).
export function ToolCalls({ calls }) {
  if (!Array.isArray(calls) || !calls.length) return null;
  return (
    <div class="tool-calls">
      {calls.map((c) => (
        <ToolCall key={c.id} name={(c.function || {}).name} args={(c.function || {}).arguments} />
      ))}
    </div>
  );
}

// A write the model wants to make, waiting for the user's word.
export function ConfirmCall({ threadId, messageId, call }) {
  const [state, setState] = useState(null); // null | 'sending' | 'allowed' | 'rejected' | {error}
  async function answer(approve) {
    setState('sending');
    try {
      await post(`threads/${threadId}/messages/${messageId}/confirm`, { call_id: call.call_id, approve });
      setState(approve ? 'allowed' : 'rejected');
    } catch (err) {
      setState({ error: err.status === 409 ? 'This call was already answered, or waited too long and was rejected.' : describe(err) });
    }
  }
  const done = state === 'allowed' || state === 'rejected';
  return (
    <div class="tool-confirm" role="group" aria-label={`The model asks to run ${call.name}`}>
      <p>
        The model asks to run <code class="tool-name">{call.name}</code>, which changes the project:
      </p>
      <pre class="tool-json" tabIndex={0}>{pretty(call.arguments)}</pre>
      {done ? (
        <p class="small muted" role="status">
          {state === 'allowed' ? 'Allowed.' : 'Rejected.'}
        </p>
      ) : (
        <div class="dialog-actions">
          <button type="button" class="btn ghost small" disabled={state === 'sending'} onClick={() => answer(false)}>
            Reject
          </button>
          <button type="button" class="btn primary small" disabled={state === 'sending'} onClick={() => answer(true)}>
            Allow
          </button>
        </div>
      )}
      {state && state.error && (
        <p class="small alert error" role="alert">
          {state.error}
        </p>
      )}
    </div>
  );
}

// What happened so far in a reply being streamed: the model's text before a
// call, each call and each result, in order.
export function LiveSteps({ steps }) {
  if (!steps || !steps.length) return null;
  return (
    <div class="tool-steps">
      {steps.map((s, i) =>
        s.kind === 'call' ? (
          <ToolCall key={i} name={s.name} args={s.arguments} />
        ) : s.kind === 'result' ? (
          <ToolResult key={i} name={s.name} result={s.result} error={s.error} code={s.code} />
        ) : (
          <p key={i} class="tool-said">
            {s.text}
          </p>
        ),
      )}
    </div>
  );
}
