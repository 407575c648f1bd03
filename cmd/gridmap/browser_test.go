package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/testdb"
)

// browserDir holds the Node side of the browser tests: the Playwright scripts (one per page,
// and lib.mjs, what they share), their pinned package.json and package-lock.json, and
// node_modules once .ci/test-tools-up has run npm ci.
const browserDir = "testdata/browser"

// ScreenshotDirEnv names a folder into which the browser tests copy their screenshots, for a
// person to look at; unset, they stay in the test's temporary folder.
const ScreenshotDirEnv = "GRIDMAP_SCREENSHOT_DIR"

// browserRun is what a script of browserDir printed; see lib.mjs for the meaning. Page holds
// the script's own findings, decoded by each test into its own type.
type browserRun struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	WebGL *struct {
		Version  string `json:"version"`
		Renderer string `json:"renderer"`
	} `json:"webgl"`
	Page             json.RawMessage `json:"page"`
	Screenshots      []string        `json:"screenshots"`
	ConsoleErrors    []string        `json:"consoleErrors"`
	ConsoleWarnings  []string        `json:"consoleWarnings"`
	PageErrors       []string        `json:"pageErrors"`
	FailedRequests   []string        `json:"failedRequests"`
	ExpectedFailures int             `json:"expectedFailures"`
	Aborted          int             `json:"aborted"`
	Requests         int             `json:"requests"`
	Tiles            int             `json:"tiles"`
	Timings          map[string]int  `json:"timings"`

	// Documents are the pages and frames loaded, with the Content-Security-Policy of each.
	Documents []struct {
		URL string `json:"url"`
		CSP string `json:"csp"`
	} `json:"documents"`
}

// browserTools finds node, the Playwright package and Chromium, and fails the test (never skips
// it) when one is missing, saying how to install them.
func browserTools(t *testing.T) (node, chromium string) {
	t.Helper()
	const hint = "; run .ci/test-tools-up (as root) to install Chromium, its Chinese fonts and the browser tests' npm packages"
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("browser test: node is not on PATH%s", hint)
	}
	chromium = os.Getenv("GRIDMAP_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("browser test: no Chromium at %s%s", chromium, hint)
	}
	if _, err := os.Stat(filepath.Join(browserDir, "node_modules", "playwright-core", "package.json")); err != nil {
		t.Fatalf("browser test: %s/node_modules has no playwright-core%s", browserDir, hint)
	}
	return node, chromium
}

// runBrowserScript runs a script of browserDir against the server at base, decodes its own
// findings into page, keeps its screenshots, and fails the test for every console error,
// uncaught exception and failed request it saw, and when it did not get to the end. Every page
// of the server's it loaded must have come with the Content-Security-Policy: Chromium reports
// each violation of it as a console error, so a clean run proves the page satisfies it. env is
// more environment for the script: the accounts and tokens the test made for it (lib.mjs account,
// token). control, if not nil, does what the script asks of the server (lib.mjs control) and
// says "ok" or the error.
func runBrowserScript(t *testing.T, script, base string, env map[string]string, page any, control func(cmd string) error) browserRun {
	t.Helper()
	node, chromium := browserTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, node, filepath.Join(browserDir, script), base, t.TempDir())
	cmd.Env = append(os.Environ(), "GRIDMAP_CHROMIUM="+chromium)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	// Lines "gridmap:CMD" on stderr are requests to the test; the rest is the script's own.
	cmd.Stderr = &lineWriter{line: func(line string) {
		req, ok := strings.CutPrefix(line, "gridmap:")
		if !ok {
			stderr.WriteString(line + "\n")
			return
		}
		answer := "ok"
		if control == nil {
			answer = "error: this test takes no requests"
		} else if err := control(req); err != nil {
			answer = "error: " + err.Error()
		}
		io.WriteString(stdin, answer+"\n")
	}}
	err = cmd.Run()
	stdin.Close()
	var res browserRun
	if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil {
		t.Fatalf("browser test: %s printed no result (%v; run error %v)\nstdout:\n%s\nstderr:\n%s", script, jerr, err, stdout.String(), stderr.String())
	}
	if err != nil {
		t.Errorf("browser test: %s: %v\nstderr:\n%s", script, err, stderr.String())
	}
	if len(res.Page) > 0 {
		if err := json.Unmarshal(res.Page, page); err != nil {
			t.Errorf("browser test: %s: its findings do not decode: %v\n%s", script, err, res.Page)
		}
	}
	t.Logf("browser %s: %s, %d requests (%d tiles, %d cancelled by the page), timings (ms) %v",
		script, time.Since(start).Round(time.Millisecond), res.Requests, res.Tiles, res.Aborted, res.Timings)
	if res.WebGL != nil {
		t.Logf("WebGL: %s on %s", res.WebGL.Version, res.WebGL.Renderer)
	}
	glNotes := 0
	for _, w := range res.ConsoleWarnings {
		if strings.Contains(w, "GL Driver Message") { // SwiftShader's performance notes, not the page's
			glNotes++
			continue
		}
		t.Logf("console warning: %s", w)
	}
	if glNotes > 0 {
		t.Logf("%d WebGL driver performance notes (SwiftShader)", glNotes)
	}
	keepScreenshots(t, res.Screenshots)
	if len(res.Screenshots) == 0 {
		t.Errorf("%s took no screenshot", script)
	}
	for _, e := range res.ConsoleErrors {
		t.Errorf("console error: %s", e)
	}
	for _, e := range res.PageErrors {
		t.Errorf("uncaught exception: %s", e)
	}
	for _, e := range res.FailedRequests {
		t.Errorf("failed request: %s", e)
	}
	ours := 0
	for _, d := range res.Documents {
		if !strings.HasPrefix(d.URL, base+"/") {
			continue // a page of another origin, such as the portal TestBrowserPortal stands up
		}
		ours++
		if !strings.Contains(d.CSP, "script-src 'self'") || !strings.Contains(d.CSP, "frame-ancestors") {
			t.Errorf("%s came with the Content-Security-Policy %q", d.URL, d.CSP)
		}
	}
	if ours == 0 && res.OK {
		t.Errorf("%s loaded no page of %s", script, base)
	}
	if !res.OK {
		t.Fatalf("the page did not get through %s: %s\nfindings so far: %s", script, res.Error, res.Page)
	}
	return res
}

// lineWriter calls line with each line written to it (without its newline).
type lineWriter struct {
	buf  []byte
	line func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.line(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
}

// keepScreenshots copies the screenshots to $GRIDMAP_SCREENSHOT_DIR when it is set.
func keepScreenshots(t *testing.T, paths []string) {
	t.Helper()
	dir := os.Getenv(ScreenshotDirEnv)
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || info.Size() == 0 {
			t.Errorf("screenshot %s was not written: %v", p, err)
			continue
		}
		if dir == "" {
			t.Logf("screenshot %s (set %s to keep it)", p, ScreenshotDirEnv)
			continue
		}
		b, err := os.ReadFile(p)
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644)
		}
		if err != nil {
			t.Errorf("copy screenshot to %s: %v", dir, err)
			continue
		}
		t.Logf("screenshot %s", filepath.Join(dir, filepath.Base(p)))
	}
}

// miniServer serves the mini dataset, imported through the real command, with its incidents
// moved to the last few days (China Standard Time), so that the pages' periods (today, this
// week, 30 days) hold them whatever day the test runs, and with the test's own edits.
func miniServer(t *testing.T, edits ...datasettest.Edit) string {
	t.Helper()
	return "http://" + startApp(t, miniDatabase(t, edits...), nil).Addr()
}

// miniDatabase is a new database holding the mini dataset as miniServer serves it.
func miniDatabase(t *testing.T, edits ...datasettest.Edit) string {
	t.Helper()
	return miniDatabaseAt(t, 0, miniTimes(time.Now()), edits...)
}

// miniTimes are when miniServer's incidents were reported, for a server whose clock reads now:
// mini-1, mini-2 and mini-3 on the 3rd, 2nd and last day before now's, at 09:15, 10:00 and 11:00
// China Standard Time.
func miniTimes(now time.Time) [3]time.Time {
	day := func(back, hour, minute int) time.Time {
		y, m, d := now.In(gridmap.ChinaTime).AddDate(0, 0, -back).Date()
		return time.Date(y, m, d, hour, minute, 0, 0, gridmap.ChinaTime)
	}
	return [3]time.Time{day(3, 9, 15), day(2, 10, 0), day(1, 11, 0)}
}

