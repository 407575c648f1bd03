// charts.js: the small charts of the wall display, drawn as plain DOM and SVG (no library):
// horizontal bars, a donut and a 24-hour sparkline. Each returns a new element; the caller
// replaces the old one, so nothing accumulates.

import {h} from './dom.js';
import {number} from './i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

// bars draws rows [{key, label, value, color, note}] as labelled horizontal bars, longest first
// unless sorted is false; at most max rows, the rest summed into one row labelled restLabel.
export function bars(rows, {max = 8, restLabel = '', sorted = true, unit = ''} = {}) {
  let list = sorted ? [...rows].sort((a, b) => b.value - a.value) : [...rows];
  if (list.length > max) {
    const rest = list.slice(max - 1).reduce((n, r) => n + r.value, 0);
    list = [...list.slice(0, max - 1), {key: 'rest', label: restLabel, value: rest, color: '#64748b'}];
  }
  const top = Math.max(1, ...list.map((r) => r.value));
  return h('ul', {class: 'wl-bars'}, list.map((r) => h('li', {class: 'wl-bar', dataset: {key: r.key}},
    h('span', {class: 'wl-bar-label', title: r.label}, r.label),
    h('span', {class: 'wl-bar-track'}, h('span', {class: 'wl-bar-fill', style: {width: `${(100 * r.value) / top}%`, background: r.color}})),
    h('span', {class: 'wl-bar-value'}, number(r.value), unit))));
}

// donut draws parts [{key, label, value, color}] as a ring with the total in the middle and a
// legend of shares beside it.
export function donut(parts, {centreLabel = ''} = {}) {
  const total = parts.reduce((n, p) => n + p.value, 0);
  const r = 40;
  const c = 2 * Math.PI * r;
  let offset = 0;
  const arcs = total ? parts.filter((p) => p.value > 0).map((p) => {
    const len = (c * p.value) / total;
    const arc = s('circle', {cx: 50, cy: 50, r, fill: 'none', stroke: p.color, 'stroke-width': 12,
      'stroke-dasharray': `${Math.max(len - 1.2, 0.1)} ${c}`, 'stroke-dashoffset': -offset, transform: 'rotate(-90 50 50)'});
    offset += len;
    return arc;
  }) : [];
  const svg = s('svg', {viewBox: '0 0 100 100', class: 'wl-donut-svg', role: 'img', 'aria-hidden': 'true'},
    s('circle', {cx: 50, cy: 50, r, fill: 'none', stroke: 'rgba(148,168,198,0.12)', 'stroke-width': 12}),
    arcs,
    s('text', {x: 50, y: 49, 'text-anchor': 'middle', class: 'wl-donut-total'}, number(total)),
    s('text', {x: 50, y: 63, 'text-anchor': 'middle', class: 'wl-donut-label'}, centreLabel));
  return h('div', {class: 'wl-donut'}, svg,
    h('ul', {class: 'wl-donut-legend'}, parts.map((p) => h('li', {dataset: {key: p.key}},
      h('span', {class: 'wl-dot', style: {background: p.color}}),
      h('span', {class: 'wl-donut-name'}, p.label),
      h('span', {class: 'wl-donut-value'}, number(p.value)),
      h('span', {class: 'wl-donut-share'}, total ? `${Math.round((100 * p.value) / total)}%` : '—')))));
}

// sparkline draws values (one per hour, oldest first) as an area with the hours labelled
// underneath by hourLabel(i); the last point is marked.
export function sparkline(values, {hourLabel = (i) => String(i)} = {}) {
  const w = 240;
  const ht = 64;
  const top = Math.max(1, ...values);
  const n = values.length;
  const x = (i) => (n > 1 ? (i * w) / (n - 1) : 0);
  const y = (v) => ht - 4 - ((ht - 10) * v) / top;
  const line = values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const area = `${line}L${x(n - 1)},${ht}L0,${ht}Z`;
  const last = values[n - 1] ?? 0;
  const grid = [0.25, 0.5, 0.75].map((f) => s('line', {x1: 0, x2: w, y1: ht * f, y2: ht * f, class: 'wl-spark-grid'}));
  const svg = s('svg', {viewBox: `0 0 ${w} ${ht}`, preserveAspectRatio: 'none', class: 'wl-spark-svg', 'aria-hidden': 'true'},
    s('defs', {}, s('linearGradient', {id: 'wl-spark-fill', x1: 0, x2: 0, y1: 0, y2: 1},
      s('stop', {offset: '0%', 'stop-color': '#22d3ee', 'stop-opacity': 0.55}),
      s('stop', {offset: '100%', 'stop-color': '#22d3ee', 'stop-opacity': 0.02}))),
    grid,
    s('path', {d: area, fill: 'url(#wl-spark-fill)'}),
    s('path', {d: line, fill: 'none', stroke: '#67e8f9', 'stroke-width': 1.6, 'vector-effect': 'non-scaling-stroke'}));
  const ticks = [0, 6, 12, 18, n - 1].filter((i) => i < n);
  return h('div', {class: 'wl-spark'},
    h('div', {class: 'wl-spark-head'},
      h('span', {class: 'wl-spark-max'}, `▲ ${number(Math.max(...values, 0))}`),
      h('span', {class: 'wl-spark-last'}, number(last))),
    h('div', {class: 'wl-spark-plot'}, svg,
      h('span', {class: 'wl-spark-dot', style: {left: `${(100 * x(n - 1)) / w}%`, top: `${(100 * y(last)) / ht}%`}})),
    h('div', {class: 'wl-spark-axis'}, ticks.map((i) => h('span', {style: {left: `${(100 * x(i)) / w}%`}}, hourLabel(i)))));
}
