// The burn-up chart of a project's page: what the plan claims (dashed) and
// what the code shows (solid), 0-100 %, one point per complete analysis
// (its snapshot). Pointer or keyboard (the chart is a slider over the
// snapshots: arrows, Home, End) picks a snapshot; its figures are shown in
// the chart and said below it.
//
// Drawn as SVG here rather than with a chart library: two lines of at most
// a few hundred points, fixed 0-100 axis, one hover read-out; uPlot (the
// smallest good one) would add ~20 KB gzipped and draws on a canvas, which
// would still need the text and keyboard handling done here. Presentation
// attributes and classes only (the CSP allows no inline style).
import { useState } from 'preact/hooks';
import { fullTime } from '../format.js';

const W = 640;
const H = 260;
const PAD = { l: 40, r: 16, t: 16, b: 34 };

function clamp(v) {
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : 0;
}
const r = (v) => Math.round(Number(v) || 0);

export function Burnup({ points }) {
  const n = points.length;
  const [sel, setSel] = useState(n - 1);
  const i = Math.min(Math.max(sel, 0), n - 1);
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const x = (k) => PAD.l + (n === 1 ? iw / 2 : (k * iw) / (n - 1));
  const y = (v) => PAD.t + ((100 - clamp(v)) * ih) / 100;
  const line = (key) => points.map((p, k) => `${x(k).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  const p = points[i];
  const readout = `Analysis ${i + 1} of ${n}, ${fullTime(p.time)}: observed ${r(p.observed_percent)}%, claimed ${r(p.claimed_percent)}%; ${p.done} done, ${p.partial} partial, ${p.missing} missing`;

  function pick(e) {
    const svg = e.currentTarget.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * W;
    const k = n === 1 ? 0 : Math.round(((px - PAD.l) / iw) * (n - 1));
    setSel(Math.min(Math.max(k, 0), n - 1));
  }
  function key(e) {
    const to = { ArrowLeft: i - 1, ArrowDown: i - 1, ArrowRight: i + 1, ArrowUp: i + 1, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    setSel(Math.min(Math.max(to, 0), n - 1));
  }

  // the read-out box beside the point, inside the chart
  const BW = 212;
  const bx = x(i) + 8 + BW > W - PAD.r ? x(i) - 8 - BW : x(i) + 8;
  return (
    <figure class="burnup">
      <div
        class="burnup-plot"
        tabIndex={0}
        role="slider"
        aria-label="Burn-up: pick an analysis"
        aria-valuemin={1}
        aria-valuemax={n}
        aria-valuenow={i + 1}
        aria-valuetext={readout}
        onPointerMove={pick}
        onPointerDown={pick}
        onKeyDown={key}
      >
        <svg viewBox={`0 0 ${W} ${H}`} aria-hidden="true" focusable="false">
          {[0, 25, 50, 75, 100].map((v) => (
            <g key={v}>
              <line class="bu-grid" x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} />
              <text class="bu-tick" x={PAD.l - 6} y={y(v) + 4} text-anchor="end">
                {v}%
              </text>
            </g>
          ))}
          <text class="bu-tick" x={PAD.l} y={H - 10}>
            {fullTime(points[0].time)}
          </text>
          {n > 1 && (
            <text class="bu-tick" x={W - PAD.r} y={H - 10} text-anchor="end">
              {fullTime(points[n - 1].time)}
            </text>
          )}
          {n > 1 && <polyline class="bu-claimed" points={line('claimed_percent')} fill="none" />}
          {n > 1 && <polyline class="bu-observed" points={line('observed_percent')} fill="none" />}
          {points.map((q, k) => (
            <circle key={k} class="bu-dot" cx={x(k)} cy={y(q.observed_percent)} r={k === i ? 5 : 3} />
          ))}
          <line class="bu-guide" x1={x(i)} x2={x(i)} y1={PAD.t} y2={PAD.t + ih} />
          <circle class="bu-dot-claimed" cx={x(i)} cy={y(p.claimed_percent)} r="4" />
          <g class="bu-box">
            <rect x={bx} y={PAD.t + 4} width={BW} height="58" rx="6" />
            <text x={bx + 10} y={PAD.t + 22}>
              Analysis {i + 1} · {new Date(p.time).toLocaleDateString()}
            </text>
            <text x={bx + 10} y={PAD.t + 38}>
              Observed {r(p.observed_percent)}% · claimed {r(p.claimed_percent)}%
            </text>
            <text x={bx + 10} y={PAD.t + 54}>
              {p.done} done · {p.partial} partial · {p.missing} missing
            </text>
          </g>
        </svg>
      </div>
      <figcaption>
        <span class="legend">
          <span class="key observed" aria-hidden="true" /> Observed (the code)
        </span>
        <span class="legend">
          <span class="key claimed" aria-hidden="true" /> Claimed (the plan)
        </span>
        <p class="small muted" aria-live="polite" id="burnup-readout">
          {readout}
        </p>
      </figcaption>
    </figure>
  );
}