// miniDatabaseAt is a new database holding the mini dataset with its incidents mini-1, mini-2
// and mini-3 reported at times, for a server whose clock runs ahead of the machine's by ahead
// (GRIDMAP_CLOCK): the import runs on that clock too, as an operator's would, so that it takes
// the incidents for past reports and reckons their due times and overdue flags by it.
func miniDatabaseAt(t *testing.T, ahead time.Duration, times [3]time.Time, edits ...datasettest.Edit) string {
	t.Helper()
	url := testdb.New(t)
	original := []string{"2026-11-20T09:15:00+08:00", "2026-11-21T10:00:00+08:00", "2026-11-22T11:00:00+08:00"}
	var moved []datasettest.Edit
	for i, at := range times {
		moved = append(moved, datasettest.Edit{File: "incidents.geojson", Old: original[i], New: at.In(gridmap.ChinaTime).Format(time.RFC3339)})
	}
	dataset := datasettest.Mini(t, append(moved, edits...)...)
	if code, _, stderr := gridmapCmdEnv(t, url, clockEnv(ahead), "import", "-q", dataset); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	return url
}

// clockEnv is the environment that runs the server or a command ahead of the machine's clock.
func clockEnv(ahead time.Duration) map[string]string {
	if ahead == 0 {
		return nil
	}
	setting := ahead.String()
	if ahead > 0 {
		setting = "+" + setting
	}
	return map[string]string{"GRIDMAP_CLOCK": setting}
}

// named is a code with its names, as GET /api/v1/categories lists it.
type named struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// codeLabels is GET /api/v1/categories: the one source of every code's name on the pages.
type codeLabels map[string][]named

// apiLabels reads the server's code labels, the lists the pages take them from.
func apiLabels(t *testing.T, base string) codeLabels {
	t.Helper()
	code, body := httpGet(t, base+"/api/v1/categories")
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &doc); code != 200 || err != nil {
		t.Fatalf("GET /api/v1/categories: %d %v\n%s", code, err, body)
	}
	labels := codeLabels{}
	for _, list := range []string{"categories", "channels", "statuses", "red_position_kinds", "station_kinds", "staff_roles", "gap_kinds"} {
		var l []named
		if err := json.Unmarshal(doc[list], &l); err != nil || len(l) == 0 {
			t.Fatalf("GET /api/v1/categories: %s: %v (%s)", list, err, doc[list])
		}
		labels[list] = l
	}
	return labels
}

func (l codeLabels) find(t *testing.T, list, code string) named {
	t.Helper()
	for _, n := range l[list] {
		if n.Code == code {
			return n
		}
	}
	t.Fatalf("GET /api/v1/categories lists no %s %q", list, code)
	return named{}
}

// zh is the server's Chinese name of a code.
func (l codeLabels) zh(t *testing.T, list, code string) string {
	t.Helper()
	return l.find(t, list, code).ZH
}

// en is the server's English name of a code.
func (l codeLabels) en(t *testing.T, list, code string) string {
	t.Helper()
	return l.find(t, list, code).EN
}

// check fails the test for every [code, label] pair a page showed (where) whose label is not the
// server's name of the code in lang; with every, each code of the list must be shown.
func (l codeLabels) check(t *testing.T, where, lang, list string, shown [][2]string, every bool) {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range shown {
		want := l.find(t, list, p[0])
		name := want.ZH
		if lang == "en" {
			name = want.EN
		}
		if p[1] != name {
			t.Errorf("%s names %s %s %q; the API names it %q", where, list, p[0], p[1], name)
		}
		seen[p[0]] = true
	}
	if !every {
		return
	}
	for _, n := range l[list] {
		if !seen[n.Code] {
			t.Errorf("%s does not show %s %s (%s); it shows %v", where, list, n.Code, n.ZH, shown)
		}
	}
}

// shownLabels are the codes the city map's panel names, as [code, label] pairs (lib.mjs
// statusLabels).
type shownLabels struct {
	Filter     [][2]string `json:"filter"`
	Legend     [][2]string `json:"legend"`
	Categories [][2]string `json:"categories"`
}

// demoBadge is what a page's demo badge showed (lib.mjs demoBadge).
type demoBadge struct {
	Text    string `json:"text"`
	Title   string `json:"title"`
	Visible bool   `json:"visible"`
}

// checkDemoBadge: on the mini dataset, whose divisions are synthetic, the page shows the badge
// 演示数据 (Demo data in English), with a tooltip saying that the data is synthetic.
func checkDemoBadge(t *testing.T, page string, zh, en demoBadge) {
	t.Helper()
	if !zh.Visible || strings.TrimSpace(zh.Text) != "演示数据" || !strings.Contains(zh.Title, "合成的示例数据") {
		t.Errorf("%s on synthetic data shows the demo badge %+v; want 演示数据, visible, saying the data is synthetic", page, zh)
	}
	if !en.Visible || strings.TrimSpace(en.Text) != "Demo data" || !strings.Contains(en.Title, "synthetic sample data") {
		t.Errorf("%s in English shows the demo badge %+v; want Demo data, visible, saying the data is synthetic", page, en)
	}
	if strings.Contains(zh.Title, "模拟") || strings.Contains(en.Title, "simulated") {
		t.Errorf("%s speaks of a simulated city although the server simulates none: %q / %q", page, zh.Title, en.Title)
	}
}

// restartableServer is the real server on a fixed loopback address that a browser script can
// stop and start again (lib.mjs control), as an operator restarting the service would.
type restartableServer struct {
	t    *testing.T
	url  string
	addr string
	mu   sync.Mutex
	app  *App
}

func newRestartableServer(t *testing.T, url string) *restartableServer {
	s := &restartableServer{t: t, url: url, addr: "127.0.0.1:0"}
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	s.addr = s.app.Addr()
	t.Cleanup(func() { s.stop() })
	return s
}

func (s *restartableServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app != nil {
		return nil
	}
	env := map[string]string{"DATABASE_URL": s.url, "GRIDMAP_ADDR": s.addr}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		return err
	}
	a, err := Start(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	s.app = a
	return nil
}

func (s *restartableServer) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.app.Close(ctx)
	s.app = nil
	return err
}

// control does what a script asks: "stop" or "start" the server.
func (s *restartableServer) control(cmd string) error {
	start := time.Now()
	defer func() { s.t.Logf("server %s took %v", cmd, time.Since(start).Round(time.Millisecond)) }()
	switch cmd {
	case "stop":
		return s.stop()
	case "start":
		return s.start()
	}
	return fmt.Errorf("unknown request %q", cmd)
}

