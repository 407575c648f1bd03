package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	neturl "net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/testdb"
)

// bundledAsOf is the instant the bundled incidents' times are relative to (incidents.geojson
// as_of), which the import moves to the day it runs.
func bundledAsOf(t *testing.T) time.Time {
	t.Helper()
	f, err := os.Open(geodataDir() + "/incidents.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := f.Read(head)
	m := regexp.MustCompile(`"as_of":"([^"]+)"`).FindSubmatch(head[:n])
	if m == nil {
		t.Fatalf("incidents.geojson declares no as_of in %q", head[:n])
	}
	at, err := time.Parse(time.RFC3339, string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// logWatch is a log handler that closes seen once a record with the message msg is logged.
type logWatch struct {
	msg  string
	once sync.Once
	seen chan struct{}
}

func (w *logWatch) Enabled(context.Context, slog.Level) bool { return true }
func (w *logWatch) Handle(_ context.Context, r slog.Record) error {
	if r.Message == w.msg {
		w.once.Do(func() { close(w.seen) })
	}
	return nil
}
func (w *logWatch) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w *logWatch) WithGroup(string) slog.Handler      { return w }

// simulateDay runs the server with the simulated city (GRIDMAP_SIMULATE) on the database at
// url until the city has filled in the day so far — reports since the newest stored one, each
// played through the loop: dispatched, responded, resolved, called back — and stops it, so the
// figures hold still while a test compares a page with the API.
func simulateDay(t *testing.T, url string, clock map[string]string) {
	t.Helper()
	env := map[string]string{"DATABASE_URL": url, "GRIDMAP_ADDR": "127.0.0.1:0", "GRIDMAP_SIMULATE": "120"}
	for k, v := range clock {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	w := &logWatch{msg: "simulated city running", seen: make(chan struct{})}
	start := time.Now()
	a, err := Start(context.Background(), cfg, slog.New(w))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.seen:
	case <-time.After(2 * time.Minute):
		t.Fatal("the simulated city did not fill in the day within 2 minutes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("the simulated city filled in the day in %v", time.Since(start).Round(time.Millisecond))
}

// How the pages write figures (static/js/rates.js), the way the server writes them in its files.

func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func pctText(v any) string {
	f, ok := v.(float64)
	if !ok {
		return "—"
	}
	return strconv.FormatFloat(math.Round(f*1000)/10, 'f', 1, 64) + "%"
}

func changeText(v any) string {
	f, ok := v.(float64)
	if !ok {
		return "—"
	}
	p := math.Round(math.Abs(f)*1000) / 10
	switch {
	case p == 0:
		return "0.0"
	case f > 0:
		return "▲" + strconv.FormatFloat(p, 'f', 1, 64)
	}
	return "▼" + strconv.FormatFloat(p, 'f', 1, 64)
}

// cellText is how a page writes a value of a field of the kind given.
func cellText(kind string, v any) string {
	if v == nil || v == "" {
		return "—"
	}
	switch kind {
	case "rate":
		return pctText(v)
	case "count", "rank":
		return thousands(int(v.(float64)))
	case "minutes":
		return thousands(int(math.Round(v.(float64))))
	case "hours":
		h := math.Round(v.(float64)*10) / 10
		whole := math.Floor(h)
		return thousands(int(whole)) + "." + strconv.Itoa(int(math.Round((h-whole)*10)))
	}
	return fmt.Sprint(v)
}

type figureFieldJSON struct {
	Key, ZH, EN, Kind string
	Num               []string
	Den               string
}

type figuresAnswer struct {
	Rows   []map[string]any
	Total  map[string]any
	Fields []figureFieldJSON
}

func (a figuresAnswer) field(key string) figureFieldJSON {
	for _, f := range a.Fields {
		if f.Key == key {
			return f
		}
	}
	return figureFieldJSON{}
}

// figuresShown is what the figures page showed (figures.mjs figures).
type figuresShown struct {
	Query map[string]string
	Rows  []struct {
		Key, Name, Report string
		Cells             map[string]json.RawMessage
	}
	Heads    map[string]string
	Headline map[string]struct{ Label, Value, Change string }
	Counts   map[string]string
	Scope    string
	Caption  string
	Streets  []string
	By       string
	Fits     bool
	TableFit bool `json:"tableFits"`
	User     string
	Title    string
}

// reportShown is what the report page showed (figures.mjs report).
type reportShown struct {
	Street, Month, Title, Period, Definitions, Generated, CSV, XLSX string
	Communities, Departments                                        reportTable
	Streets                                                         []string
	Fits                                                            bool
}

type reportTable struct {
	Heads [][2]string
	Rows  []reportRow
	Total *reportRow
}

type reportRow struct {
	Key   string
	Cells map[string]string
}

// TestBrowserFigures: the figures page and the monthly report on the bundled city, with a day
// of the simulated city's work through the loop (the bundled incidents carry no dispatches or
// callbacks), the clock pinned to that day (GRIDMAP_CLOCK). Signed in as the command centre,
// every number the page shows — the table and the headline, this month by street, last month by
// community ranked by 满意率, days of one's choosing — is GET /api/v1/figures' for the period
// the page should ask for, reckoned here from the clock; a column sorts; the page speaks
// English with the server's names; a street's link opens its report, whose tables are GET
// /api/v1/reports/monthly's, whose CSV and XLSX links answer with their files, and which prints
// (print media, a PDF on A4 landscape); a street leader is offered only their street and
// reads only its figures.
func TestBrowserFigures(t *testing.T) {
	asOf := bundledAsOf(t).In(gridmap.ChinaTime)
	pinned := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 15, 0, 0, 0, gridmap.ChinaTime)
	clock := clockEnv(time.Until(pinned))
	url := testdb.New(t)
	if code, _, stderr := gridmapCmdEnv(t, url, clock, "import", "-q", geodataDir()); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	if code, _, stderr := gridmapCmdEnv(t, url, clock, "user", "demo"); code != 0 {
		t.Fatalf("user demo: %s", stderr)
	}
	simulateDay(t, url, clock)
	const leaderStreet = "350181003"
	command := bearer(tokenOf(t, url, clock, "command"))
	leader := bearer(tokenOf(t, url, clock, "street-"+leaderStreet))
	base := "http://" + startApp(t, url, clock).Addr()

	day := func(t time.Time) string { return t.Format("2006-01-02") }
	monthStart := time.Date(pinned.Year(), pinned.Month(), 1, 0, 0, 0, 0, gridmap.ChinaTime)
	customSince, customUntil := day(pinned.AddDate(0, 0, -14)), day(pinned.AddDate(0, 0, -4))
	var res struct {
		Back, URL        string
		User             string
		Nav              [][3]string
		Demo             demoBadge
		Month, Community figuresShown
		Custom, EN       figuresShown
		Large, Leader    figuresShown
		Sorted           []string
		Report, ReportEN reportShown
		LeaderReport     reportShown `json:"leaderReport"`
		LeaderOther      reportShown `json:"leaderOther"`
		Files            map[string]struct {
			Status            int
			Type, Disposition string
			Head              []int // the file's first bytes
		}
		Print struct {
			Header, Toolbar, Print, Sheet       bool
			Background, Color, Border, RowBreak string
			HeadGroup                           string `json:"headGroup"`
		}
		PDF struct {
			Path string
			Size int
		}
		Asked []string
	}
	runBrowserScript(t, "figures.mjs", base, map[string]string{"GRIDMAP_LOGIN": "command", "GRIDMAP_PASSWORD": DemoPassword,
		"GRIDMAP_STREET_LOGIN": "street-" + leaderStreet, "GRIDMAP_DAYS": customSince + "," + customUntil}, &res, nil)

	// askAPI reads the figures the page asked for, as who.
	askAPI := func(q map[string]string, who map[string]string) figuresAnswer {
		t.Helper()
		v := neturl.Values{}
		for k, x := range q {
			if x != "" {
				v.Set(k, x)
			}
		}
		status, _, body := call(t, base, "GET", "/api/v1/figures?"+v.Encode(), "", who)
		var a figuresAnswer
		if err := json.Unmarshal([]byte(body), &a); status != 200 || err != nil {
			t.Fatalf("GET /api/v1/figures?%s: %d %v %.300s", v.Encode(), status, err, body)
		}
		return a
	}
	wantQuery := func(where string, got map[string]string, want map[string]string) {
		t.Helper()
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s asked for %s=%q, want %q (the whole query: %v)", where, k, got[k], w, got)
			}
		}
	}
	// checkShown compares every number the page showed with the API's answer, and the order of
	// the rows with the API's ranking unless the page was sorted by another column.
	checkShown := func(where string, shown figuresShown, a figuresAnswer, lang string, ranked bool) {
		t.Helper()
		if len(shown.Rows) != len(a.Rows) {
			t.Errorf("%s lists %d rows, the API %d", where, len(shown.Rows), len(a.Rows))
			return
		}
		byKey := map[any]map[string]any{}
		for _, r := range a.Rows {
			byKey[r["key"]] = r
		}
		for i, row := range shown.Rows {
			want := byKey[row.Key]
			if ranked && row.Key != a.Rows[i]["key"] {
				t.Errorf("%s row %d is %s, the API ranks %v there", where, i+1, row.Key, a.Rows[i]["key"])
			}
			if want == nil {
				t.Errorf("%s lists %s, which the API does not", where, row.Key)
				continue
			}
			for col, raw := range row.Cells {
				f := a.field(col)
				if f.Kind == "rate" {
					var c struct{ Value, Change string }
					json.Unmarshal(raw, &c)
					change, _ := want["change"].(map[string]any)
					if c.Value != pctText(want[col]) || c.Change != changeText(change[col]) {
						t.Errorf("%s: %s %s shows %q %q; the API says %v, change %v", where, row.Key, col, c.Value, c.Change, want[col], change[col])
					}
					continue
				}
				var text string
				json.Unmarshal(raw, &text)
				if w := cellText(f.Kind, want[col]); text != w {
					t.Errorf("%s: %s %s shows %q; the API says %v (%s)", where, row.Key, col, text, want[col], w)
				}
			}
			if len(row.Cells) < 15 {
				t.Errorf("%s: row %s shows only %v", where, row.Key, row.Cells)
			}
		}
		for _, rate := range []string{"response_rate", "resolution_rate", "on_time_rate", "satisfaction_rate"} {
			h := shown.Headline[rate]
			change, _ := a.Total["change"].(map[string]any)
			if h.Value != pctText(a.Total[rate]) || h.Change != changeText(change[rate]) {
				t.Errorf("%s's headline shows %s as %q %q; the API's total says %v, change %v", where, rate, h.Value, h.Change, a.Total[rate], change[rate])
			}
			name := a.field(rate).ZH
			if lang == "en" {
				name = a.field(rate).EN
			}
			if h.Label != name || shown.Heads[rate] != name {
				t.Errorf("%s names %s %q in the headline and %q in the table; the API names it %q", where, rate, h.Label, shown.Heads[rate], name)
			}
		}
		for col, text := range shown.Counts {
			if w := cellText("count", a.Total[col]); text != w {
				t.Errorf("%s's headline counts %s %q; the API's total says %s", where, col, text, w)
			}
		}
	}

	// This month by street, as the command centre: the city's seven streets.
	wantQuery("the figures page", res.Month.Query, map[string]string{"by": "street", "since": day(monthStart), "until": day(pinned),
		"street": "", "community": "", "rank": "resolution_rate"})
	month := askAPI(res.Month.Query, command)
	checkShown("this month by street", res.Month, month, "zh", true)
	if len(res.Month.Rows) != 7 || month.Total == nil || month.Total["dispatched"].(float64) == 0 || month.Total["callbacks"].(float64) == 0 {
		t.Errorf("this month's figures hold %d streets and the total %v; want the bundled city's 7 streets and the loop's dispatches and callbacks",
			len(res.Month.Rows), month.Total)
	}
	for _, r := range res.Month.Rows {
		if want := "/report.html?street=" + r.Key + "&month=" + pinned.Format("2006-01"); !strings.HasSuffix(r.Report, want) {
			t.Errorf("the street %s links to its report as %q, want …%s", r.Key, r.Report, want)
		}
	}
	if !strings.HasPrefix(res.Back, base+"/figures.html") || !strings.Contains(res.User, "福清市指挥中心") {
		t.Errorf("signed in, the page went on to %s as %q", res.Back, res.User)
	}
	if !strings.Contains(fmt.Sprint(res.Nav), "figures 考核指标 page") {
		t.Errorf("the navigation does not offer 考核指标 as the page shown: %v", res.Nav)
	}
	if !res.Demo.Visible || res.Demo.Text != "演示数据" {
		t.Errorf("the demo badge after the simulated city's day: %+v", res.Demo)
	}
	if !res.Month.Fits || !res.Month.TableFit || !res.Large.Fits {
		t.Errorf("the page or its table overflows: 1366×768 page %v table %v, 1920×1080 page %v", res.Month.Fits, res.Month.TableFit, res.Large.Fits)
	}

	// Last month by community of one street, ranked by 满意率.
	last := monthStart.AddDate(0, -1, 0)
	wantQuery("last month by community", res.Community.Query, map[string]string{"by": "community", "since": day(last), "until": day(monthStart.AddDate(0, 0, -1)),
		"street": leaderStreet, "rank": "satisfaction_rate"})
	checkShown("last month by community", res.Community, askAPI(res.Community.Query, command), "zh", true)
	for _, r := range res.Community.Rows {
		if !strings.HasPrefix(r.Key, leaderStreet) {
			t.Errorf("the communities of %s list %s", leaderStreet, r.Key)
		}
	}
	if len(res.Community.Rows) < 10 || !strings.Contains(res.URL, "period=last_month") || !strings.Contains(res.URL, "by=community") {
		t.Errorf("last month by community: %d rows, the page's address %q", len(res.Community.Rows), res.URL)
	}
	// Days of one's choosing.
	wantQuery("chosen days", res.Custom.Query, map[string]string{"since": customSince, "until": customUntil, "by": "community", "street": leaderStreet})
	checkShown("chosen days", res.Custom, askAPI(res.Custom.Query, command), "zh", true)
	// Sorted by 受理, largest first.
	for i := 1; i < len(res.Sorted); i++ {
		a, _ := strconv.Atoi(strings.ReplaceAll(res.Sorted[i-1], ",", ""))
		b, _ := strconv.Atoi(strings.ReplaceAll(res.Sorted[i], ",", ""))
		if a < b {
			t.Errorf("sorted by 受理, %d comes before %d: %v", a, b, res.Sorted)
		}
	}
	if len(res.Sorted) != len(res.Custom.Rows) {
		t.Errorf("sorting shows %d rows of %d", len(res.Sorted), len(res.Custom.Rows))
	}
	// English: the server's names, the page's own words in English.
	checkShown("in English, sorted by 受理", res.EN, askAPI(res.EN.Query, command), "en", false)
	if !strings.Contains(res.EN.Caption, "ranked by satisfaction rate") || !strings.HasPrefix(res.EN.Title, "Performance figures") ||
		res.EN.Heads["name"] != "Community" {
		t.Errorf("in English: caption %q, title %q, unit %q", res.EN.Caption, res.EN.Title, res.EN.Heads["name"])
	}

	// The monthly report of 龙山街道, opened from its row.
	status, _, body := call(t, base, "GET", "/api/v1/reports/monthly?street="+leaderStreet+"&month="+pinned.Format("2006-01"), "", command)
	var monthly struct {
		Street                   struct{ Name string }
		Columns                  []figureFieldJSON
		Fields                   []figureFieldJSON
		Total                    []map[string]any
		Communities, Departments []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &monthly); status != 200 || err != nil {
		t.Fatalf("the monthly report: %d %v", status, err)
	}
	rep := res.Report
	checkTable := func(where string, shown reportTable, rows []map[string]any, total map[string]any, lang string) {
		t.Helper()
		for i, c := range monthly.Columns {
			name := c.ZH
			if lang == "en" {
				name = c.EN
			}
			if i >= len(shown.Heads) || shown.Heads[i] != [2]string{c.Key, name} {
				t.Errorf("%s's columns are %v; the API's %v", where, shown.Heads, monthly.Columns)
				break
			}
		}
		if lang == "en" {
			return
		}
		if len(shown.Rows) != len(rows) {
			t.Errorf("%s lists %d rows, the API %d", where, len(shown.Rows), len(rows))
			return
		}
		check := func(row reportRow, want map[string]any, isTotal bool) {
			for _, c := range monthly.Columns {
				w := cellText(c.Kind, want[c.Key])
				switch {
				case c.Kind == "text":
					w = fmt.Sprint(want[c.Key])
					if isTotal && c.Key == "name" {
						w = "合计（" + w + "）"
					}
				case isTotal && c.Kind == "rank":
					w = ""
				}
				if row.Cells[c.Key] != w {
					t.Errorf("%s: %s %s shows %q; the API says %v (%q)", where, row.Key, c.Key, row.Cells[c.Key], want[c.Key], w)
				}
			}
		}
		for i, row := range shown.Rows {
			if row.Key != rows[i]["key"] {
				t.Errorf("%s row %d is %s, the API's %v", where, i+1, row.Key, rows[i]["key"])
				continue
			}
			check(row, rows[i], false)
		}
		if (shown.Total == nil) != (total == nil) {
			t.Errorf("%s's total row: %+v, the API's %v", where, shown.Total, total)
		} else if total != nil {
			check(*shown.Total, total, true)
		}
	}
	if len(monthly.Total) != 1 || len(monthly.Communities) < 10 || len(monthly.Departments) == 0 {
		t.Fatalf("the monthly report holds %d totals, %d communities, %d departments", len(monthly.Total), len(monthly.Communities), len(monthly.Departments))
	}
	checkTable("the report's communities", rep.Communities, monthly.Communities, monthly.Total[0], "zh")
	checkTable("the report's departments", rep.Departments, monthly.Departments, nil, "zh")
	checkTable("the report's communities in English", res.ReportEN.Communities, nil, nil, "en")
	if rep.Street != leaderStreet || rep.Month != pinned.Format("2006-01") ||
		rep.Title != "福清市 "+monthly.Street.Name+" "+pinned.Format("2006年01月")+" 诉求办理月报" ||
		!strings.Contains(rep.Period, fmt.Sprintf("%d年%d月1日至", pinned.Year(), pinned.Month())) {
		t.Errorf("the report of %s for %s: title %q, period %q", rep.Street, rep.Month, rep.Title, rep.Period)
	}
	if !strings.Contains(res.ReportEN.Title, "requests handled in") || !strings.Contains(res.ReportEN.Title, monthly.Street.Name) {
		t.Errorf("the report's title in English: %q", res.ReportEN.Title)
	}
	// The rates' definitions, in the server's names of what they divide.
	names := map[string]string{}
	for _, f := range monthly.Fields {
		names[f.Key] = f.ZH
	}
	for _, c := range monthly.Columns {
		if c.Kind != "rate" {
			continue
		}
		num := make([]string, len(c.Num))
		for i, k := range c.Num {
			num[i] = names[k]
		}
		def := c.ZH + " = " + strings.Join(num, " + ") + " ÷ " + names[c.Den]
		if len(num) > 1 {
			def = c.ZH + " = (" + strings.Join(num, " + ") + ") ÷ " + names[c.Den]
		}
		if !strings.Contains(rep.Definitions, def) {
			t.Errorf("the report's notes do not define %s as %q: %q", c.Key, def, rep.Definitions)
		}
	}
	if !strings.Contains(rep.Generated, fmt.Sprintf("%d年%d月%d日", pinned.Year(), pinned.Month(), pinned.Day())) {
		t.Errorf("the report says it was made %q; the server's clock reads %v", rep.Generated, pinned)
	}
	// Its files.
	csv, xlsx := res.Files["csv"], res.Files["xlsx"]
	head := func(b []int) string {
		s := make([]byte, len(b))
		for i, x := range b {
			s[i] = byte(x)
		}
		return string(s)
	}
	if csv.Status != 200 || csv.Type != "text/csv; charset=utf-8" || !strings.HasPrefix(head(csv.Head), "\ufeff") || !strings.Contains(csv.Disposition, "attachment") {
		t.Errorf("the report's CSV link (%s) answers %+v", rep.CSV, csv)
	}
	if xlsx.Status != 200 || xlsx.Type != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || head(xlsx.Head) != "PK\x03\x04" {
		t.Errorf("the report's XLSX link (%s) answers %+v", rep.XLSX, xlsx)
	}
	for _, link := range []string{rep.CSV, rep.XLSX} {
		if !strings.Contains(link, "street="+leaderStreet) || !strings.Contains(link, "month="+pinned.Format("2006-01")) {
			t.Errorf("the report links to %s", link)
		}
	}
	// Printed: the sheet alone, black on white, ruled, the header repeated, rows whole; the PDF
	// on A4 landscape.
	p := res.Print
	if p.Header || p.Toolbar || p.Print || !p.Sheet || p.Background != "rgb(255, 255, 255)" || p.Color != "rgb(0, 0, 0)" ||
		p.Border != "solid rgb(0, 0, 0)" || p.RowBreak != "avoid" || p.HeadGroup != "table-header-group" {
		t.Errorf("printed, the report shows %+v", p)
	}
	pdf, err := os.ReadFile(res.PDF.Path)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("the report's PDF %s: %v (%d bytes)", res.PDF.Path, err, len(pdf))
	}
	boxes := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindAllStringSubmatch(string(pdf), -1)
	if len(boxes) == 0 {
		t.Errorf("the report's PDF has no pages")
	}
	for _, b := range boxes {
		w, _ := strconv.ParseFloat(b[1], 64)
		h, _ := strconv.ParseFloat(b[2], 64)
		if math.Abs(w-841.9) > 2 || math.Abs(h-595.3) > 2 {
			t.Errorf("a page of the report's PDF is %v × %v points, want A4 landscape (841.9 × 595.3)", w, h)
		}
	}
	t.Logf("the printed report: %d pages of A4 landscape, %d bytes", len(boxes), len(pdf))

	// The leader of 龙山街道: only their street, by community by default.
	l := res.Leader
	if len(l.Streets) != 1 || l.Streets[0] != leaderStreet || l.By != "community" || !strings.Contains(l.User, "街道负责人 · 龙山街道") {
		t.Errorf("the street leader (%q) is offered the streets %v and groups by %q; want only %s, by community", l.User, l.Streets, l.By, leaderStreet)
	}
	wantQuery("the street leader's page", l.Query, map[string]string{"by": "community", "street": leaderStreet, "since": day(monthStart), "until": day(pinned)})
	checkShown("the street leader's page", l, askAPI(l.Query, leader), "zh", true)
	for _, r := range l.Rows {
		if !strings.HasPrefix(r.Key, leaderStreet) {
			t.Errorf("the street leader's page lists %s", r.Key)
		}
	}
	if res.LeaderReport.Street != leaderStreet || res.LeaderOther.Street != leaderStreet || len(res.LeaderOther.Streets) != 1 {
		t.Errorf("the street leader's report pages show %s and, asked for another street, %s (offering %v)",
			res.LeaderReport.Street, res.LeaderOther.Street, res.LeaderOther.Streets)
	}
	other := regexp.MustCompile(`(street|community)=(3501810\d\d)`)
	for _, a := range res.Asked {
		for _, m := range other.FindAllStringSubmatch(a, -1) {
			if m[2] != leaderStreet && !strings.HasPrefix(m[2], leaderStreet) {
				t.Errorf("signed in as the leader of %s, the pages asked %s", leaderStreet, a)
			}
		}
	}
	if len(res.Asked) == 0 {
		t.Error("the street leader's pages asked the server nothing")
	}
}
