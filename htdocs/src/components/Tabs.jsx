// A row of tabs (WAI-ARIA tabs pattern): the chosen tab alone in the Tab
// order, arrows, Home and End move between them. tabs: [[key, label,
// badge?]]; tab `key` is `${prefix}-${key}`, its panel `panel(key)`.
import { useRef } from 'preact/hooks';

export function Tabs({ tabs, tab, onChoose, label, prefix = 'tab', panel = (k) => `panel-${k}`, class: cls = '' }) {
  const refs = useRef({});
  function key(e) {
    const i = tabs.findIndex(([k]) => k === tab);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const k = tabs[(to + tabs.length) % tabs.length][0];
    onChoose(k);
    setTimeout(() => refs.current[k] && refs.current[k].focus(), 0);
  }
  return (
    <div class={`tabs ${cls}`} role="tablist" aria-label={label} onKeyDown={key}>
      {tabs.map(([k, text, badge]) => (
        <button
          key={k}
          ref={(el) => (refs.current[k] = el)}
          type="button"
          role="tab"
          id={`${prefix}-${k}`}
          aria-selected={tab === k ? 'true' : 'false'}
          aria-controls={panel(k)}
          tabIndex={tab === k ? 0 : -1}
          onClick={() => onChoose(k)}
        >
          {text}
          {badge ? <span class="badge">{badge}</span> : null}
        </button>
      ))}
    </div>
  );
}
