// rates.js: how the figures page and the monthly report write the figures of
// GET /api/v1/figures and GET /api/v1/reports/monthly. The names of the figures, and how each
// rate is counted, are the server's (the answers' fields: key, zh, en, kind, and for a rate num
// and den), so a figure reads the same on the pages, in the CSV and in the XLSX. Rates come as
// fractions (0.4089) or null when there was nothing to count; they are shown as the server
// writes them in its files, a percentage to one decimal (40.9%), and changes in points.

import * as i18n from './i18n.js';

// Fields looks up the server's names of the figures.
export class Fields {
  constructor(list = []) {
    this.list = list;
    this.byKey = new Map(list.map((f) => [f.key, f]));
  }

  get(key) { return this.byKey.get(key); }

  // label names a figure in the current language (its key, should the server not name it).
  label(key) {
    const f = this.byKey.get(key);
    return f ? i18n.inLang(f) : key;
  }

  // definition says how a rate is counted, in the server's words: 满意率 = (满意 + 基本满意) ÷ 回访.
  definition(key) {
    const f = this.byKey.get(key);
    if (!f?.num?.length || !f.den) return '';
    const num = f.num.map((k) => this.label(k)).join(' + ');
    return `${this.label(key)} = ${f.num.length > 1 ? `(${num})` : num} ÷ ${this.label(f.den)}`;
  }

  // fraction writes a rate's counts of a row: 按时签收 1,473 / 派单 1,690.
  fraction(key, row) {
    const f = this.byKey.get(key);
    if (!f?.num?.length || !f.den) return '';
    const num = f.num.reduce((n, k) => n + (row?.[k] ?? 0), 0);
    return `${f.num.map((k) => this.label(k)).join('+')} ${i18n.number(num)} / ${this.label(f.den)} ${i18n.number(row?.[f.den] ?? 0)}`;
  }
}

// rateText writes a rate (a fraction) as the server's files do: 40.9%, 100.0%; — for null.
export function rateText(r) {
  if (typeof r !== 'number' || !Number.isFinite(r)) return i18n.t('popup.none');
  return `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}

// change describes a rate's change against the period before (a fraction: 0.023 is 2.3
// points): its text (▲2.3), which way it went (up, down, flat; none when there is nothing to
// compare) and a sentence for its tooltip.
export function change(d) {
  if (typeof d !== 'number' || !Number.isFinite(d)) return {text: i18n.t('popup.none'), dir: 'none', title: i18n.t('fig.change.none')};
  const points = Math.sign(d) * Math.round(Math.abs(d) * 1000) / 10; // halves away from zero, as the server rounds
  const n = Math.abs(points).toFixed(1);
  if (points > 0) return {text: `▲${n}`, dir: 'up', title: i18n.t('fig.change.up', {n})};
  if (points < 0) return {text: `▼${n}`, dir: 'down', title: i18n.t('fig.change.down', {n})};
  return {text: '0.0', dir: 'flat', title: i18n.t('fig.change.flat')};
}

// cell writes a value of a row by the kind of its field: counts with separators, rates as
// percentages, minutes whole, hours to one decimal.
export function cell(kind, v) {
  if (v === null || v === undefined || v === '') return i18n.t('popup.none');
  switch (kind) {
    case 'rate': return rateText(v);
    case 'count': case 'rank': return i18n.number(v);
    case 'minutes': return i18n.number(Math.round(v));
    case 'hours': // rounded first, so that a half is always rounded the same way
      return new Intl.NumberFormat(i18n.lang(), {minimumFractionDigits: 1, maximumFractionDigits: 1}).format(Math.round(v * 10) / 10);
    default: return String(v);
  }
}