// TestBrowserMapPage loads the city map page in a real headless Chromium against the real server
// with the mini dataset, and checks what a user would see: no errors, every layer drawn from
// vector tiles, the legend, popups of a grid, a red position and an incident, the incident
// filter, the language switch and the labels of each zoom band.
func TestBrowserMapPage(t *testing.T) {
	base := miniServer(t)
	var res struct {
		Summary  map[string]float64 `json:"summary"`
		Idle     bool               `json:"idle"`
		Sources  map[string]string  `json:"sources"`
		Rendered map[string]int     `json:"rendered"`
		Nav      string             `json:"nav"`
		NavEN    string             `json:"navEN"`
		Legend   struct{ ZH, EN string }
		Popup    struct {
			ZH, EN, Place string
			Selected      []string `json:"selected"`
		} `json:"popup"`
		Incidents struct {
			Open, All, Clusters int
			TileURL             string `json:"tileURL"`
			Popup               string
		} `json:"incidents"`
		Bands  map[string]map[string]any    `json:"bands"`
		Codes  struct{ ZH, EN shownLabels } `json:"labels"`
		Demo   struct{ ZH, EN demoBadge }   `json:"demo"`
		Lang   string                       `json:"lang"`
		Scale  string                       `json:"scale"`
		Toggle struct{ Hidden, Shown int }  `json:"toggle"`
	}
	run := runBrowserScript(t, "map.mjs", base, nil, &res, nil)

	if !res.Idle {
		t.Error("the map did not reach idle (loaded, tiles loaded, not moving)")
	}
	if res.Summary["grids"] != 2 || res.Summary["streets"] != 1 || res.Summary["red_positions"] != 1 || res.Summary["stations"] != 1 {
		t.Errorf("the page loaded %v, want the mini dataset's 1 street, 2 grids, 1 red position, 1 station", res.Summary)
	}
	for _, layer := range []string{"streets", "communities", "grids", "red_positions", "stations", "incidents"} {
		if res.Sources[layer] != "vector" {
			t.Errorf("source %s is %q, want vector tiles", layer, res.Sources[layer])
		}
	}
	if run.Tiles == 0 {
		t.Error("the page requested no tiles")
	}
	for _, layer := range []string{"grids-fill", "grids-line", "communities-line", "streets-line", "red-positions-circle", "stations-circle", "streets-label", "incidents-cluster"} {
		if res.Rendered[layer] == 0 {
			t.Errorf("layer %s rendered no features at the start view; rendered: %v", layer, res.Rendered)
		}
	}
	for _, want := range []string{"城市总览", "指挥大屏", "网格覆盖"} {
		if !strings.Contains(res.Nav, want) {
			t.Errorf("the navigation does not offer %s: %q", want, res.Nav)
		}
	}
	if !strings.Contains(res.NavEN, "Command wall") {
		t.Errorf("the navigation in English reads %q", res.NavEN)
	}
	if !strings.Contains(res.Legend.ZH, "图例") || !strings.Contains(res.Legend.ZH, "龙山街道") || !strings.Contains(res.Legend.ZH, "事件筛选") {
		t.Errorf("the legend does not show 图例, 龙山街道 and 事件筛选:\n%s", res.Legend.ZH)
	}
	for _, want := range []string{"融东社区第1网格", "350181003003001", "融东社区", "320", "900", "网格员"} {
		if !strings.Contains(res.Popup.ZH, want) {
			t.Errorf("the grid popup does not show %q:\n%s", want, res.Popup.ZH)
		}
	}
	for _, want := range []string{"融东社区党群服务中心", "党群服务中心", "周一至周五 08:30-17:30", "融东社区第1网格"} {
		if !strings.Contains(res.Popup.Place, want) {
			t.Errorf("the red position's popup does not show %q:\n%s", want, res.Popup.Place)
		}
	}
	if len(res.Popup.Selected) == 0 || res.Popup.Selected[0] != "350181003003001" {
		t.Errorf("the clicked grid is not highlighted: selected %v", res.Popup.Selected)
	}
	if !strings.Contains(res.Legend.EN, "Legend") || strings.Contains(res.Legend.EN, "图例") || !strings.Contains(res.Legend.EN, "Red position") {
		t.Errorf("after switching to English the legend reads:\n%s", res.Legend.EN)
	}
	if !strings.Contains(res.Popup.EN, "Households") {
		t.Errorf("after switching to English the popup reads:\n%s", res.Popup.EN)
	}
	if res.Toggle.Hidden != 0 || res.Toggle.Shown == 0 {
		t.Errorf("the red positions toggle: %d features drawn when off, %d when on again", res.Toggle.Hidden, res.Toggle.Shown)
	}
	if strings.ContainsAny(res.Scale, "米公里") {
		t.Errorf("after switching to English the scale reads %q", res.Scale)
	}
	if res.Lang != "en" {
		t.Errorf("document language after the switch is %q, want en", res.Lang)
	}
	// The mini dataset has one open incident in view (mini-2, accepted) and one closed (mini-1).
	if res.Incidents.Open != 1 || res.Incidents.All != 2 {
		t.Errorf("incident points at zoom 15: %d open (want 1), %d with every status (want 2)", res.Incidents.Open, res.Incidents.All)
	}
	if !strings.Contains(res.Incidents.TileURL, "since=") || strings.Contains(res.Incidents.TileURL, "status=") {
		t.Errorf("the incident tiles after choosing every status: %s", res.Incidents.TileURL)
	}
	// The popup names the incident's category, status and channel as the API does: mini-2 is
	// accepted, 已领单 (the page once said 已接单 of its own).
	labels := apiLabels(t, base)
	for _, want := range []string{labels.zh(t, "categories", "elderly_service"), labels.zh(t, "statuses", "accepted"), "已领单",
		labels.zh(t, "channels", "one_click_order"), "融东社区第2网格"} {
		if !strings.Contains(res.Incidents.Popup, want) {
			t.Errorf("the incident popup does not show %q:\n%s", want, res.Incidents.Popup)
		}
	}
	if strings.Contains(res.Incidents.Popup, "已接单") {
		t.Errorf("the incident popup names the status in words of its own:\n%s", res.Incidents.Popup)
	}
	// Every status and category the panel names, in the filter and in the legend, in Chinese
	// and in English, is named as GET /api/v1/categories names it.
	for _, l := range []struct {
		lang  string
		shown shownLabels
	}{{"zh", res.Codes.ZH}, {"en", res.Codes.EN}} {
		labels.check(t, "the status filter ("+l.lang+")", l.lang, "statuses", l.shown.Filter, true)
		labels.check(t, "the legend's incident colours ("+l.lang+")", l.lang, "statuses", l.shown.Legend, true)
		labels.check(t, "the category filter ("+l.lang+")", l.lang, "categories", l.shown.Categories, true)
	}
	checkDemoBadge(t, "the city map", res.Demo.ZH, res.Demo.EN)
	if strings.Contains(res.Incidents.Popup, "独居老人") || strings.Contains(res.Incidents.Popup, "19900002222") {
		t.Errorf("the incident popup shows the report's text or the reporter:\n%s", res.Incidents.Popup)
	}
	if res.Incidents.Clusters == 0 {
		t.Error("no incident clusters at zoom 12")
	}
	if n, _ := res.Bands["community"]["communities"].(float64); n == 0 {
		t.Errorf("no community labels at middle zoom: %v", res.Bands)
	}
	if n, _ := res.Bands["grid"]["grids"].(float64); n != 2 {
		t.Errorf("want the 2 grids labelled once each at high zoom: %v", res.Bands)
	}
}

