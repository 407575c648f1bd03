// i18n.js: every string the pages show, in one dictionary, and the current language.
// The default is zh-CN whatever the browser says (the users are Chinese officials); ?lang=en or
// the language switch selects English, and the choice is remembered in localStorage.
// Place names (streets, communities, grids, stations) are data and are never translated.

export const LANGS = ['zh-CN', 'en'];
const STORAGE_KEY = 'gridmap.lang';

const DICT = {
  'zh-CN': {
    'app.title': '网格化治理一张图',
    'app.city': '福清市',
    'app.loading': '正在加载数据…',
    'app.error': '数据加载失败：{msg}',
    'lang.switch': '语言',
    'view.city': '全市',
    'view.city.title': '缩放到全市范围',
    'panel.layers': '图层',
    'panel.legend': '图例',
    'panel.toggle': '收起/展开面板',
    'legend.streets': '街道（网格填色）',
    'legend.boundaries': '边界',
    'legend.places': '阵地与驿站',
    'layer.grids': '网格',
    'layer.communities': '社区/村界',
    'layer.streets': '街道界',
    'layer.red_positions': '红色阵地',
    'layer.stations': '服务驿站',
    'layer.labels': '名称标注',
    'boundary.street': '街道界线',
    'boundary.community': '社区/村界线',
    'boundary.grid': '网格界线',
    'place.red_position': '红色阵地',
    'place.red_position.note': '党群服务中心、党员活动室、党员先锋岗',
    'station.volunteer_station': '志愿服务驿站',
    'station.veterans_station': '老兵志愿服务驿站',
    'station.deliberation_hall': '议事厅',
    'station.party_mass_centre': '党群服务中心',
    'red.party_mass_centre': '党群服务中心',
    'red.party_activity_room': '党员活动室',
    'red.party_post': '党员先锋岗',
    'stat.streets': '街道',
    'stat.communities': '社区/村',
    'stat.grids': '网格',
    'stat.red_positions': '红色阵地',
    'stat.stations': '服务驿站',
    'stat.households': '户数',
    'stat.population': '人口',
    'popup.grid': '网格',
    'popup.code': '编码',
    'popup.community': '所属社区',
    'popup.street': '所属街道',
    'popup.households': '户数',
    'popup.population': '人口',
    'popup.kind': '类型',
    'popup.hours': '开放时间',
    'popup.in_grid': '所在网格',
    'popup.none': '—',
    'unit.households': '{n} 户',
    'unit.people': '{n} 人',
    // MapLibre's own controls
    'NavigationControl.ZoomIn': '放大',
    'NavigationControl.ZoomOut': '缩小',
    'NavigationControl.ResetBearing': '拖动旋转地图，单击恢复正北',
    'Popup.Close': '关闭',
    'ScaleControl.Meters': '米',
    'ScaleControl.Kilometers': '公里',
    'FullscreenControl.Enter': '全屏',
    'FullscreenControl.Exit': '退出全屏',
    'Map.Title': '地图',
  },
  en: {
    'app.title': 'Grid governance map',
    'app.city': 'Fuqing',
    'app.loading': 'Loading data…',
    'app.error': 'Could not load the data: {msg}',
    'lang.switch': 'Language',
    'view.city': 'Whole city',
    'view.city.title': 'Zoom to the whole city',
    'panel.layers': 'Layers',
    'panel.legend': 'Legend',
    'panel.toggle': 'Hide/show the panel',
    'legend.streets': 'Streets (grid fill)',
    'legend.boundaries': 'Boundaries',
    'legend.places': 'Service points',
    'layer.grids': 'Grids',
    'layer.communities': 'Community boundaries',
    'layer.streets': 'Street boundaries',
    'layer.red_positions': 'Red positions',
    'layer.stations': 'Service stations',
    'layer.labels': 'Labels',
    'boundary.street': 'Street boundary',
    'boundary.community': 'Community boundary',
    'boundary.grid': 'Grid boundary',
    'place.red_position': 'Red position',
    'place.red_position.note': 'party-mass centres, activity rooms, vanguard posts',
    'station.volunteer_station': 'Volunteer station',
    'station.veterans_station': "Veterans' volunteer station",
    'station.deliberation_hall': 'Deliberation hall',
    'station.party_mass_centre': 'Party-mass service centre',
    'red.party_mass_centre': 'Party-mass service centre',
    'red.party_activity_room': 'Party member activity room',
    'red.party_post': 'Party vanguard post',
    'stat.streets': 'Streets',
    'stat.communities': 'Communities',
    'stat.grids': 'Grids',
    'stat.red_positions': 'Red positions',
    'stat.stations': 'Stations',
    'stat.households': 'Households',
    'stat.population': 'Population',
    'popup.grid': 'Grid',
    'popup.code': 'Code',
    'popup.community': 'Community',
    'popup.street': 'Street',
    'popup.households': 'Households',
    'popup.population': 'Population',
    'popup.kind': 'Kind',
    'popup.hours': 'Opening hours',
    'popup.in_grid': 'Grid',
    'popup.none': '—',
    'unit.households': '{n}',
    'unit.people': '{n}',
    'NavigationControl.ZoomIn': 'Zoom in',
    'NavigationControl.ZoomOut': 'Zoom out',
    'NavigationControl.ResetBearing': 'Drag to rotate the map, click to reset north',
    'Popup.Close': 'Close',
    'ScaleControl.Meters': 'm',
    'ScaleControl.Kilometers': 'km',
    'FullscreenControl.Enter': 'Full screen',
    'FullscreenControl.Exit': 'Exit full screen',
    'Map.Title': 'Map',
  },
};

