package tiles

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// clusterCounts decodes a clustered MVT tile and returns the features and the total count.
func clusterCounts(t *testing.T, l *Layer, tile Tile, c Clustering) ([]decodedFeature, int) {
	t.Helper()
	b, err := EncodeClusters(l, tile, MVT, c)
	if err != nil {
		t.Fatalf("EncodeClusters(%s): %v", tile, err)
	}
	layers, err := decodeMVT(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) == 0 {
		return nil, 0
	}
	checkLayer(t, layers[0], l.ID())
	total := 0
	for i, f := range layers[0].features {
		n, ok := f.props["count"].(float64)
		if !ok || n < 1 {
			t.Fatalf("cluster %d: count %v", i, f.props["count"])
		}
		byCat := 0.0
		for k, v := range f.props {
			if strings.HasPrefix(k, "count_") {
				byCat += v.(float64)
			}
		}
		if c.CategoryKey != "" && byCat != n {
			t.Errorf("cluster %d: categories add up to %v, count is %v", i, byCat, n)
		}
		if f.hasID || f.typ != 1 || len(f.parts[0]) != 1 {
			t.Errorf("cluster %d: want a single point without id, got type %d id %v", i, f.typ, f.hasID)
		}
		p := f.parts[0][0]
		if p[0] < 0 || p[0] > Extent || p[1] < 0 || p[1] > Extent {
			t.Errorf("cluster %d at %v lies outside its tile", i, p)
		}
		total += int(n)
	}
	return layers[0].features, total
}

// TestClusterCountsPartition checks that every point is counted once: the four children of a
// tile count exactly what their parent counts, and the world tile counts every point.
func TestClusterCountsPartition(t *testing.T) {
	const n = 5000
	l := mustLayer(t, "incidents", fixtureIncidents(n, 1), Options{})
	if _, total := clusterCounts(t, l, Tile{}, Clustering{CategoryKey: "category"}); total != n {
		t.Fatalf("world tile counts %d points, want %d", total, n)
	}
	for _, z := range []uint32{11, 13, 15} {
		parent := At(orb.Point{fixtureLon, fixtureLat}, z)
		_, want := clusterCounts(t, l, parent, Clustering{CategoryKey: "category"})
		got := 0
		for dy := uint32(0); dy < 2; dy++ {
			for dx := uint32(0); dx < 2; dx++ {
				child := Tile{Z: z + 1, X: parent.X*2 + dx, Y: parent.Y*2 + dy}
				_, c := clusterCounts(t, l, child, Clustering{CategoryKey: "category"})
				got += c
			}
		}
		if got != want || want == 0 {
			t.Errorf("z%d: children count %d, parent %d", z, got, want)
		}
	}
}

func TestClusterBound(t *testing.T) {
	l := mustLayer(t, "incidents", fixtureIncidents(20000, 2), Options{})
	tile := At(orb.Point{fixtureLon, fixtureLat}, 14)
	tests := []struct {
		name string
		c    Clustering
		max  int
	}{
		{"default", Clustering{}, 1024},
		{"one pixel cells bounded to 2000", Clustering{CellPixels: 1}, DefaultMaxClusters},
		{"tight bound", Clustering{CellPixels: 1, MaxFeatures: 10}, 10},
		{"one cell", Clustering{CellPixels: 256}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, total := clusterCounts(t, l, tile, tt.c)
			if len(fs) > tt.max || len(fs) == 0 {
				t.Errorf("%d clusters, want 1..%d", len(fs), tt.max)
			}
			if want := l.Count(tile); total > want {
				t.Errorf("clusters count %d points, the tile holds %d", total, want)
			}
		})
	}
}

func TestClusterErrors(t *testing.T) {
	points := mustLayer(t, "incidents", fixtureIncidents(10, 3), Options{})
	polygons := mustLayer(t, "grids", fixtureGrids(), Options{})
	tile := At(orb.Point{fixtureLon, fixtureLat}, 12)
	tests := []struct {
		name  string
		layer *Layer
		c     Clustering
		want  string
	}{
		{"polygons", polygons, Clustering{}, "only point layers"},
		{"cell not power of two", points, Clustering{CellPixels: 12}, "power of two"},
		{"cell too large", points, Clustering{CellPixels: 512}, "power of two"},
		{"negative bound", points, Clustering{MaxFeatures: -1}, "must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := EncodeClusters(tt.layer, tile, GeoJSON, tt.c)
			if err == nil || !strings.HasPrefix(err.Error(), "tiles: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
