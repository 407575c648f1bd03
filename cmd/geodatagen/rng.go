package main

import "math"

// rng is SplitMix64: tiny, fully specified and the same on every Go release, so the dataset never
// depends on the algorithms behind math/rand. Each part of the generator draws from its own
// stream (see newRNG), so that changing how incidents are drawn leaves the geometry untouched.
type rng struct{ state uint64 }

// newRNG returns the stream named by purpose of the generator seeded with seed.
func newRNG(seed uint64, purpose string) *rng {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(purpose); i++ {
		h ^= uint64(purpose[i])
		h *= 1099511628211
	}
	return &rng{state: mix64(seed ^ h)}
}

// mix64 is the SplitMix64 finaliser: a bijective scrambling of 64 bits.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	return mix64(r.state)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// between returns a number in [lo, hi).
func (r *rng) between(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

// intn returns an integer in [0, n); the modulo bias is below 2^-40 for the n used here.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// rangeInt returns an integer in [lo, hi].
func (r *rng) rangeInt(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// norm returns a standard normal deviate (Box-Muller).
func (r *rng) norm() float64 {
	u := 1 - r.float() // (0, 1]
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}

// weighted returns an index into weights with probability proportional to its weight.
func (r *rng) weighted(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.float() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// pick returns one of items at random.
func pick[T any](r *rng, items []T) T { return items[r.intn(len(items))] }

// hash01 is a deterministic value in [0, 1) for a lattice position and a salt: the same inputs
// give the same value wherever it is asked for, which is what makes shared edges identical.
func hash01(i, j int, salt uint64) float64 {
	z := mix64(uint64(uint32(i))<<32 | uint64(uint32(j)))
	z = mix64(z ^ salt*0x9e3779b97f4a7c15)
	return float64(z>>11) / (1 << 53)
}