// TestBrowserWallPage loads the wall display (wall.html) at 1920×1080 on the mini dataset,
// signed in as the command centre through the sign-in page, and checks that it shows the key
// figures of /api/v1/stats, that an incident reported during the test by a hotline system with
// its API token appears in the ticker, flashes on the map and counts in today's figure without a
// reload, that a server restart shows as "reconnecting" and heals by itself (and the feed
// resumes), the language switch, and that it fits a 1366×768 screen.
func TestBrowserWallPage(t *testing.T) {
	url := miniDatabase(t)
	const password = "the wall's long password"
	newAccount(t, url, "wall", "command", "city", "福清市指挥中心", password)
	env := map[string]string{"GRIDMAP_LOGIN": "wall", "GRIDMAP_PASSWORD": password,
		"GRIDMAP_TOKEN": newToken(t, url, "hotline-12345", "integration", "city")}
	server := newRestartableServer(t, url)
	base := "http://" + server.addr
	var res struct {
		User   string   `json:"user"`
		Shades []string `json:"shades"`
		Stats  struct {
			Incidents map[string]float64      `json:"incidents"`
			Grids     float64                 `json:"grids"`
			Streets   []struct{ Name string } `json:"by_street"`
		} `json:"stats"`
		KPIs      map[string]string `json:"kpis"`
		Base      map[string]string `json:"base"`
		Streets   string            `json:"streets"`
		Title     string            `json:"title"`
		Clock     string            `json:"clock"`
		Rendered  map[string]int    `json:"rendered"`
		TickerIDs []string          `json:"tickerIDs"`
		Posted    struct {
			ID        int64 `json:"id"`
			LatencyMS int   `json:"latencyMS"`
			Today     struct{ Before, After string }
			Tick      string `json:"tick"`
			LiveCount string `json:"liveCount"`
			Flashes   int    `json:"flashes"`
		} `json:"posted"`
		Restart struct {
			Down, Back  string
			TickerAfter []string `json:"tickerAfter"`
			Flashes     int
		} `json:"restart"`
		EN    struct{ Title, KPIs, Ticker string } `json:"en"`
		Small struct{ Overflow bool }              `json:"small"`
		Demo  struct{ ZH, EN demoBadge }           `json:"demo"`
	}
	run := runBrowserScript(t, "wall.mjs", base, env, &res, server.control)
	labels := apiLabels(t, base)

	if res.User != "福清市指挥中心 · 指挥中心 · 全市" {
		t.Errorf("the wall's header says %q is signed in, want 福清市指挥中心 · 指挥中心 · 全市", res.User)
	}
	if !slices.Equal(res.Shades, []string{"rate", "open"}) {
		t.Errorf("the command centre may shade the grids by %v, want rate and open", res.Shades)
	}

	if !strings.Contains(res.Title, "福清市") || !strings.Contains(res.Title, "指挥大屏") {
		t.Errorf("the wall's title reads %q", res.Title)
	}
	if !strings.Contains(res.Clock, ":") {
		t.Errorf("no clock: %q", res.Clock)
	}
	inc := res.Stats.Incidents
	for key, want := range map[string]string{
		"today": fmt.Sprint(inc["today"]), "week": fmt.Sprint(inc["week"]), "open": fmt.Sprint(inc["open"]),
		"overdue": fmt.Sprint(inc["overdue"]), "resolved_today": fmt.Sprint(inc["resolved_today"]),
	} {
		if res.KPIs[key] != want {
			t.Errorf("the wall shows %s = %q, /api/v1/stats says %s (all: %v; stats %v)", key, res.KPIs[key], want, res.KPIs, inc)
		}
	}
	if !strings.HasSuffix(res.KPIs["on_time_rate_30d"], "%") {
		t.Errorf("on-time rate shows %q", res.KPIs["on_time_rate_30d"])
	}
	if res.Base["grids"] != "2" || res.Base["streets"] != "1" || res.Base["households"] != "600" {
		t.Errorf("base figures %v, want 1 street, 2 grids, 600 households", res.Base)
	}
	if !strings.Contains(res.Streets, "龙山街道") {
		t.Errorf("the streets panel does not list 龙山街道: %q", res.Streets)
	}
	for _, layer := range []string{"grids-fill", "streets-line", "streets-label"} {
		if res.Rendered[layer] == 0 {
			t.Errorf("layer %s drew nothing: %v", layer, res.Rendered)
		}
	}
	if len(res.TickerIDs) != 3 {
		t.Errorf("the ticker starts with incidents %v, want the mini dataset's 3", res.TickerIDs)
	}
	p := res.Posted
	if p.ID == 0 || !strings.Contains(p.Tick, labels.zh(t, "categories", "safety_hazard")) || !strings.Contains(p.Tick, labels.zh(t, "channels", "grid_patrol")) ||
		!strings.Contains(p.Tick, labels.zh(t, "statuses", "assigned")) || !strings.Contains(p.Tick, "融东社区第1网格") {
		t.Errorf("the reported incident %d shows in the ticker as %q", p.ID, p.Tick)
	}
	if p.Today.Before == "" || p.Today.After == "" || p.Today.Before == p.Today.After {
		t.Errorf("today's figure went from %q to %q after a new incident", p.Today.Before, p.Today.After)
	}
	if !strings.Contains(p.LiveCount, "1") {
		t.Errorf("the ticker's count of new incidents reads %q", p.LiveCount)
	}
	if p.Flashes == 0 {
		t.Error("the new incident did not flash on the map")
	}
	t.Logf("a reported incident reached the wall's ticker in %d ms", p.LatencyMS)
	if !strings.Contains(res.Restart.Down, "正在重连") || !strings.Contains(res.Restart.Back, "实时") {
		t.Errorf("with the server down the connection showed %q, once back %q; want 正在重连, then 实时", res.Restart.Down, res.Restart.Back)
	}
	if len(res.Restart.TickerAfter) != 5 || res.Restart.TickerAfter[1] != fmt.Sprint(p.ID) {
		t.Errorf("after the restart the ticker lists %v, want the new incident before %d and the 3 before it", res.Restart.TickerAfter, p.ID)
	}
	if res.Restart.Flashes != 2 {
		t.Errorf("%d incidents flash on the map after the restart, want 2", res.Restart.Flashes)
	}
	t.Logf("the wall showed reconnecting %d ms after the server stopped, and live %d ms after it started again (%d requests failed meanwhile, as expected)",
		run.Timings["shown-reconnecting"]-run.Timings["server-stopped"], run.Timings["shown-live"]-run.Timings["server-started"], run.ExpectedFailures)
	if !strings.Contains(res.EN.Title, "command wall") || !strings.Contains(res.EN.KPIs, "Overdue") || !strings.Contains(res.EN.Ticker, labels.en(t, "categories", "safety_hazard")) {
		t.Errorf("after switching to English: title %q, figures %q, ticker %q", res.EN.Title, res.EN.KPIs, res.EN.Ticker)
	}
	checkDemoBadge(t, "the wall", res.Demo.ZH, res.Demo.EN)
	if res.Small.Overflow {
		t.Error("at 1366×768 the page overflows the screen")
	}
}

