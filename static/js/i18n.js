// i18n.js: the strings the pages show and the current language. The interface's own strings
// (titles, buttons, headings) are in the dictionary below; the names of codes — categories,
// channels, statuses, kinds of red position and station, staff roles, coverage gaps — are not:
// they come from the server's GET /api/v1/categories (setCodeLabels, which api.js boot calls
// before a page draws), so a status reads the same in the API and on every page.
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
    'list.sep': '、',
    'site.demo': '演示数据',
    'site.demo.title': '本页显示的是合成的示例数据，不反映真实情况。',
    'site.demo.title.simulating': '本页显示的是合成的示例数据；其中的事件是一座模拟城市实时生成的上报，不是真实的诉求。',
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
    'nav.label': '页面',
    'nav.city': '城市总览',
    'nav.wall': '指挥大屏',
    'nav.coverage': '网格覆盖',
    'nav.figures': '考核指标',
    'nav.locked': '登录后可用',
    'user.label': '当前用户',
    'user.city': '全市',
    'user.roles.sep': '；',
    'user.sign_in': '登录',
    'user.sign_in.title': '工作人员登录后可查看事件详情与网格覆盖',
    'user.sign_out': '退出',
    'user.sign_out.title': '退出登录',
    'login.title': '登录',
    'login.heading': '工作人员登录',
    'login.intro': '街道、社区、网格工作人员与指挥中心请登录后使用。',
    'login.login': '登录名',
    'login.password': '密码',
    'login.submit': '登录',
    'login.busy': '正在登录…',
    'login.missing': '请输入登录名。',
    'login.password.missing': '请输入密码。',
    'login.wrong': '登录名或密码错误，请重新输入。',
    'login.locked': '登录失败次数过多，已暂时锁定。请 {wait}后再试。',
    'login.wait.minutes': '{n} 分钟',
    'login.wait.seconds': '{n} 秒',
    'login.error': '登录失败：{msg}',
    'login.signed_in': '当前已登录：{who}',
    'login.continue': '继续前往',
    'login.public': '无需登录：浏览城市总览与指挥大屏',
    'login.note': '账号由系统管理员开设；忘记密码请联系管理员重置。',
    'stat.open_incidents': '未结事件',
    'stat.grid_workers': '网格员',
    'stat.party_members': '网格党员',
    'stat.volunteers': '志愿者',
    'layer.incidents': '事件诉求',
    'legend.incidents': '事件诉求',
    'legend.cluster': '事件聚合',
    'legend.cluster.note': '数字为事件数，放大至 14 级显示单个事件',
    'legend.incident.overdue': '已超期',
    'legend.incident.open': '办理中',
    'legend.incident.done': '已完成',
    'legend.incident.ended': '提前终结',
    'filter.title': '事件筛选',
    'filter.period': '时间',
    'filter.days': '近 {n} 天',
    'filter.all_time': '全部',
    'filter.category': '类别',
    'filter.status': '状态',
    'filter.all': '全部',
    'filter.open': '未办结',
    'filter.done': '已完成',
    'filter.by_status': '按状态',
    'popup.grid_workers': '网格员',
    'popup.party_members': '网格党员',
    'popup.households_covered': '党员包户',
    'popup.open_incidents': '未结事件',
    'popup.incident': '事件',
    'popup.status': '状态',
    'popup.channel': '渠道',
    'popup.reported_at': '上报时间',
    'incident.overdue': '超期',
    'incident.unassigned': '未落入网格',
    'wall.title': '网格化治理指挥大屏',
    'wall.cst': '北京时间',
    'wall.incidents': '事件态势',
    'wall.by_category': '事件类别 · 近30天',
    'wall.by_channel': '受理渠道 · 近30天',
    'wall.by_street': '街道态势',
    'wall.hourly': '近24小时事件',
    'wall.ticker': '实时事件',
    'wall.ticker.empty': '暂无事件',
    'wall.live_count': '本次新增 {n}',
    'wall.kpi.today': '今日新增',
    'wall.kpi.week': '本周新增',
    'wall.kpi.open': '未办结',
    'wall.kpi.overdue': '已超期',
    'wall.kpi.resolved_today': '今日办结',
    'wall.kpi.on_time_rate_30d': '按期办结率',
    'wall.updated': '更新于 {time}',
    'wall.rest': '其余类别',
    'wall.hotspots': '热点网格 · 每百户事件数',
    'wall.hotspots.note': '{n} 件 / {h} 户',
    'wall.hotspots.empty': '近30天无事件',
    'wall.hotspots.sign_in': '登录后显示热点网格',
    'wall.total': '合计',
    'wall.street': '街道',
    'wall.hour': '{h}时',
    'wall.conn.live': '实时',
    'wall.conn.connecting': '连接中…',
    'wall.conn.reconnecting': '正在重连…',
    'wall.shade': '网格着色',
    'wall.shade.rate': '每百户事件数 · 近30天',
    'wall.shade.rate.short': '每百户',
    'wall.shade.open': '未办结事件数',
    'wall.shade.open.short': '未办结',
    'wall.heat': '事件热力 · 近{n}天',
    'wall.flash': '新事件',
    'cov.title': '网格覆盖分析',
    'cov.denied': '你的角色无权查看网格覆盖分析；请以街道、社区负责人或网格员账号登录。',
    'cov.street': '街道',
    'cov.community': '社区/村',
    'cov.all_communities': '全部社区/村',
    'cov.walk': '步行距离',
    'cov.metres': '{n} 米',
    'cov.rings': '显示步行范围圈',
    'cov.export': '导出 CSV',
    'cov.file': '网格覆盖',
    'cov.summary': '{grids} 个网格 · {households} 户 · {gaps} 个网格有缺项',
    'cov.all_grids': '全部网格 · 无缺项 {n} 个',
    'cov.gap.none': '无缺项',
    // A gap of walking distance, named by the API, with the distance the page asked about.
    'cov.gap.walk': '{gap}（{m} 米）',
    // Abbreviations of the gaps for the table's chips; the chip's tooltip is the API's name.
    'cov.chip.no_grid_worker': '缺网格员',
    'cov.chip.no_party_member': '缺党员',
    'cov.chip.no_red_position_nearby': '阵地远',
    'cov.chip.no_station_nearby': '驿站远',
    'cov.tiling.ok': '网格拼接完整：未发现重叠或缝隙',
    'cov.tiling.ok.note': '所选范围 {n} 个网格边界相互衔接，无重叠、无遗漏区域。',
    'cov.tiling.bad': '发现 {n} 处网格拼接问题（重叠 {overlaps} 处，缝隙 {gaps} 处）',
    'tiling.gap': '缝隙',
    'tiling.overlap': '重叠',
    'cov.m2': '{n} 平方米',
    'cov.hotspots': '事件热点 · 每百户事件数（近30天）',
    'cov.hotspots.empty': '近30天无事件',
    'cov.hotspots.note': '{n} 件事件 / {h} 户',
    'cov.caption': '网格明细：{n} 个网格（事件为近 {days} 天）',
    'cov.caption.focus': '网格明细：{gap} 的网格 {n} 个（共 {total} 个）',
    'cov.col.code': '网格编码',
    'cov.col.name': '网格',
    'cov.col.community': '社区/村',
    'cov.col.households': '户数',
    'cov.col.grid_workers': '网格员',
    'cov.col.party_members': '网格党员',
    'cov.col.households_covered': '党员包户',
    'cov.col.nearest_red_position_m': '最近红色阵地 (米)',
    'cov.col.nearest_station_m': '最近驿站 (米)',
    'cov.col.incidents': '事件',
    'cov.col.open_incidents': '未结',
    'cov.col.overdue_incidents': '超期',
    'cov.col.gaps': '缺项',
    'cov.col.volunteers': '志愿者',
    'cov.col.gap_list': '缺项说明',
    'cov.legend.title': '网格缺项',
    'cov.legend.n0': '无缺项',
    'cov.legend.n1': '1 项缺项',
    'cov.legend.n2': '2 项缺项',
    'cov.legend.n3': '3 项及以上',
    'cov.legend.without': '无此缺项',
    'cov.legend.tiling': '网格重叠/缝隙',
    'cov.legend.ring': '步行 {m} 米范围',
    'fig.title': '考核指标',
    'fig.denied': '你的角色无权查看考核指标；请以指挥中心、街道或社区负责人、网格员账号登录。',
    'fig.by': '统计维度',
    'fig.by.street': '街道',
    'fig.by.community': '社区/村',
    'fig.by.grid': '网格',
    'fig.by.person': '承办人',
    'fig.by.department': '职能部门',
    'fig.unit.street': '个街道',
    'fig.unit.community': '个社区/村',
    'fig.unit.grid': '个网格',
    'fig.unit.person': '名承办人',
    'fig.unit.department': '个部门',
    'fig.period': '统计周期',
    'fig.period.month': '本月',
    'fig.period.last_month': '上月',
    'fig.period.d30': '近30天',
    'fig.period.custom': '自定义',
    'fig.since': '开始日期',
    'fig.until': '结束日期',
    'fig.street': '街道',
    'fig.community': '社区/村',
    'fig.rank': '排名依据',
    'fig.city': '全市',
    'fig.all_scope': '全部管辖范围',
    'fig.all_communities': '全部社区/村',
    'fig.report': '月报',
    'fig.report.title': '{name} 月报（可打印）',
    'fig.days': '{since} 至 {until}',
    'fig.vs_before': '较上期',
    'fig.change.up': '较上期提高 {n} 个百分点',
    'fig.change.down': '较上期下降 {n} 个百分点',
    'fig.change.flat': '与上期持平',
    'fig.change.none': '本期或上期无可比数据',
    'fig.caption': '{n} {unit} · 按{rank}排名 · {period} · 四率变化为较上期（等长时段）的百分点',
    'fig.group.unit': '单位',
    'fig.group.counts': '办理情况（件）',
    'fig.group.rates': '四率 · 较上期（百分点）',
    'fig.group.medians': '用时中位数',
    'fig.empty': '该时段内没有受理的诉求。',
    'rep.page': '诉求办理月报',
    'rep.back': '‹ 考核指标',
    'rep.month': '月份',
    'rep.csv': '下载 CSV',
    'rep.xlsx': '下载 XLSX',
    'rep.print': '打印',
    'rep.period': '统计周期：{since}至{until}（按受理时间）',
    'rep.so_far': '；本月尚未结束，数据截至 {at}',
    'rep.partial': '本报告只含你管辖范围内的社区（村）。',
    'rep.communities': '一、各社区（村）办理情况',
    'rep.communities.caption': '共 {n} 个社区（村），末行为街道合计',
    'rep.departments': '二、职能部门承办情况',
    'rep.departments.caption': '派往职能部门办理的诉求，共 {n} 个部门',
    'rep.total': '合计（{name}）',
    'rep.empty': '本月无数据',
    'rep.notes': '说明',
    'rep.note.cohort': '统计对象为统计周期内受理的诉求；{valid}为{received}的诉求中剔除不属本市职责（不予受理）和合并为重复件的诉求。',
    'rep.note.sep': '；',
    'rep.note.end': '。无可计数时显示“—”。',
    'rep.note.on_time': '{on_time}指在办理时限内办结（按工作时间计算，节假日顺延）；{response}指在签收时限内签收。',
    'rep.note.rank': '{rank}按{rate}由高到低排列。',
    'rep.generated': '生成时间：{at}（北京时间） · gridmap',
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
    'list.sep': ', ',
    'site.demo': 'Demo data',
    'site.demo.title': 'This page shows synthetic sample data, not the real situation.',
    'site.demo.title.simulating': 'This page shows synthetic sample data; its incidents are reports a simulated city makes up as it runs, not real requests.',
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
    'nav.label': 'Pages',
    'nav.city': 'City map',
    'nav.wall': 'Command wall',
    'nav.coverage': 'Grid coverage',
    'nav.figures': 'Figures',
    'nav.locked': 'Sign in to use it',
    'user.label': 'Signed in',
    'user.city': 'city-wide',
    'user.roles.sep': '; ',
    'user.sign_in': 'Sign in',
    'user.sign_in.title': 'Staff sign in to see incident details and grid coverage',
    'user.sign_out': 'Sign out',
    'user.sign_out.title': 'Sign out',
    'login.title': 'Sign in',
    'login.heading': 'Staff sign-in',
    'login.intro': 'Street, community and grid staff and the command centre sign in before using the system.',
    'login.login': 'Login',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.busy': 'Signing in…',
    'login.missing': 'Please enter your login.',
    'login.password.missing': 'Please enter your password.',
    'login.wrong': 'Wrong login or password. Please try again.',
    'login.locked': 'Too many failed sign-ins: locked for now. Try again in {wait}.',
    'login.wait.minutes': '{n} min',
    'login.wait.seconds': '{n} s',
    'login.error': 'Could not sign in: {msg}',
    'login.signed_in': 'Signed in as {who}',
    'login.continue': 'Continue to',
    'login.public': 'No sign-in needed: browse the city map and the command wall',
    'login.note': 'Accounts are opened by the administrator; ask them to reset a forgotten password.',
    'stat.open_incidents': 'Open incidents',
    'stat.grid_workers': 'Grid workers',
    'stat.party_members': 'Party members',
    'stat.volunteers': 'Volunteers',
    'layer.incidents': 'Incidents',
    'legend.incidents': 'Incidents',
    'legend.cluster': 'Incident cluster',
    'legend.cluster.note': 'the number of incidents; single incidents from zoom 14',
    'legend.incident.overdue': 'Overdue',
    'legend.incident.open': 'Open',
    'legend.incident.done': 'Done',
    'legend.incident.ended': 'Ended early',
    'filter.title': 'Incident filter',
    'filter.period': 'Period',
    'filter.days': 'Last {n} days',
    'filter.all_time': 'All',
    'filter.category': 'Category',
    'filter.status': 'Status',
    'filter.all': 'All',
    'filter.open': 'Open',
    'filter.done': 'Done',
    'filter.by_status': 'By status',
    'popup.grid_workers': 'Grid workers',
    'popup.party_members': 'Party members',
    'popup.households_covered': 'Households covered',
    'popup.open_incidents': 'Open incidents',
    'popup.incident': 'Incident',
    'popup.status': 'Status',
    'popup.channel': 'Channel',
    'popup.reported_at': 'Reported',
    'incident.overdue': 'overdue',
    'incident.unassigned': 'outside every grid',
    'wall.title': 'Grid governance command wall',
    'wall.cst': 'China Standard Time',
    'wall.incidents': 'Incidents',
    'wall.by_category': 'By category · 30 days',
    'wall.by_channel': 'By channel · 30 days',
    'wall.by_street': 'By street',
    'wall.hourly': 'Last 24 hours',
    'wall.ticker': 'Live incidents',
    'wall.ticker.empty': 'No incidents yet',
    'wall.live_count': '{n} new since opened',
    'wall.kpi.today': 'Today',
    'wall.kpi.week': 'This week',
    'wall.kpi.open': 'Open',
    'wall.kpi.overdue': 'Overdue',
    'wall.kpi.resolved_today': 'Resolved today',
    'wall.kpi.on_time_rate_30d': 'On time (30 days)',
    'wall.updated': 'updated {time}',
    'wall.rest': 'All others',
    'wall.hotspots': 'Hotspot grids · per 100 households',
    'wall.hotspots.note': 'incidents {n} · households {h}',
    'wall.hotspots.empty': 'No incidents in 30 days',
    'wall.hotspots.sign_in': 'Sign in to see the hotspot grids',
    'wall.total': 'total',
    'wall.street': 'Street',
    'wall.hour': '{h}:00',
    'wall.conn.live': 'Live',
    'wall.conn.connecting': 'Connecting…',
    'wall.conn.reconnecting': 'Reconnecting…',
    'wall.shade': 'Grid shading',
    'wall.shade.rate': 'Incidents per 100 households · 30 days',
    'wall.shade.rate.short': 'Per 100 hh',
    'wall.shade.open': 'Open incidents',
    'wall.shade.open.short': 'Open',
    'wall.heat': 'Incident heat · {n} days',
    'wall.flash': 'New incident',
    'cov.title': 'Grid coverage',
    'cov.denied': 'Your role may not see the grid coverage; sign in as a street or community leader or a grid worker.',
    'cov.street': 'Street',
    'cov.community': 'Community',
    'cov.all_communities': 'All communities',
    'cov.walk': 'Walking distance',
    'cov.metres': '{n} m',
    'cov.rings': 'Show walking rings',
    'cov.export': 'Export CSV',
    'cov.file': 'grid-coverage',
    'cov.summary': '{grids} grids · {households} households · {gaps} grids with gaps',
    'cov.all_grids': 'All grids · {n} without gaps',
    'cov.gap.none': 'none',
    'cov.gap.walk': '{gap} ({m} m)',
    'cov.chip.no_grid_worker': 'no worker',
    'cov.chip.no_party_member': 'no member',
    'cov.chip.no_red_position_nearby': 'red pos. far',
    'cov.chip.no_station_nearby': 'station far',
    'cov.tiling.ok': 'Grids tile completely: no overlaps or gaps',
    'cov.tiling.ok.note': 'The {n} grids selected meet edge to edge, with no overlap and no area left out.',
    'cov.tiling.bad': '{n} tiling problems found ({overlaps} overlaps, {gaps} gaps)',
    'tiling.gap': 'Gap',
    'tiling.overlap': 'Overlap',
    'cov.m2': '{n} m²',
    'cov.hotspots': 'Hotspots · incidents per 100 households (30 days)',
    'cov.hotspots.empty': 'No incidents in 30 days',
    'cov.hotspots.note': 'incidents {n} · households {h}',
    'cov.caption': 'Grids: {n} (incidents of the last {days} days)',
    'cov.caption.focus': 'Grids with {gap}: {n} of {total}',
    'cov.col.code': 'Grid code',
    'cov.col.name': 'Grid',
    'cov.col.community': 'Community',
    'cov.col.households': 'Households',
    'cov.col.grid_workers': 'Grid workers',
    'cov.col.party_members': 'Party members',
    'cov.col.households_covered': 'Households covered',
    'cov.col.nearest_red_position_m': 'Nearest red position (m)',
    'cov.col.nearest_station_m': 'Nearest station (m)',
    'cov.col.incidents': 'Incidents',
    'cov.col.open_incidents': 'Open',
    'cov.col.overdue_incidents': 'Overdue',
    'cov.col.gaps': 'Gaps',
    'cov.col.volunteers': 'Volunteers',
    'cov.col.gap_list': 'Gap details',
    'cov.legend.title': 'Grid gaps',
    'cov.legend.n0': 'No gap',
    'cov.legend.n1': '1 gap',
    'cov.legend.n2': '2 gaps',
    'cov.legend.n3': '3 gaps or more',
    'cov.legend.without': 'Without this gap',
    'cov.legend.tiling': 'Grid overlap or gap',
    'cov.legend.ring': 'Within {m} m walk',
    'fig.title': 'Performance figures',
    'fig.denied': 'Your role may not see the figures; sign in as the command centre, a street or community leader or a grid worker.',
    'fig.by': 'Group by',
    'fig.by.street': 'Street',
    'fig.by.community': 'Community',
    'fig.by.grid': 'Grid',
    'fig.by.person': 'Assignee',
    'fig.by.department': 'Department',
    'fig.unit.street': 'streets',
    'fig.unit.community': 'communities',
    'fig.unit.grid': 'grids',
    'fig.unit.person': 'assignees',
    'fig.unit.department': 'departments',
    'fig.period': 'Period',
    'fig.period.month': 'This month',
    'fig.period.last_month': 'Last month',
    'fig.period.d30': 'Last 30 days',
    'fig.period.custom': 'Custom',
    'fig.since': 'From',
    'fig.until': 'To',
    'fig.street': 'Street',
    'fig.community': 'Community',
    'fig.rank': 'Rank by',
    'fig.city': 'Whole city',
    'fig.all_scope': 'All of my scope',
    'fig.all_communities': 'All communities',
    'fig.report': 'Report',
    'fig.report.title': 'Monthly report of {name} (printable)',
    'fig.days': '{since} to {until}',
    'fig.vs_before': 'vs. before',
    'fig.change.up': 'up {n} points on the period before',
    'fig.change.down': 'down {n} points on the period before',
    'fig.change.flat': 'the same as the period before',
    'fig.change.none': 'nothing to compare: no figure this period or the one before',
    'fig.caption': '{n} {unit} · ranked by {rank} · {period} · changes in points against the period as long before',
    'fig.group.unit': 'Unit',
    'fig.group.counts': 'Incidents',
    'fig.group.rates': 'Rates · change in points',
    'fig.group.medians': 'Medians',
    'fig.empty': 'No incidents were received in this period.',
    'rep.page': 'Monthly report',
    'rep.back': '‹ Figures',
    'rep.month': 'Month',
    'rep.csv': 'CSV',
    'rep.xlsx': 'XLSX',
    'rep.print': 'Print',
    'rep.title': '{city} · {street} · requests handled in {month}',
    'rep.period': 'Period: {since} to {until} (by the time received)',
    'rep.so_far': '; the month is not over: figures as of {at}',
    'rep.partial': 'This report holds only the communities of your scope.',
    'rep.communities': '1. Communities',
    'rep.communities.caption': 'Communities: {n}; the last line is the street\'s total',
    'rep.departments': '2. Departments',
    'rep.departments.caption': 'Requests dispatched to departments; departments: {n}',
    'rep.total': 'Total ({name})',
    'rep.empty': 'Nothing this month',
    'rep.notes': 'Notes',
    'rep.note.cohort': 'The figures count the requests received in the period; {valid} are those {received} less those that are not the city\'s matter and those merged as duplicates.',
    'rep.note.sep': '; ',
    'rep.note.end': '. A rate with nothing to count shows —.',
    'rep.note.on_time': '{on_time}: resolved by the due time (in working hours; holidays do not count); {response}: responded to within the response limit.',
    'rep.note.rank': '{rank}: by {rate}, highest first.',
    'rep.generated': 'Made {at} China Standard Time · gridmap',
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

