// A stacked bar chart as SVG (presentation attributes and classes only:
// the CSP allows no inline style): one bar per x (a day), stacked by
// series (a model or a user), coloured by the classes s0..s6 (the last
// one gathers the rest). No chart library: bars on a linear axis from 0
// need no scales or zoom, and a library would add more than this whole
// file for one picture. The numbers are in a table beside it for readers
// who cannot see it; the picture itself says its total in its label.
//
//   <StackedBars xs={['2026-12-06', ...]} series={[{key, label}]} value={(x, key) => n} label="Tokens per day" />
export const MAX_SERIES = 7;

export function StackedBars({ xs, series, value, label, unit = '', width = 640, height = 220 }) {
  const padL = 44;
  const padB = 26;
  const padT = 8;
  const innerW = width - padL - 8;
  const innerH = height - padB - padT;
  const totals = xs.map((x) => series.reduce((s, se) => s + (value(x, se.key) || 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = xs.length ? innerW / xs.length : innerW;
  const barW = Math.max(2, Math.min(40, slot * 0.7));
  const y = (v) => padT + innerH - (v / max) * innerH;
  const ticks = [0, max / 2, max];
  const every = Math.ceil(xs.length / 8); // at most 8 day labels
  const sum = totals.reduce((a, b) => a + b, 0);
  const title = `${label}: ${fmt(sum)}${unit} in all over ${xs.length} day${xs.length === 1 ? '' : 's'}`;
  return (
    <svg class="usage-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      {ticks.map((t) => (
        <g key={t}>
          <line class="axis" x1={padL} x2={width - 8} y1={y(t)} y2={y(t)} />
          <text x={padL - 6} y={y(t) + 3} text-anchor="end">
            {fmt(t)}
          </text>
        </g>
      ))}
      {xs.map((x, i) => {
        let acc = 0;
        const cx = padL + i * slot + (slot - barW) / 2;
        return (
          <g key={x}>
            {series.map((se, k) => {
              const v = value(x, se.key) || 0;
              if (!v) return null;
              const top = y(acc + v);
              const h = y(acc) - top;
              acc += v;
              return (
                <rect key={se.key} class={`s${Math.min(k, MAX_SERIES - 1)}`} x={cx} y={top} width={barW} height={Math.max(0.5, h)}>
                  <title>{`${x}, ${se.label}: ${fmt(v)}${unit}`}</title>
                </rect>
              );
            })}
            {i % every === 0 && (
              <text x={cx + barW / 2} y={height - 8} text-anchor="middle">
                {x.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

// 0 -> 1, 1234 -> 1500, 87 -> 100: the top of the axis
function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v) {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(Math.round(v * 10) / 10);
}
