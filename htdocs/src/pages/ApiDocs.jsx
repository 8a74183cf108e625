// The API reference: GET /api/v1/openapi.json (doc/openapi/ in the source)
// shown by tag, each operation a <details> with its parameters, body and
// replies, schemas as nested lists of their properties ($refs followed).
// Plain elements only (no library, no inline script or style: the CSP
// holds; descriptions are Markdown, rendered and sanitized by markdown.js as
// the chat's are); a filter narrows the operations by path, method or
// summary. The shared error responses point to the Errors section.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, describe } from '../api.js';
import { Alert } from '../components/Alert.jsx';
import { Field } from '../components/Field.jsx';
import { renderMarkdown } from '../markdown.js';
import '../markdown.css';
import './api-docs.css';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

// '#/components/schemas/Error' -> the schema; [name, schema]
function resolve(doc, s) {
  if (!s || !s.$ref) return [null, s];
  const name = s.$ref.split('/').pop();
  const target = s.$ref.replace(/^#\//, '').split('/').reduce((o, k) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : o), doc);
  return [name, target || {}];
}

function typeOf(s) {
  if (!s) return 'any';
  if (s.enum) return s.enum.length > 8 ? `${s.type || 'string'} (one of ${s.enum.length} values)` : s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  if (t === 'array' && s.items) return 'array';
  if (s.anyOf || s.oneOf) return 'one of';
  return t || 'any';
}

// A schema as nested lists; depth-limited, cycles cut by the $ref names seen.
function Schema({ doc, schema, depth = 0, seen = [] }) {
  const [name, s] = resolve(doc, schema);
  if (name && seen.includes(name)) return <span class="ad-type">{name}</span>;
  const seen2 = name ? [...seen, name] : seen;
  if (!s) return null;
  const parts = s.anyOf || s.oneOf;
  const props = s.properties ? Object.entries(s.properties) : [];
  const items = s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array')) ? s.items : null;
  const map = s.additionalProperties && typeof s.additionalProperties === 'object' ? s.additionalProperties : null;
  return (
    <span class="ad-schema">
      <span class="ad-type">
        {name ? `${name}: ` : ''}
        {typeOf(s)}
      </span>
      {s.description && depth > 0 && <span class="ad-desc"> — {s.description}</span>}
      {depth < 6 && parts && (
        <ul>
          {parts.map((p) => (
            <li>
              <Schema doc={doc} schema={p} depth={depth + 1} seen={seen2} />
            </li>
          ))}
        </ul>
      )}
      {depth < 6 && props.length > 0 && (
        <ul>
          {props.map(([k, v]) => (
            <li>
              <code>{k}</code>
              {(s.required || []).includes(k) ? <span class="ad-req"> (required)</span> : null}: <Schema doc={doc} schema={v} depth={depth + 1} seen={seen2} />
            </li>
          ))}
        </ul>
      )}
      {depth < 6 && items && (
        <ul>
          <li>
            items: <Schema doc={doc} schema={items} depth={depth + 1} seen={seen2} />
          </li>
        </ul>
      )}
      {depth < 6 && map && (
        <ul>
          <li>
            each value: <Schema doc={doc} schema={map} depth={depth + 1} seen={seen2} />
          </li>
        </ul>
      )}
    </span>
  );
}

function Content({ doc, content }) {
  return Object.entries(content || {}).map(([type, media]) => (
    <div class="ad-media">
      <code>{type}</code>
      {media['x-events'] ? (
        <dl class="ad-events">
          {Object.entries(media['x-events']).map(([name, e]) => (
            <>
              <dt>
                event: <code>{name}</code>
              </dt>
              <dd>
                <Text text={e.description} /> <Schema doc={doc} schema={e.schema} />
              </dd>
            </>
          ))}
        </dl>
      ) : (
        <div>
          <Schema doc={doc} schema={media.schema} />
        </div>
      )}
    </div>
  ));
}

// A description (Markdown, from the document this server serves).
function Text({ text }) {
  return text ? <div class="markdown ad-text" dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} /> : null;
}

function Operation({ doc, path, method, op }) {
  // the body is made when opened: 145 closed operations stay light
  const [open, setOpen] = useState(false);
  const params = (op.parameters || []).map((p) => resolve(doc, p)[1]);
  return (
    <details class="ad-op card" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span class={`ad-method ad-${method}`}>{method.toUpperCase()}</span> <code class="ad-path">{path}</code>
        <span class="ad-summary muted"> {op.summary}</span>
      </summary>
      {open && <OperationBody doc={doc} op={op} params={params} />}
    </details>
  );
}