// keepLang puts the language into params (URLSearchParams) as lang= when it is not the default,
// so that it follows a link or a reload even where the browser keeps no storage (kiosk mode).
export function keepLang(params) {
  if (current !== 'zh-CN') params.set('lang', current);
  return params;
}

// CODE_KINDS maps the lists of the categories document to the prefix their codes take here:
// statuses' accepted is 'status.accepted', for t and label alike.
export const CODE_KINDS = {
  categories: 'category',
  channels: 'channel',
  statuses: 'status',
  red_position_kinds: 'red',
  station_kinds: 'station',
  staff_roles: 'role',
  gap_kinds: 'gap',
};

// The server's code labels: 'status.accepted' -> {zh, en}, and each kind's codes in the
// server's order (the order lists and filters show them in).
let codeLabels = new Map();
let codeLists = {};
let statusGroups = {};

// setCodeLabels takes the labels of every code from the categories document
// (GET /api/v1/categories). The pages call it once, through api.js boot, before they draw.
export function setCodeLabels(doc) {
  const labels = new Map();
  const lists = {};
  for (const [list, kind] of Object.entries(CODE_KINDS)) {
    lists[kind] = [];
    for (const {code, zh, en} of doc?.[list] ?? []) {
      labels.set(`${kind}.${code}`, {zh, en});
      lists[kind].push(code);
    }
  }
  codeLabels = labels;
  codeLists = lists;
  statusGroups = doc?.status_groups ?? {};
}