// TestBrowserCoveragePage loads the coverage page (coverage.html) for 龙山街道 of the mini
// dataset, signed in as the leader of its community 融东社区 through the sign-in page the
// public is sent to, and checks the grids' gaps, that a table row and a grid on the map select each other,
// the tiling check, the walking distance, the CSV export and the language switch. Grid
// 350181003003001 is renamed to a spreadsheet formula, which the page must show as its name and
// the CSV must neutralise.
func TestBrowserCoveragePage(t *testing.T) {
	const formula = `=HYPERLINK("x")`
	url := miniDatabase(t, datasettest.Edit{File: "grids.geojson", Old: `"name":"融东社区第1网格"`, New: `"name":"=HYPERLINK(\"x\")"`})
	const password = "rongdong's long password"
	newAccount(t, url, "rongdong", "community", "350181003003", "陈主任", password)
	base := "http://" + startApp(t, url, nil).Addr()
	type row struct {
		Code  string   `json:"code"`
		Gaps  []string `json:"gaps"`
		Cells []string `json:"cells"`
	}
	var res struct {
		SignIn   struct{ URL, Back, User string } `json:"signIn"`
		Ready    map[string]any                   `json:"ready"`
		Rows     []row                            `json:"rows"`
		Cards    map[string]string                `json:"cards"`
		Tiling   struct{ Problems, Text string }
		Hotspots string `json:"hotspots"`
		Row      struct {
			Selected []string `json:"selected"`
			Aria     string   `json:"aria"`
		} `json:"row"`
		MapClick   struct{ Aria string } `json:"mapClick"`
		Focus      struct{ Rows int }    `json:"focus"`
		Sorted     []string              `json:"sorted"`
		Walk       struct{ URL, Legend string }
		CSV        struct{ Name, Text string }         `json:"csv"`
		Names      []string                            `json:"names"`
		EN         struct{ Head, Gaps, Tiling string } `json:"en"`
		Rendered   map[string]int                      `json:"rendered"`
		CardLabels [][2]string                         `json:"cardLabels"`
		Demo       struct{ ZH, EN demoBadge }          `json:"demo"`
		Simulating struct{ ZH, EN demoBadge }          `json:"simulating"`
	}
	runBrowserScript(t, "coverage.mjs", base, map[string]string{"GRIDMAP_LOGIN": "rongdong", "GRIDMAP_PASSWORD": password}, &res, nil)
	labels := apiLabels(t, base)

	if want := base + "/login.html?next=" + neturl.QueryEscape("/coverage.html?street=350181003"); res.SignIn.URL != want {
		t.Errorf("the public asking for the coverage page was sent to %s, want %s", res.SignIn.URL, want)
	}
	if !strings.HasPrefix(res.SignIn.Back, base+"/coverage.html?street=350181003") {
		t.Errorf("signed in, the page went on to %s, want back to the coverage page of 350181003", res.SignIn.Back)
	}
	if res.SignIn.User != "陈主任 · 社区负责人 · 融东社区" {
		t.Errorf("the header says %q is signed in, want 陈主任 · 社区负责人 · 融东社区", res.SignIn.User)
	}

	gaps := map[string][]string{}
	for _, r := range res.Rows {
		gaps[r.Code] = r.Gaps
	}
	if len(res.Rows) != 2 {
		t.Fatalf("the table lists %d grids, want 2: %+v", len(res.Rows), res.Rows)
	}
	has := func(code, gap string) bool {
		for _, g := range gaps[code] {
			if g == gap {
				return true
			}
		}
		return false
	}
	if !has("350181003003002", "no_grid_worker") || !has("350181003003002", "no_party_member") {
		t.Errorf("grid 350181003003002 has no grid worker and no party member; the table says %v", gaps["350181003003002"])
	}
	if has("350181003003001", "no_grid_worker") || has("350181003003001", "no_party_member") {
		t.Errorf("grid 350181003003001 has a grid worker and a party member; the table says %v", gaps["350181003003001"])
	}
	if res.Cards["no_grid_worker"] != "1" || res.Cards["no_party_member"] != "1" {
		t.Errorf("gap cards %v, want one grid without a worker and one without a party member", res.Cards)
	}
	if res.Rendered["grids-fill"] == 0 || res.Rendered["red-positions-circle"] == 0 {
		t.Errorf("the map drew %v", res.Rendered)
	}
	if res.Tiling.Problems != "0" || !strings.Contains(res.Tiling.Text, "未发现重叠或缝隙") {
		t.Errorf("the tiling check reads %q (%s problems), want a clear no-problem message", res.Tiling.Text, res.Tiling.Problems)
	}
	if !strings.Contains(res.Hotspots, "融东社区第") {
		t.Errorf("hotspots: %q", res.Hotspots)
	}
	if len(res.Row.Selected) == 0 || res.Row.Selected[0] != "350181003003002" || res.Row.Aria != "true" {
		t.Errorf("clicking the row of 350181003003002 highlighted %v on the map (row aria-selected %q)", res.Row.Selected, res.Row.Aria)
	}
	if res.MapClick.Aria != "true" {
		t.Error("clicking grid 350181003003001 on the map did not select its row")
	}
	if res.Focus.Rows != 1 {
		t.Errorf("showing only grids without a grid worker lists %d rows, want 1", res.Focus.Rows)
	}
	if len(res.Sorted) != 2 || res.Sorted[0] != "350181003003001" {
		t.Errorf("sorted by households, largest first: %v, want 350181003003001 (320) first", res.Sorted)
	}
	if !strings.Contains(res.Walk.URL, "walk=800") || !strings.Contains(res.Walk.Legend, "800") {
		t.Errorf("after choosing 800 m: URL %q, legend %q", res.Walk.URL, res.Walk.Legend)
	}
	if !strings.HasSuffix(res.CSV.Name, ".csv") || !strings.HasPrefix(res.CSV.Text, "\ufeff") {
		t.Errorf("CSV %q does not start with a byte order mark:\n%q", res.CSV.Name, res.CSV.Text)
	}
	for _, want := range []string{"网格编码", "户数", "350181003003001", "350181003003002", "融东社区第2网格", "无网格员", "无网格党员"} {
		if !strings.Contains(res.CSV.Text, want) {
			t.Errorf("the CSV lacks %q:\n%s", want, res.CSV.Text)
		}
	}
	if lines := strings.Count(strings.TrimSpace(res.CSV.Text), "\n"); lines != 2 {
		t.Errorf("the CSV has %d lines after the header, want 2:\n%s", lines, res.CSV.Text)
	}
	// The renamed grid's line: its name neutralised (a leading single quote, in quotes, the
	// quotes inside doubled), the figures still bare numbers. 320 households, as in the table.
	wantLine := `350181003003001,"'=HYPERLINK(""x"")",融东社区,龙山街道,320,`
	if !strings.Contains(res.CSV.Text, "\r\n"+wantLine) {
		t.Errorf("the CSV has no line starting %s:\n%s", wantLine, res.CSV.Text)
	}
	for _, cell := range strings.Split(res.CSV.Text, ",") {
		if strings.HasPrefix(strings.TrimLeft(cell, "\r\n\"\ufeff"), "=") {
			t.Errorf("a CSV cell starts a formula: %q", cell)
		}
	}
	if !slices.Contains(res.Names, formula) {
		t.Errorf("the table shows the grids as %q, want one named %s as it is", res.Names, formula)
	}
	// The gap cards name each gap as the API does, the walking distance added where it counts.
	for i, p := range res.CardLabels {
		res.CardLabels[i][1] = strings.TrimSuffix(p[1], "（500 米）")
	}
	labels.check(t, "the gap cards", "zh", "gap_kinds", res.CardLabels, true)
	for _, want := range []string{labels.zh(t, "gap_kinds", "no_grid_worker"), labels.zh(t, "gap_kinds", "no_party_member")} {
		if !strings.Contains(res.CSV.Text, want) {
			t.Errorf("the CSV does not name the gap %q as the API does:\n%s", want, res.CSV.Text)
		}
	}
	checkDemoBadge(t, "the coverage page", res.Demo.ZH, res.Demo.EN)
	if s := res.Simulating; !s.ZH.Visible || !strings.Contains(s.ZH.Title, "模拟城市") || !s.EN.Visible || !strings.Contains(s.EN.Title, "simulated city") {
		t.Errorf("with the server simulating a city the badge reads %+v (zh) and %+v (en); want its tooltip to say so", s.ZH, s.EN)
	}
	if !strings.Contains(res.EN.Head, "Households") || !strings.Contains(res.EN.Gaps, "no worker") || !strings.Contains(res.EN.Tiling, "no overlaps or gaps") {
		t.Errorf("after switching to English: head %q, gaps %q, tiling %q", res.EN.Head, res.EN.Gaps, res.EN.Tiling)
	}
}

