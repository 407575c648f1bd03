package main

import (
	"math"

	"github.com/paulmach/orb"
)

// warp is a smooth displacement of the plane, a sum of a few long waves. Regions are drawn in
// warped space so that their boundaries wander instead of running straight like Voronoi edges.
type warp struct{ waves [2][]wave }

type wave struct{ kx, ky, phase, amplitude float64 }

// newWarp draws a warp whose displacement is about amplitude metres with wavelengths around
// wavelength metres. Keeping amplitude·2π/wavelength below one keeps it a homeomorphism.
func newWarp(r *rng, amplitude, wavelength float64) warp {
	const n = 3
	var w warp
	for axis := range w.waves {
		for k := 0; k < n; k++ {
			theta := r.between(0, 2*math.Pi)
			lambda := wavelength * r.between(0.7, 1.3)
			w.waves[axis] = append(w.waves[axis], wave{
				kx:        math.Cos(theta) * 2 * math.Pi / lambda,
				ky:        math.Sin(theta) * 2 * math.Pi / lambda,
				phase:     r.between(0, 2*math.Pi),
				amplitude: amplitude / n * r.between(0.6, 1.4),
			})
		}
	}
	return w
}

func (w warp) apply(p orb.Point) orb.Point {
	out := p
	for axis, waves := range w.waves {
		for _, v := range waves {
			out[axis] += v.amplitude * math.Sin(v.kx*p[0]+v.ky*p[1]+v.phase)
		}
	}
	return out
}

// partition splits points among len(seeds) regions of about targets[k] points each, by a
// capacity-constrained power diagram: every point goes to the seed minimising its squared
// distance less the seed's weight; the weights grow for regions short of their target and the
// seeds move part-way to their region's centroid (Lloyd), which rounds the shapes off. A power
// diagram's cells are convex, so regions come out compact and, within a convex domain,
// connected. seeds is updated in place; the result is the region of each point.
func partition(points []orb.Point, seeds []orb.Point, targets []float64, iterations int, lloyd float64) []int32 {
	k := len(seeds)
	weights := make([]float64, k)
	labels := make([]int32, len(points))
	counts := make([]float64, k)
	sums := make([]orb.Point, k)
	for it := 0; ; it++ {
		for i := range counts {
			counts[i], sums[i] = 0, orb.Point{}
		}
		for p, pt := range points {
			best, bestD := 0, math.Inf(1)
			for s, sd := range seeds {
				dx, dy := pt[0]-sd[0], pt[1]-sd[1]
				if d := dx*dx + dy*dy - weights[s]; d < bestD {
					best, bestD = s, d
				}
			}
			labels[p] = int32(best)
			counts[best]++
			sums[best][0] += pt[0]
			sums[best][1] += pt[1]
		}
		if it == iterations {
			return labels
		}
		for s := range seeds {
			if counts[s] > 0 {
				cx, cy := sums[s][0]/counts[s], sums[s][1]/counts[s]
				seeds[s][0] += lloyd * (cx - seeds[s][0])
				seeds[s][1] += lloyd * (cy - seeds[s][1])
			}
			// A region's area grows by about π/2 m² per m² of weight (its boundaries with
			// neighbours move half as far as a free circle's would).
			weights[s] += (targets[s] - counts[s]) * cellSize * cellSize / math.Pi
		}
	}
}

// spreadSeeds picks k of the candidate points far apart from each other and from fixed
// (farthest-point sampling), starting from the candidate nearest start.
func spreadSeeds(candidates []orb.Point, fixed []orb.Point, start orb.Point, k int) []orb.Point {
	if len(candidates) == 0 || k == 0 {
		return nil
	}
	nearest := make([]float64, len(candidates))
	for i, c := range candidates {
		nearest[i] = math.Inf(1)
		for _, f := range fixed {
			nearest[i] = math.Min(nearest[i], dist(c, f))
		}
	}
	var seeds []orb.Point
	next := 0
	if len(fixed) == 0 {
		for i, c := range candidates {
			if dist(c, start) < dist(candidates[next], start) {
				next = i
			}
		}
	} else {
		next = argmax(nearest)
	}
	for len(seeds) < k {
		s := candidates[next]
		seeds = append(seeds, s)
		for i, c := range candidates {
			nearest[i] = math.Min(nearest[i], dist(c, s))
		}
		next = argmax(nearest)
	}
	return seeds
}

func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
