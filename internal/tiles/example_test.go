package tiles_test

import (
	"errors"
	"fmt"

	"github.com/gridmap/gridmap/internal/tiles"
	"github.com/paulmach/orb"
)

// Example shows what a tile handler does: build the layer once (on load and on every change
// notice, published through an atomic.Pointer), then per request parse, draw, tag and
// compress.
func Example() {
	grid := tiles.Feature{
		ID: 350181003003001,
		Geometry: orb.Polygon{{
			{119.366, 25.728}, {119.370, 25.728}, {119.370, 25.731}, {119.366, 25.731}, {119.366, 25.728},
		}},
		Properties: []tiles.Property{{Key: "code", Value: "350181003003001"}, {Key: "households", Value: 412}},
	}
	layer, err := tiles.NewLayer("grids", []tiles.Feature{grid}, tiles.Options{})
	if err != nil {
		panic(err)
	}

	// GET /tiles/grids/14/13624/6979.geojson
	t, err := tiles.ParseTile("14", "13624", "6979")
	if err != nil {
		panic(err) // a handler answers 400, naming err.(*tiles.ParamError).Param
	}
	f, _ := tiles.ParseFormat("geojson")
	body, err := tiles.Encode(layer, t, f)
	if err != nil {
		panic(err)
	}
	fmt.Println(f.ContentType())
	fmt.Println(string(body))
	fmt.Println(tiles.ETag(body))

	_, err = tiles.ParseTile("14", "16384", "6979")
	var pe *tiles.ParamError
	fmt.Println(errors.As(err, &pe), pe.Param, err)
	// Output:
	// application/geo+json
	// {"type":"FeatureCollection","features":[
	// {"type":"Feature","id":350181003003001,"geometry":{"type":"Polygon","coordinates":[[[119.365999,25.727999],[119.370001,25.727999],[119.370001,25.731],[119.365999,25.731],[119.365999,25.727999]]]},"properties":{"code":"350181003003001","households":412}}
	// ]}
	// "72e75970a051cfb74d270127dce02f03"
	// true x tiles: x "16384": must be 0..16383 at zoom 14
}

// ExampleEncodeClusters shows the choice a handler makes for the incident layer: cluster at low
// zoom or when the tile is dense, draw every incident otherwise.
func ExampleEncodeClusters() {
	var incidents []tiles.Feature
	for i := range 3000 {
		incidents = append(incidents, tiles.Feature{
			ID:         uint64(i + 1),
			Geometry:   orb.Point{119.35 + float64(i%60)*0.0007, 25.72 + float64(i/60)*0.0004},
			Properties: []tiles.Property{{Key: "category", Value: []string{"noise", "parking", "sanitation"}[i%3]}},
		})
	}
	layer, _ := tiles.NewLayer("incidents", incidents, tiles.Options{})
	for _, z := range []uint32{12, 17} {
		t := tiles.At(orb.Point{119.37, 25.73}, z)
		var body []byte
		if z < 14 || layer.Count(t) > tiles.DefaultMaxClusters {
			body, _ = tiles.EncodeClusters(layer, t, tiles.MVT, tiles.Clustering{CategoryKey: "category"})
		} else {
			body, _ = tiles.Encode(layer, t, tiles.MVT)
		}
		fmt.Println(t, layer.Count(t), len(body) > 0)
	}
	// Output:
	// 12/3406/1744 2496 true
	// 17/108997/55836 24 true
}