function OperationBody({ doc, op, params }) {
  return (
    <>
      <Text text={op.description} />
      {params.length > 0 && (
        <table class="ad-table">
          <caption>Parameters</caption>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">in</th>
              <th scope="col">type</th>
              <th scope="col">about</th>
            </tr>
          </thead>
          <tbody>
            {params.map((p) => (
              <tr>
                <td>
                  <code>{p.name}</code>
                  {p.required ? ' (required)' : ''}
                </td>
                <td>{p.in}</td>
                <td>{typeOf(p.schema)}</td>
                <td>{p.description || ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {op.requestBody && (
        <section class="ad-part">
          <h3>Request body{op.requestBody.required ? '' : ' (optional)'}</h3>
          <Content doc={doc} content={op.requestBody.content} />
        </section>
      )}
      <section class="ad-part">
        <h3>Responses</h3>
        <dl class="ad-responses">
          {Object.entries(op.responses || {}).map(([status, r]) => {
            const [shared, resp] = resolve(doc, r);
            return (
              <>
                <dt>{status}</dt>
                <dd>
                  {shared ? (
                    <p>
                      {shared === 'Error' ? 'An error' : shared}: see <a href="#ad-errors">Errors</a>.
                    </p>
                  ) : (
                    <>
                      <Text text={resp.description} />
                      <Content doc={doc} content={resp.content} />
                    </>
                  )}
                </dd>
              </>
            );
          })}
        </dl>
      </section>
    </>
  );
}

export function ApiDocs() {
  const [doc, setDoc] = useState(null);
  const [error, setError] = useState(null);
  const [q, setQ] = useState('');

  useEffect(() => {
    get('/api/v1/openapi.json').then(setDoc, (err) => setError(describe(err)));
  }, []);

  // [tag, [[path, method, op]...]] in the document's tag order
  const groups = useMemo(() => {
    if (!doc) return [];
    const needle = q.trim().toLowerCase();
    const by = new Map((doc.tags || []).map((t) => [t.name, []]));
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        if (needle && !`${m} ${path} ${op.summary || ''}`.toLowerCase().includes(needle)) continue;
        const tag = (op.tags || ['other'])[0];
        if (!by.has(tag)) by.set(tag, []);
        by.get(tag).push([path, m, op]);
      }
    }
    return [...by].filter(([, ops]) => ops.length);
  }, [doc, q]);

  const tagInfo = (name) => (doc.tags || []).find((t) => t.name === name) || {};
  return (
    <div class="api-docs">
      <div class="page-head">
        <div>
          <h1 tabIndex={-1}>API reference</h1>
          <p class="muted">
            {doc ? doc.info.summary : 'The routes of this server, from its OpenAPI document.'}{' '}
            <a href="/api/v1/openapi.json">openapi.json</a>
          </p>
        </div>
      </div>
      <Alert>{error}</Alert>
      {!doc && !error && <p role="status">Loading…</p>}
      {doc && (
        <>
          <form class="filters" role="search" aria-label="Filter the operations" onSubmit={(e) => e.preventDefault()}>
            <Field id="ad-filter" label="Filter" hint="A path, a method or a summary.">
              <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
            </Field>
          </form>
          <section aria-labelledby="ad-auth">
            <h2 id="ad-auth">Authentication</h2>
            <dl class="ad-responses">
              {Object.entries(doc.components.securitySchemes || {}).map(([name, s]) => (
                <>
                  <dt>{name}</dt>
                  <dd>
                    <Text text={s.description} />
                  </dd>
                </>
              ))}
            </dl>
          </section>
          {groups.map(([tag, ops]) => (
            <section aria-labelledby={`ad-tag-${tag}`}>
              <h2 id={`ad-tag-${tag}`}>{tag}</h2>
              {tagInfo(tag).description && <p class="muted">{tagInfo(tag).description}</p>}
              {ops.map(([path, m, op]) => (
                <Operation doc={doc} path={path} method={m} op={op} />
              ))}
            </section>
          ))}
          {groups.length === 0 && <p role="status">No operation matches.</p>}
          <section aria-labelledby="ad-errors">
            <h2 id="ad-errors">Errors</h2>
            <Text text={doc.components.schemas.ErrorCode.description} />
            <Schema doc={doc} schema={{ $ref: '#/components/schemas/Error' }} />
            <p class="ad-codes">
              {doc.components.schemas.ErrorCode.enum.map((c) => (
                <code>{c} </code>
              ))}
            </p>
          </section>
        </>
      )}
    </div>
  );
}

export default ApiDocs;
