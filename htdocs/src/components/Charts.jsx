// Small pictures drawn as SVG from the API's numbers: presentation
// attributes and classes only, no inline style (the CSP allows none).
import { percent } from '../format.js';

// The burn-up of a project: observed completion (solid) and what the plan
// claims (dashed) over its analyses, 0-100 %.
export function Sparkline({ points, width = 120, height = 36 }) {
  if (!points || points.length === 0) return <span class="spark-empty muted">No history yet</span>;
  const pad = 3;
  const n = points.length;
  const x = (i) => (n === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (n - 1));
  const y = (v) => pad + ((100 - clamp(v)) * (height - 2 * pad)) / 100;
  const line = (key) => points.map((p, i) => `${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  const last = points[n - 1];
  const first = points[0];
  const label =
    n === 1
      ? `One analysis: observed ${round(last.observed_percent)}%, claimed ${round(last.claimed_percent)}%`
      : `Burn-up over the last ${n} analyses: observed from ${round(first.observed_percent)}% to ${round(last.observed_percent)}%, claimed ${round(last.claimed_percent)}%`;
  return (
    <svg class="spark" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}>
      <title>{label}</title>
      <line class="spark-base" x1={pad} x2={width - pad} y1={y(0)} y2={y(0)} />
      {n > 1 && <polyline class="spark-claimed" points={line('claimed_percent')} fill="none" />}
      {n > 1 && <polyline class="spark-observed" points={line('observed_percent')} fill="none" />}
      <circle class="spark-dot" cx={x(n - 1)} cy={y(last.observed_percent)} r="2.5" />
    </svg>
  );
}

// An analysis's two figures, observed and claimed (and what `children`
// adds to the list), over its CompletionBar.
export function Completion({ last, children }) {
  return (
    <>
      <dl class="pair">
        <div>
          <dt>Observed</dt>
          <dd class="observed">{percent(last.observed_percent)}</dd>
        </div>
        <div>
          <dt>Claimed</dt>
          <dd>{percent(last.claimed_percent)}</dd>
        </div>
        {children}
      </dl>
      <CompletionBar observed={last.observed_percent} claimed={last.claimed_percent} />
    </>
  );
}

// Observed completion as a filled bar, the plan's claim as a marker on it.
export function CompletionBar({ observed, claimed }) {
  const o = clamp(observed);
  const c = clamp(claimed);
  return (
    <svg class="cbar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <rect class="cbar-track" x="0" y="0" width="100" height="8" rx="4" />
      <rect class="cbar-claimed" x="0" y="0" width={c} height="8" rx="4" />
      <rect class="cbar-observed" x="0" y="0" width={o} height="8" rx="4" />
    </svg>
  );
}

function clamp(v) {
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : 0;
}

function round(v) {
  return Math.round(Number(v) || 0);
}