// TestBrowserSignIn signs in and out through the pages on a server holding two streets, 龙山街道
// (350181003) and 玉屏街道 (350181002): the sign-in page in English; the coverage page sending the
// public to it; a wrong password and a lockout, each with its message; then the street leader of
// 龙山街道, whom every page's header names with their role and scope, back on the coverage
// page, which offers only their street and lists only its grids and never asks the server of the
// other street; and signing out, after which the header offers to sign in and 网格覆盖 leads to
// the sign-in page.
func TestBrowserSignIn(t *testing.T) {
	url := twoStreets(t)
	const password = "longshan's long password"
	newAccount(t, url, "longshan", "street", "350181003", "王主任", password)
	newAccount(t, url, "yuping", "street", "350181002", "林主任", "yuping's long password")
	newAccount(t, url, "helper", "volunteer", "350181003003002", "郑志愿", "the helper's long password")
	base := "http://" + startApp(t, url, nil).Addr()
	type failure struct {
		Status     int
		Kind, Text string
	}
	type link struct {
		Page, Text, Href string
		Locked           bool
	}
	type header struct {
		Text, SignedIn   string
		Height           int
		Inside, Overflow bool
	}
	var res struct {
		EN struct {
			Title, Lang, Heading, Submit string
			Labels                       []string
			Wrong                        failure
		} `json:"en"`
		Public struct {
			Nav    []link `json:"nav"`
			Header header `json:"header"`
		} `json:"public"`
		Redirect string                         `json:"redirect"`
		ZH       struct{ Heading, Lang string } `json:"zh"`
		Wrong    struct {
			failure
			URL, Password string
		} `json:"wrong"`
		Lockout  []failure `json:"lockout"`
		LockedEN string    `json:"lockedEN"`
		Back     string    `json:"back"`
		Coverage struct {
			User, UserEN string
			Header       header
			Nav          []link
			Streets      [][2]string
			Communities  []string
			Rows, Grids  []string
		} `json:"coverage"`
		City, Wall struct {
			User          string
			Header, Small header
		}
		SignedOut struct {
			User   string
			Header header
			Nav    []link
			Me     struct {
				SignedIn bool              `json:"signed_in"`
				Actions  map[string]string `json:"actions"`
			}
			Coverage string
		} `json:"signedOut"`
		Asked     []string `json:"asked"`
		Volunteer struct {
			User, Status, URL string
			Nav               []link
			Ready             struct{ Denied bool }
		} `json:"volunteer"`
	}
	runBrowserScript(t, "signin.mjs", base, map[string]string{
		"GRIDMAP_LOGIN": "longshan", "GRIDMAP_PASSWORD": password, "GRIDMAP_LOCKED_LOGIN": "yuping",
		"GRIDMAP_VOLUNTEER_LOGIN": "helper", "GRIDMAP_VOLUNTEER_PASSWORD": "the helper's long password"}, &res, nil)

	// The sign-in page in English.
	if res.EN.Lang != "en" || res.EN.Heading != "Staff sign-in" || res.EN.Submit != "Sign in" || !strings.HasPrefix(res.EN.Title, "Sign in") ||
		!slices.Equal(res.EN.Labels, []string{"Login", "Password"}) {
		t.Errorf("the sign-in page in English: %+v", res.EN)
	}
	if res.EN.Wrong.Status != 401 || res.EN.Wrong.Text != "Wrong login or password. Please try again." {
		t.Errorf("a wrong password in English: %+v", res.EN.Wrong)
	}
	// The public: a sign-in link, and 网格覆盖 leads to the sign-in page.
	coverageLink := func(nav []link) *link {
		for i := range nav {
			if nav[i].Page == "coverage" {
				return &nav[i]
			}
		}
		return nil
	}
	for _, v := range []struct {
		who    string
		nav    []link
		header header
	}{{"the public", res.Public.Nav, res.Public.Header}, {"once signed out", res.SignedOut.Nav, res.SignedOut.Header}} {
		if l := coverageLink(v.nav); l != nil && (!l.Locked || !strings.HasPrefix(l.Href, "/login.html?next=")) {
			t.Errorf("for %s the navigation's 网格覆盖 leads to %q (locked %v), want the sign-in page or no link", v.who, l.Href, l.Locked)
		}
		if v.header.SignedIn != "false" || v.header.Text != "登录" {
			t.Errorf("for %s the header's user box reads %+v, want a 登录 link", v.who, v.header)
		}
	}
	if want := base + "/login.html?next=" + neturl.QueryEscape("/coverage.html"); res.Redirect != want || res.ZH.Lang != "zh-CN" || res.ZH.Heading != "工作人员登录" {
		t.Errorf("the public asking for the coverage page was sent to %s (%+v), want %s in Chinese", res.Redirect, res.ZH, want)
	}
	// A wrong password and a lockout.
	if w := res.Wrong; w.Status != 401 || w.Kind != "login.wrong" || w.Text != "登录名或密码错误，请重新输入。" || !strings.Contains(w.URL, "/login.html") || w.Password != "" {
		t.Errorf("a wrong password: %+v; want the message, the page kept and the password cleared", w)
	}
	if n := len(res.Lockout); n == 0 || res.Lockout[n-1].Status != 429 {
		t.Fatalf("failing again and again never locked the login: %+v", res.Lockout)
	}
	for _, f := range res.Lockout[:len(res.Lockout)-1] {
		if f.Status != 401 || f.Kind != "login.wrong" {
			t.Errorf("a failure before the lockout: %+v", f)
		}
	}
	locked := res.Lockout[len(res.Lockout)-1]
	if locked.Kind != "login.locked" || !strings.Contains(locked.Text, "暂时锁定") || !strings.Contains(locked.Text, "15 分钟后再试") {
		t.Errorf("the lockout reads %+v; want it locked and to wait 15 分钟", locked)
	}
	if !strings.Contains(res.LockedEN, "Try again in 15 min") {
		t.Errorf("the lockout in English reads %q", res.LockedEN)
	}
	// Signed in, back on the coverage page: only 龙山街道.
	if !strings.HasPrefix(res.Back, base+"/coverage.html") {
		t.Errorf("signed in, the page went on to %s, want back to the coverage page", res.Back)
	}
	const who = "王主任 · 街道负责人 · 龙山街道"
	for _, p := range []struct{ page, user string }{{"the coverage page", res.Coverage.User}, {"the city map", res.City.User}, {"the wall", res.Wall.User}} {
		if p.user != who {
			t.Errorf("%s's header says %q is signed in, want %s", p.page, p.user, who)
		}
	}
	if res.Coverage.UserEN != "王主任 · street leader · 龙山街道" {
		t.Errorf("in English the header says %q", res.Coverage.UserEN)
	}
	for _, h := range []struct {
		where string
		h     header
	}{{"coverage 1366×768", res.Coverage.Header}, {"city 1920×1080", res.City.Header}, {"city 1366×768", res.City.Small},
		{"wall 1920×1080", res.Wall.Header}, {"wall 1366×768", res.Wall.Small}} {
		if !h.h.Inside || h.h.Overflow || h.h.SignedIn != "true" {
			t.Errorf("%s: the header's user box %+v does not fit on the screen", h.where, h.h)
		}
	}
	if !slices.Equal(res.Coverage.Streets, [][2]string{{"350181003", "龙山街道"}}) {
		t.Errorf("the street chooser offers %v, want only 龙山街道", res.Coverage.Streets)
	}
	if len(res.Coverage.Rows) == 0 || len(res.Coverage.Rows) != len(res.Coverage.Grids) {
		t.Errorf("the coverage table lists %v of the grids %v", res.Coverage.Rows, res.Coverage.Grids)
	}
	for _, code := range append(append([]string{}, res.Coverage.Rows...), res.Coverage.Communities...) {
		if code != "" && !strings.HasPrefix(code, "350181003") {
			t.Errorf("the coverage page offers or lists %s, outside 龙山街道", code)
		}
	}
	if l := coverageLink(res.Coverage.Nav); l == nil || l.Locked {
		t.Errorf("signed in as a street leader, the navigation offers 网格覆盖 as %+v", l)
	}
	if len(res.Asked) == 0 {
		t.Error("the coverage page asked the server nothing")
	}
	for _, a := range res.Asked {
		if strings.Contains(a, "350181002") {
			t.Errorf("the coverage page asked the server %s, of the other street", a)
		}
	}
	// Signed out: the public again.
	if res.SignedOut.User != "" || res.SignedOut.Me.SignedIn || len(res.SignedOut.Me.Actions) != 1 {
		t.Errorf("after signing out the header names %q and the server says %+v", res.SignedOut.User, res.SignedOut.Me)
	}
	if !strings.HasPrefix(res.SignedOut.Coverage, base+"/login.html?next=") {
		t.Errorf("signed out, the coverage page went to %s, want the sign-in page", res.SignedOut.Coverage)
	}
	// A volunteer: no coverage offered, and the page asked for says why.
	v := res.Volunteer
	if v.User != "郑志愿 · 志愿者 · 融东社区第2网格" {
		t.Errorf("the volunteer's header says %q", v.User)
	}
	if l := coverageLink(v.Nav); l != nil {
		t.Errorf("the navigation offers a volunteer 网格覆盖: %+v", l)
	}
	if !v.Ready.Denied || !strings.Contains(v.Status, "无权查看网格覆盖") || !strings.HasSuffix(v.URL, "/coverage.html") {
		t.Errorf("a volunteer on the coverage page (%s) sees %q (denied %v), want it told the role may not", v.URL, v.Status, v.Ready.Denied)
	}
}

