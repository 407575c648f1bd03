package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
	"github.com/gridmap/gridmap/internal/tiles"
)

// GDAL from Debian (gdal-bin) is a real client of both services: its MVT driver reads the
// vector tiles and its OAPIF driver reads OGC API Features, as QGIS does through GDAL.

// ogrinfo runs GDAL's ogrinfo with args and returns its output, failing the test when GDAL is
// not installed or the command fails.
func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Fatalf("ogrinfo (GDAL) is not installed: run .ci/test-tools-up, which installs Debian's gdal-bin")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	// Loopback never goes through a proxy, whatever the environment says.
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", "GDAL_HTTP_TIMEOUT=30", "CPL_DEBUG=OFF")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// miniApp imports the mini dataset (with its incidents) into a new database and serves it.
func miniApp(t *testing.T) (*App, string) {
	t.Helper()
	url := testdb.New(t)
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", datasettest.Dir()); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	return startApp(t, url, map[string]string{"GRIDMAP_INDEX_REFRESH": "0"}), url
}

// ogrFeatures splits ogrinfo -al output into features: their attribute lines by name.
func ogrFeatures(out, layer string) []map[string]string {
	var feats []map[string]string
	attr := regexp.MustCompile(`^\s+(\w+) \((\w+)\) = (.*)$`)
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "OGRFeature("+layer+"):") {
			feats = append(feats, map[string]string{})
			continue
		}
		if m := attr.FindStringSubmatch(line); m != nil && len(feats) > 0 {
			feats[len(feats)-1][m[1]] = m[3]
		}
		if g := strings.TrimSpace(line); len(feats) > 0 && (strings.HasPrefix(g, "POLYGON") || strings.HasPrefix(g, "MULTIPOLYGON") || strings.HasPrefix(g, "POINT")) {
			feats[len(feats)-1]["geometry"] = g
		}
	}
	return feats
}

func TestGDALReadsVectorTiles(t *testing.T) {
	a, _ := miniApp(t)
	base := "http://" + a.Addr()
	gridTile := tiles.At(orb.Point{119.38, 25.73}, 13)
	incidentTile := tiles.At(orb.Point{119.385, 25.735}, 17)
	tests := []struct {
		name, path, layer string
		n                 int
		want              map[string]map[string]string // by code or id: attributes
		geometry          string
	}{
		{"grids mvt", fmt.Sprintf("/tiles/grids/%s.mvt", gridTile), "grids", 2, map[string]map[string]string{
			"350181003003001": {"name": "融东社区第1网格", "community": "350181003003", "street": "350181003", "households": "320",
				"grid_workers": "1", "party_members": "1", "households_covered": "12", "red_positions": "1", "stations": "0", "open_incidents": "0"},
			"350181003003002": {"households": "280", "grid_workers": "0", "stations": "1", "open_incidents": "1"},
		}, "POLYGON"},
		{"grids geojson", fmt.Sprintf("/tiles/grids/%s.geojson", gridTile), "grids", 2, map[string]map[string]string{
			"350181003003002": {"name": "融东社区第2网格", "households": "280", "open_incidents": "1"},
		}, "POLYGON"},
		{"incidents mvt", fmt.Sprintf("/tiles/incidents/%s.mvt", incidentTile), "incidents", 1, map[string]map[string]string{
			"": {"category": "elderly_service", "channel": "one_click_order", "status": "accepted", "grid": "350181003003002"},
		}, "POINT"},
		{"red positions mvt", fmt.Sprintf("/tiles/red_positions/%s.mvt", gridTile), "red_positions", 1, map[string]map[string]string{
			"350181003003001-R1": {"name": "融东社区党群服务中心", "kind": "party_mass_centre"},
		}, "POINT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "/vsicurl/" + base + tt.path
			out := ogrinfo(t, "-ro", "-al", "-q", src)
			// The MVT driver names layers as the tile does; the GeoJSON driver after the file.
			layer := tt.layer
			if strings.HasSuffix(tt.path, ".geojson") {
				layer = strings.TrimSuffix(tt.path[strings.LastIndex(tt.path, "/")+1:], ".geojson")
			}
			if !strings.Contains(out, "Layer name: "+layer+"\n") {
				t.Fatalf("GDAL found no layer %s:\n%s", layer, out)
			}
			feats := ogrFeatures(out, layer)
			if len(feats) != tt.n {
				t.Fatalf("GDAL read %d features, want %d:\n%s", len(feats), tt.n, out)
			}
			for key, want := range tt.want {
				var f map[string]string
				for _, g := range feats {
					if key == "" || g["code"] == key {
						f = g
					}
				}
				if f == nil {
					t.Fatalf("GDAL did not find feature %s:\n%s", key, out)
				}
				for k, v := range want {
					if f[k] != v {
						t.Errorf("feature %s: %s = %q, want %q", key, k, f[k], v)
					}
				}
				if !strings.HasPrefix(f["geometry"], tt.geometry) {
					t.Errorf("feature %s: geometry %.40q, want a %s", key, f["geometry"], tt.geometry)
				}
			}
			for _, secret := range []string{"林测试", "19900000001", "19900002222", "独居老人代买药品"} {
				if strings.Contains(out, secret) {
					t.Errorf("GDAL reads personal data %q from %s", secret, tt.path)
				}
			}
		})
	}

	// The tile is georeferenced from its z/x/y: GDAL places it in Web Mercator where the
	// grids are (119.37..119.39 E is 13288000..13290300 m).
	out := ogrinfo(t, "-ro", "-al", "-so", "/vsicurl/"+base+fmt.Sprintf("/tiles/grids/%s.mvt", gridTile))
	m := regexp.MustCompile(`Extent: \(([\d.]+), ([\d.]+)\) - \(([\d.]+), ([\d.]+)\)`).FindStringSubmatch(out)
	if m == nil || !strings.HasPrefix(m[1], "13288") || !strings.Contains(out, "EPSG\",3857") {
		t.Errorf("GDAL does not place the tile in Web Mercator at the grids:\n%s", out)
	}
}

func TestGDALReadsOGCAPIFeatures(t *testing.T) {
	a, url := miniApp(t)
	db, err := postgis.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	service := "OAPIF:http://" + a.Addr() + "/ogc"
	list := ogrinfo(t, "-ro", "-q", service)
	all := ogrinfo(t, "-ro", "-al", "-q", service)
	for _, table := range []string{"streets", "communities", "grids", "red_positions", "stations", "incidents"} {
		t.Run(table, func(t *testing.T) {
			var want int
			if err := db.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(list, ": "+table+" (") {
				t.Fatalf("GDAL lists no collection %s:\n%s", table, list)
			}
			summary := ogrinfo(t, "-ro", "-so", service, table)
			if !strings.Contains(summary, fmt.Sprintf("Feature Count: %d\n", want)) {
				t.Errorf("GDAL's feature count of %s differs from PostGIS's %d:\n%s", table, want, summary)
			}
			if got := strings.Count(all, "OGRFeature("+table+"):"); got != want {
				t.Errorf("GDAL read %d features of %s, PostGIS has %d", got, table, want)
			}
		})
	}
	for _, secret := range []string{"林测试", "陈测试", "19900000001", "19900001111", "独居老人代买药品"} {
		if strings.Contains(all, secret) {
			t.Errorf("GDAL reads personal data %q from the feature service", secret)
		}
	}
}