// statusGroup lists the statuses of a group as the server sorts them: 'open' (still to be
// done), 'done' (resolved or closed), 'ended' (ended early).
export function statusGroup(name) { return statusGroups[name] ?? []; }

// codes lists the codes of a kind ('category', 'status', ...) in the server's order.
export function codes(kind) { return codeLists[kind] ?? []; }

// inLang is the name of something the server names in both languages ({zh, en}) in the current
// language, the Chinese where it gives no English: a code's label, a figure's name (rates.js).
export function inLang(named) {
  return (current === 'en' ? named.en : named.zh) || named.zh;
}

function codeLabel(key) {
  const named = codeLabels.get(key);
  return named ? inLang(named) : undefined;
}

// t returns the string for key in the current language, with {name} placeholders filled from
// vars; an unknown key is returned as it is, so a missing string is visible, not blank.
export function t(key, vars) {
  const s = DICT[current][key] ?? codeLabel(key) ?? DICT['zh-CN'][key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

// has tells whether key names an interface string or a code the server has labelled.
export function has(key) { return key in DICT['zh-CN'] || codeLabels.has(key); }

// number formats n for the current language (thousands separators).
export function number(n) {
  return Number.isFinite(n) ? new Intl.NumberFormat(current, {maximumFractionDigits: 2}).format(n) : t('popup.none');
}

// percent formats a percentage (85.85 -> 85.9%).
export function percent(v) {
  return Number.isFinite(v) ? `${new Intl.NumberFormat(current, {maximumFractionDigits: 1}).format(v)}%` : t('popup.none');
}

// label names a code of a kind (category, channel, status, red, station, role, gap; tiling,
// whose two kinds are the page's own) in the current language; an unknown code is shown as it is.
export function label(kind, code) {
  const key = `${kind}.${code}`;
  return has(key) ? t(key) : String(code ?? '');
}

// labels names every code of a kind, joined as a list is in the current language.
export function labels(kind, list = codes(kind)) {
  return list.map((c) => label(kind, c)).join(t('list.sep'));
}

// dateTime formats a time in China Standard Time, the zone the work is done in.
export function dateTime(v) {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return new Intl.DateTimeFormat(current, {timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23'}).format(d);
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
  if (root === document) {
    document.title = `${t(document.documentElement.dataset.title || 'app.title')} · ${t('app.city')}`;
  }
}
