package spatial

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/spatial/spatialtest"
)

var benchSizes = []int{1000, 10000, 100000}

// benchPoints returns n incident-like points: uniform over the grids' extent.
func benchPoints(s *Snapshot, n int) []orb.Point {
	ext := s.boxes[0]
	for _, b := range s.boxes {
		ext = ext.Union(b)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, n)
	for k := range pts {
		pts[k] = orb.Point{ext.Min[0] + rng.Float64()*(ext.Max[0]-ext.Min[0]), ext.Min[1] + rng.Float64()*(ext.Max[1]-ext.Min[1])}
	}
	return pts
}

// BenchmarkLocate measures lookups at 1,000, 10,000 and 100,000 grids: one point at a time on
// one core, the same on every core (RunParallel), and the batch path.
func BenchmarkLocate(b *testing.B) {
	for _, n := range benchSizes {
		grids := spatialtest.Grids(1, n)[:n]
		s, err := Build(grids, Options{})
		if err != nil {
			b.Fatal(err)
		}
		pts := benchPoints(s, 1<<20)
		mask := len(pts) - 1
		b.Run(fmt.Sprintf("grids=%d/single", n), func(b *testing.B) {
			b.ReportAllocs()
			var sink int
			for i := 0; b.Loop(); i++ {
				p := pts[i&mask]
				sink += s.Locate(p[0], p[1]).Grid
			}
			_ = sink
		})
		b.Run(fmt.Sprintf("grids=%d/parallel", n), func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := rand.IntN(len(pts))
				sink := 0
				for pb.Next() {
					p := pts[i&mask]
					sink += s.Locate(p[0], p[1]).Grid
					i++
				}
				_ = sink
			})
		})
		// The batch path, reported per point: b.N points in batches of 4096.
		b.Run(fmt.Sprintf("grids=%d/batch", n), func(b *testing.B) {
			b.ReportAllocs()
			const chunk = 4096
			out := make([]Result, chunk)
			b.ResetTimer()
			for i := 0; i < b.N; i += chunk {
				lo := i & mask &^ (chunk - 1)
				m := min(chunk, b.N-i)
				s.LocateBatch(pts[lo:lo+m], out[:m])
			}
		})
	}
}

// BenchmarkBuild measures building the index of 100,000 grids with all cores (2 on the
// reference machine) and with one.
func BenchmarkBuild(b *testing.B) {
	grids := spatialtest.Grids(1, 100000)[:100000]
	for _, workers := range []int{runtime.GOMAXPROCS(0), 1} {
		b.Run(fmt.Sprintf("grids=100000/workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(grids, Options{Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPostGIS measures the database doing the same job on the same grids: one query per
// point, and one query for a batch of 10,000 points (reported per point).
func BenchmarkPostGIS(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		grids := spatialtest.Grids(1, n)[:n]
		s, err := Build(grids, Options{})
		if err != nil {
			b.Fatal(err)
		}
		pool := oracle(b, s)
		pts := benchPoints(s, 1<<16)
		mask := len(pts) - 1
		b.Run(fmt.Sprintf("grids=%d/query-per-point", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				p := pts[i&mask]
				i++
				rows, err := pool.Query(ctx, oraclePerPoint, p[0], p[1])
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				if rows.Err() != nil {
					b.Fatal(rows.Err())
				}
				rows.Close()
			}
		})
		b.Run(fmt.Sprintf("grids=%d/batch-10000-per-point", n), func(b *testing.B) {
			const batch = 10000
			xs, ys := make([]float64, batch), make([]float64, batch)
			b.ResetTimer()
			for i := 0; i < b.N; i += batch {
				m := min(batch, b.N-i)
				for k := 0; k < m; k++ {
					p := pts[(i+k)&mask]
					xs[k], ys[k] = p[0], p[1]
				}
				rows, err := pool.Query(ctx, oracleBatch, xs[:m], ys[:m])
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				if rows.Err() != nil {
					b.Fatal(rows.Err())
				}
				rows.Close()
			}
		})
	}
}