// TestBrowserPortal embeds the wall in a page of another origin, as a command-centre portal
// would, with GRIDMAP_FRAME_ANCESTORS and GRIDMAP_CORS_ORIGINS naming that origin: the wall
// loads and draws inside the frame without a console error (as the public's), and the portal's
// script reads the API and reports an incident across origins with an API token, seeing the
// headers CORS exposes: Authorization must be an allowed header, and a report without it is
// refused with an answer the portal can read.
func TestBrowserPortal(t *testing.T) {
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="zh-CN"><title>指挥中心门户</title>
<body style="margin:0;background:#0b1220"><iframe id="wall" src="%s" width="1600" height="1000" style="border:0"></iframe></body></html>`,
			html.EscapeString(r.URL.Query().Get("wall")))
	}))
	t.Cleanup(portal.Close)
	url := miniDatabase(t)
	env := map[string]string{"GRIDMAP_PORTAL_URL": portal.URL, "GRIDMAP_TOKEN": newToken(t, url, "portal", "integration", "city")}
	app := startApp(t, url, map[string]string{
		"GRIDMAP_FRAME_ANCESTORS": "'self' " + portal.URL,
		"GRIDMAP_CORS_ORIGINS":    portal.URL,
	})
	var res struct {
		Origin string `json:"origin"`
		Wall   struct {
			Title string `json:"title"`
			Grids int    `json:"grids"`
		} `json:"wall"`
		API struct {
			Stats, Created, Retried, Read, Anonymous int
			Today                                    *int   `json:"today"`
			Location                                 string `json:"location"`
			RequestID                                string `json:"requestID"`
			Replayed                                 string `json:"replayed"`
		} `json:"api"`
	}
	runBrowserScript(t, "portal.mjs", "http://"+app.Addr(), env, &res, nil)
	if res.Origin != portal.URL {
		t.Errorf("the portal page ran at %s, want %s", res.Origin, portal.URL)
	}
	if !strings.Contains(res.Wall.Title, "指挥大屏") || res.Wall.Grids == 0 {
		t.Errorf("the wall in the portal's frame shows the title %q and draws %d grid features", res.Wall.Title, res.Wall.Grids)
	}
	a := res.API
	if a.Stats != 200 || a.Today == nil {
		t.Errorf("the portal read /api/v1/stats: status %d, today %v", a.Stats, a.Today)
	}
	if a.Created != 201 || !strings.HasPrefix(a.Location, "/api/v1/incidents/") || a.RequestID == "" {
		t.Errorf("the portal's report: status %d, Location %q, X-Request-ID %q (both must be readable)", a.Created, a.Location, a.RequestID)
	}
	if a.Retried != 200 || a.Replayed != "true" {
		t.Errorf("the portal's retry: status %d, Idempotent-Replayed %q", a.Retried, a.Replayed)
	}
	if a.Read != 200 {
		t.Errorf("the portal read its report back with its token: status %d, want 200", a.Read)
	}
	if a.Anonymous != 401 {
		t.Errorf("the portal's report without a token: status %d, want 401 (readable across origins)", a.Anonymous)
	}
}

// TestBrowserBundledPages tours the three pages on the bundled Fuqing dataset, as a person
// would look at them: no errors, features drawn, and screenshots at the sizes they are made
// for (the wall at 1920×1080 and 3840×2160); the coverage page signed in as the demo's command
// centre, made by gridmap user demo as make run does.
func TestBrowserBundledPages(t *testing.T) {
	url := testdb.New(t)
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", geodataDir()); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	if code, _, stderr := gridmapCmd(t, url, "user", "demo"); code != 0 {
		t.Fatalf("user demo: exit %d: %s", code, stderr)
	}
	base := "http://" + startApp(t, url, nil).Addr()
	var res struct {
		City     map[string]int `json:"city"`
		Wall     map[string]int `json:"wall"`
		Wall4K   map[string]int `json:"wall4k"`
		Coverage struct {
			Rows     int            `json:"rows"`
			Rendered map[string]int `json:"rendered"`
			User     string         `json:"user"`
		} `json:"coverage"`
		CityLabels map[string]int `json:"cityLabels"`
	}
	runBrowserScript(t, "tour.mjs", base, map[string]string{"GRIDMAP_LOGIN": "command", "GRIDMAP_PASSWORD": DemoPassword}, &res, nil)
	if res.City["grids-fill"] < 100 || res.City["incidents-cluster"] == 0 {
		t.Errorf("the city map drew %v", res.City)
	}
	if res.CityLabels["grids-label"] == 0 {
		t.Errorf("no grid labels at zoom 16: %v", res.CityLabels)
	}
	if res.Wall["grids-fill"] < 100 || res.Wall["incidents-heat"] == 0 {
		t.Errorf("the wall drew %v", res.Wall)
	}
	if res.Coverage.Rows < 50 || res.Coverage.Rendered["grids-fill"] == 0 {
		t.Errorf("the coverage page lists %d grids and drew %v", res.Coverage.Rows, res.Coverage.Rendered)
	}
	if !strings.Contains(res.Coverage.User, "指挥中心 · 全市") {
		t.Errorf("the coverage page's header says %q is signed in, want the command centre, city-wide", res.Coverage.User)
	}
}

// TestCSVCells runs the coverage export's cell writer (static/js/csv.js) under Node on the
// cells a spreadsheet could take for formulas (OWASP's =, +, -, @, tab, carriage return), and
// on those that must stay as they are: numbers, negative ones included, and text that is only
// a plain negative number.
func TestCSVCells(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH; run .ci/test-tools-up (as root)")
	}
	module, err := filepath.Abs("../../static/js/csv.js")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   any // as JSON gives it to the page: string, number or nil
		want string
	}{
		{"plain text", "融东社区第1网格", "融东社区第1网格"},
		{"a code", "350181003003001", "350181003003001"},
		{"formula", `=HYPERLINK("http://x","y")`, `"'=HYPERLINK(""http://x"",""y"")"`},
		{"plus", "+1+cmd|' /C calc'!A0", `"'+1+cmd|' /C calc'!A0"`},
		{"minus formula", "-1+1", `"'-1+1"`},
		{"minus and a command", "-2+3+cmd|' /C calc'!A0", `"'-2+3+cmd|' /C calc'!A0"`},
		{"lone minus", "-", `"'-"`},
		{"exponent", "-1e3", `"'-1e3"`},
		{"at", "@SUM(1+1)*cmd|' /C calc'!A0", `"'@SUM(1+1)*cmd|' /C calc'!A0"`},
		{"tab", "\t=1+1", "\"'\t=1+1\""},
		{"carriage return", "\r=1+1", "\"'\r=1+1\""},
		{"negative number", -1, "-1"},
		{"negative decimal", -0.5, "-0.5"},
		{"number", 320, "320"},
		{"zero", 0, "0"},
		{"negative number as text", "-1", "-1"},
		{"negative decimal as text", "-12.5", "-12.5"},
		{"nothing", nil, ""},
		{"empty text", "", ""},
		{"comma", "a,b", `"a,b"`},
		{"semicolon, a separator in some locales", "a;=1+1", `"a;=1+1"`},
		{"quotes", `say "hi"`, `"say ""hi"""`},
		{"line break", "a\n=1+1", "\"a\n=1+1\""},
		{"at inside", "a@b.cn", "a@b.cn"},
		{"equals inside", "1=1", "1=1"},
	}
	ins := make([]any, len(tests))
	for i, tt := range tests {
		ins[i] = tt.in
	}
	input, err := json.Marshal(ins)
	if err != nil {
		t.Fatal(err)
	}
	script := `import {csvCell, csvRow} from ` + strconv.Quote("file://"+filepath.ToSlash(module)) + `;
let s = ''; for await (const b of process.stdin) s += b;
const ins = JSON.parse(s);
process.stdout.write(JSON.stringify({cells: ins.map(csvCell), row: csvRow(ins)}));`
	cmd := exec.Command(node, "--input-type=module", "-e", script)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got struct {
		Cells []string `json:"cells"`
		Row   string   `json:"row"`
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got.Cells) != len(tests) {
		t.Fatalf("node printed %s (%v)", out, err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got.Cells[i] != tt.want {
				t.Errorf("csvCell(%#v) = %#q, want %#q", tt.in, got.Cells[i], tt.want)
			}
		})
	}
	if want := strings.Join(got.Cells, ","); got.Row != want {
		t.Errorf("csvRow joins the cells as %q, want %q", got.Row, want)
	}
}

// TestSafeNext runs the sign-in page's choice of where to go once signed in (static/js/next.js)
// under Node on what a link may put in ?next=: paths of the site are kept, anything that would
// leave it — another site's address, a scheme-relative //host, a backslash, a tab the URL parser
// drops, a javascript: URL — or leave the site's root, or loop back to the sign-in page, gives
// the site's root.
func TestSafeNext(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH; run .ci/test-tools-up (as root)")
	}
	module, err := filepath.Abs("../../static/js/next.js")
	if err != nil {
		t.Fatal(err)
	}
	const origin = "http://gridmap.example:8080"
	tests := []struct {
		name, next, root, want string
	}{
		{"a page", "/coverage.html?street=350181003", "/", origin + "/coverage.html?street=350181003"},
		{"the city map", "/", "/", origin + "/"},
		{"with a fragment", "/#12/25.73/119.38", "/", origin + "/#12/25.73/119.38"},
		{"nothing", "", "/", origin + "/"},
		{"another site", "https://evil.example/login.html", "/", origin + "/"},
		{"scheme-relative", "//evil.example/", "/", origin + "/"},
		{"backslash", "/\\evil.example/", "/", origin + "/"},
		{"tab", "/\t/evil.example/", "/", origin + "/"},
		{"line break", "/\n/evil.example/", "/", origin + "/"},
		{"javascript", "javascript:alert(1)", "/", origin + "/"},
		{"relative", "coverage.html", "/", origin + "/"},
		{"the sign-in page", "/login.html?next=/login.html", "/", origin + "/"},
		{"encoded slashes stay a path", "/%2F%2Fevil.example", "/", origin + "/%2F%2Fevil.example"},
		{"under a sub-path", "/gridmap/wall.html?lang=en", "/gridmap/", origin + "/gridmap/wall.html?lang=en"},
		{"outside the sub-path", "/other/", "/gridmap/", origin + "/gridmap/"},
		{"the sign-in page under a sub-path", "/gridmap/login.html", "/gridmap/", origin + "/gridmap/"},
	}
	type arg struct{ Next, Root string }
	ins := make([]arg, len(tests))
	for i, tt := range tests {
		ins[i] = arg{tt.next, tt.root}
	}
	input, err := json.Marshal(ins)
	if err != nil {
		t.Fatal(err)
	}
	script := `import {safeNext} from ` + strconv.Quote("file://"+filepath.ToSlash(module)) + `;
let s = ''; for await (const b of process.stdin) s += b;
process.stdout.write(JSON.stringify(JSON.parse(s).map((x) => safeNext(x.Next, ` + strconv.Quote(origin) + `, x.Root))));`
	cmd := exec.Command(node, "--input-type=module", "-e", script)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(tests) {
		t.Fatalf("node printed %s (%v)", out, err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got[i] != tt.want {
				t.Errorf("safeNext(%q, root %s) = %q, want %q", ins[i].Next, tt.root, got[i], tt.want)
			}
		})
	}
}

// TestBrowserYearAhead runs the server a year ahead of the machine's clock (GRIDMAP_CLOCK), as
// a demo may, with the mini dataset's incidents in the days before that clock and its divisions
// marked real. The browser keeps the machine's clock; the wall must still show the server's
// date and time, count and list the server's today, draw the server's last 7 days as heat and
// label the 24-hour chart by the server's hours, the city map's period must count back from the
// server's today, and, the data being real, neither page shows the demo badge.
func TestBrowserYearAhead(t *testing.T) {
	const ahead = 8760 * time.Hour
	start := time.Now()
	times := miniTimes(start.Add(ahead))
	times[0] = start.Add(ahead - 2*time.Minute) // mini-1: today on the server's clock (yesterday in its first minutes)
	times[2] = times[2].AddDate(0, 0, -4)       // mini-3: five days back, still in the heat's week
	var real []datasettest.Edit
	for _, file := range []string{"streets", "communities", "grids", "grids", "red_positions", "stations"} {
		real = append(real, datasettest.Edit{File: file + ".geojson", Old: `"synthetic":true`, New: `"synthetic":false`})
	}
	app := startApp(t, miniDatabaseAt(t, ahead, times, real...), clockEnv(ahead))
	var res struct {
		SiteBefore, SiteAfter struct {
			Now  time.Time `json:"now"`
			Demo bool      `json:"demo"`
		}
		BrowserNow time.Time `json:"browserNow"`
		Clock      struct{ Date, DateText, Time, TimeText string }
		Stats      struct {
			At        time.Time      `json:"at"`
			Incidents map[string]int `json:"incidents"`
		} `json:"stats"`
		KPIs   map[string]string `json:"kpis"`
		Ticker []struct{ ID, At, Text string }
		Hourly string `json:"hourly"`
		Heat   struct {
			Rendered int    `json:"rendered"`
			TileURL  string `json:"tileURL"`
		} `json:"heat"`
		Demo demoBadge `json:"demo"`
		City struct {
			TileURL string    `json:"tileURL"`
			Demo    demoBadge `json:"demo"`
		} `json:"city"`
	}
	runBrowserScript(t, "yearahead.mjs", "http://"+app.Addr(), nil, &res, nil)

	day := func(at time.Time) string { return at.In(gridmap.ChinaTime).Format("2006-01-02") }
	if d := res.SiteBefore.Now.Sub(start.Add(ahead)); d < -time.Minute || d > time.Minute || res.SiteBefore.Demo {
		t.Fatalf("GET /api/v1/site says now %v (demo %v); want a year ahead of %v, not a demo", res.SiteBefore.Now, res.SiteBefore.Demo, start)
	}
	if d := res.BrowserNow.Sub(res.SiteBefore.Now); d > -ahead+time.Hour {
		t.Fatalf("the browser's clock reads %v, the server's %v: the test runs the server ahead of the browser", res.BrowserNow, res.SiteBefore.Now)
	}
	// Every check below is against the server's day; the run may cross midnight, so a page
	// passes with either day the server's clock read while it ran.
	serverDays := slices.Compact([]string{day(res.SiteBefore.Now), day(res.SiteAfter.Now)})
	onServerDay := func(ok func(today string) bool) bool { return slices.ContainsFunc(serverDays, ok) }

	// The wall's clock: the server's day and time.
	if !onServerDay(func(today string) bool {
		return res.Clock.Date == today && strings.Contains(res.Clock.DateText, strings.ReplaceAll(today, "-", "/"))
	}) {
		t.Errorf("the wall's clock shows the day %q (%q); the server's clock reads %v", res.Clock.Date, res.Clock.DateText, res.SiteBefore.Now)
	}
	if at, err := time.Parse(time.RFC3339, res.Clock.Time); err != nil || at.Before(res.SiteBefore.Now.Add(-time.Minute)) || at.After(res.SiteAfter.Now.Add(time.Minute)) {
		t.Errorf("the wall's clock shows %q (%q, %v); the server's clock read %v to %v", res.Clock.Time, res.Clock.TimeText, err, res.SiteBefore.Now, res.SiteAfter.Now)
	}
	// Today's figure counts the incidents of the server's day, as the server does.
	if !onServerDay(func(today string) bool {
		want := 0
		for _, at := range times {
			if day(at) == today {
				want++
			}
		}
		return res.KPIs["today"] == strconv.Itoa(want) && res.Stats.Incidents["today"] == want
	}) {
		t.Errorf("on %v the wall shows %q incidents today, /api/v1/stats %d; the dataset's incidents were reported %v", serverDays, res.KPIs["today"], res.Stats.Incidents["today"], times)
	}
	// The ticker gives the incidents of the server's day their time only, the others their day too.
	if len(res.Ticker) != 3 {
		t.Errorf("the ticker lists %d incidents, want the mini dataset's 3: %+v", len(res.Ticker), res.Ticker)
	}
	if !onServerDay(func(today string) bool {
		for _, e := range res.Ticker {
			at, err := time.Parse(time.RFC3339, e.At)
			if err != nil || strings.Contains(e.Text, "/") == (day(at) == today) {
				return false
			}
		}
		return true
	}) {
		t.Errorf("on the server's day %v the ticker shows the times %+v", serverDays, res.Ticker)
	}
	// The 24-hour chart ends at the server's hour.
	if want := fmt.Sprintf("%d时", res.Stats.At.In(gridmap.ChinaTime).Hour()); res.Hourly != want {
		t.Errorf("the 24-hour chart ends at %q, want %q (the server's figures are of %v)", res.Hourly, want, res.Stats.At)
	}
	// The heat shows the server's last 7 days; the city map's period is the server's 30 days.
	since := func(tiles string) string {
		u, err := neturl.Parse(strings.NewReplacer("{", "", "}", "").Replace(tiles))
		if err != nil {
			t.Errorf("tile URL %q: %v", tiles, err)
			return ""
		}
		return u.Query().Get("since")
	}
	midnight := func(today string, back int) string {
		d, _ := time.ParseInLocation("2006-01-02", today, gridmap.ChinaTime)
		return d.AddDate(0, 0, -back).Format(time.RFC3339)
	}
	if got := since(res.Heat.TileURL); res.Heat.Rendered == 0 || !onServerDay(func(today string) bool { return got == midnight(today, 7) }) {
		t.Errorf("the wall's heat draws %d features of incidents since %q, want those since %s", res.Heat.Rendered, got, midnight(serverDays[0], 7))
	}
	if got := since(res.City.TileURL); !onServerDay(func(today string) bool { return got == midnight(today, 30) }) {
		t.Errorf("the city map shows incidents since %q, want since %s (30 days before the server's today)", got, midnight(serverDays[0], 30))
	}
	if res.Demo.Visible || res.City.Demo.Visible {
		t.Errorf("on real data the wall shows the demo badge %+v, the city map %+v", res.Demo, res.City.Demo)
	}
}
