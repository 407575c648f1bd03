package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/testdb"
)

// browserDir holds the Node side of the browser tests: the Playwright scripts, their pinned
// package.json and package-lock.json, and node_modules once .ci/test-tools-up has run npm ci.
const browserDir = "testdata/browser"

// ScreenshotDirEnv names a folder into which the browser tests copy their screenshots, for a
// person to look at; unset, they stay in the test's temporary folder.
const ScreenshotDirEnv = "GRIDMAP_SCREENSHOT_DIR"

// browserResult is what testdata/browser/map.mjs saw; see that script for the meaning.
type browserResult struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	WebGL *struct {
		Version  string `json:"version"`
		Renderer string `json:"renderer"`
	} `json:"webgl"`
	Summary  map[string]float64      `json:"summary"`
	Idle     bool                    `json:"idle"`
	Rendered map[string]int          `json:"rendered"`
	Legend   struct{ ZH, EN string } `json:"legend"`
	Popup    struct {
		ZH, EN, Place string
		Selected      []string `json:"selected"`
	} `json:"popup"`
	Labels          map[string]map[string]any   `json:"labels"`
	Lang            string                      `json:"lang"`
	Scale           string                      `json:"scale"`
	Toggle          struct{ Hidden, Shown int } `json:"toggle"`
	Screenshots     []string                    `json:"screenshots"`
	ConsoleErrors   []string                    `json:"consoleErrors"`
	ConsoleWarnings []string                    `json:"consoleWarnings"`
	PageErrors      []string                    `json:"pageErrors"`
	FailedRequests  []string                    `json:"failedRequests"`
	Requests        int                         `json:"requests"`
	Timings         map[string]int              `json:"timings"`
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

// runBrowserScript runs a script of browserDir against base and decodes the JSON it prints.
func runBrowserScript(t *testing.T, node, chromium, script, base, outDir string) browserResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(browserDir, script), base, outDir)
	cmd.Env = append(os.Environ(), "GRIDMAP_CHROMIUM="+chromium)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var res browserResult
	if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil {
		t.Fatalf("browser test: %s printed no result (%v; run error %v)\nstdout:\n%s\nstderr:\n%s", script, jerr, err, stdout.String(), stderr.String())
	}
	if err != nil {
		t.Errorf("browser test: %s: %v\nstderr:\n%s", script, err, stderr.String())
	}
	return res
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

// TestBrowserMapPage loads the city map page in a real headless Chromium against the real server
// with the mini dataset imported through the real command, and checks what a user would see:
// no errors, every layer drawn, the legend, a grid's popup, the language switch and the labels
// of each zoom band.
func TestBrowserMapPage(t *testing.T) {
	node, chromium := browserTools(t)
	url := testdb.New(t)
	dataset := datasettest.Mini(t, datasettest.Edit{File: "incidents.geojson", New: "<delete>"})
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", dataset); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	a := startApp(t, url, nil)
	base := "http://" + a.Addr()

	start := time.Now()
	res := runBrowserScript(t, node, chromium, "map.mjs", base, t.TempDir())
	t.Logf("browser: %s, %d requests, timings (ms) %v", time.Since(start).Round(time.Millisecond), res.Requests, res.Timings)
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

	for _, e := range res.ConsoleErrors {
		t.Errorf("console error: %s", e)
	}
	for _, e := range res.PageErrors {
		t.Errorf("uncaught exception: %s", e)
	}
	for _, e := range res.FailedRequests {
		t.Errorf("failed request: %s", e)
	}
	if !res.OK {
		t.Fatalf("the page did not get through the script: %s", res.Error)
	}
	if !res.Idle {
		t.Error("the map did not reach idle (loaded, tiles loaded, not moving)")
	}
	if res.Summary["grids"] != 2 || res.Summary["streets"] != 1 || res.Summary["red_positions"] != 1 || res.Summary["stations"] != 1 {
		t.Errorf("the page loaded %v, want the mini dataset's 1 street, 2 grids, 1 red position, 1 station", res.Summary)
	}
	for _, layer := range []string{"grids-fill", "grids-line", "communities-line", "streets-line", "red-positions-circle", "stations-circle", "streets-label"} {
		if res.Rendered[layer] == 0 {
			t.Errorf("layer %s rendered no features at the start view; rendered: %v", layer, res.Rendered)
		}
	}
	if !strings.Contains(res.Legend.ZH, "图例") || !strings.Contains(res.Legend.ZH, "龙山街道") {
		t.Errorf("the legend does not show 图例 and 龙山街道:\n%s", res.Legend.ZH)
	}
	for _, want := range []string{"融东社区第1网格", "350181003003001", "融东社区", "320", "900"} {
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
	if n, _ := res.Labels["community"]["communities"].(float64); n == 0 {
		t.Errorf("no community labels at middle zoom: %v", res.Labels)
	}
	if n, _ := res.Labels["grid"]["grids"].(float64); n == 0 {
		t.Errorf("no grid labels at high zoom: %v", res.Labels)
	}
	if len(res.Screenshots) == 0 {
		t.Error("no screenshot was taken")
	}
}