let current = initialLang();
const listeners = new Set();

function initialLang() {
  const asked = new URLSearchParams(globalThis.location?.search ?? '').get('lang');
  const stored = safeStorage(() => globalThis.localStorage?.getItem(STORAGE_KEY));
  return normalise(asked) ?? normalise(stored) ?? 'zh-CN';
}

function normalise(l) {
  if (!l) return null;
  if (/^zh/i.test(l)) return 'zh-CN';
  if (/^en/i.test(l)) return 'en';
  return null;
}

function safeStorage(fn) {
  try { return fn(); } catch { return null; } // storage may be disabled (kiosk, private mode)
}

// lang is the current language tag, 'zh-CN' or 'en'.
export function lang() { return current; }

// t returns the string for key in the current language, with {name} placeholders filled from
// vars; an unknown key is returned as it is, so a missing string is visible, not blank.
export function t(key, vars) {
  const s = DICT[current][key] ?? DICT['zh-CN'][key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

// has tells whether the dictionary knows key.
export function has(key) { return key in DICT['zh-CN']; }

// number formats n for the current language (thousands separators).
export function number(n) {
  return Number.isFinite(n) ? new Intl.NumberFormat(current).format(n) : t('popup.none');
}

// mapLocale gives MapLibre's controls their strings in the current language.
export function mapLocale() {
  return Object.fromEntries(Object.entries(DICT[current]).filter(([k]) => /^[A-Z]/.test(k)));
}

// setLang switches the language, remembers it, updates the document and tells the listeners.
export function setLang(l) {
  const next = normalise(l) ?? 'zh-CN';
  if (next === current) return;
  current = next;
  safeStorage(() => globalThis.localStorage?.setItem(STORAGE_KEY, next));
  apply(document);
  for (const fn of listeners) fn(next);
}

// onChange calls fn with the new language after each switch; it returns a function that stops.
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// apply fills in the static strings of root: the text of elements marked data-i18n="key", the
// title and aria-label of those marked data-i18n-title, and the document's lang and title.
export function apply(root) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) {
    el.title = t(el.dataset.i18nTitle);
    el.setAttribute('aria-label', el.title);
  }
  if (root === document) document.title = `${t('app.title')} · ${t('app.city')}`;
}
