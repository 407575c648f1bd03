package tiles

// Protocol buffer primitives for the hand-written MVT encoder; see mvt.go for why the encoder
// is hand-written.

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func appendFixed32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

func appendFixed64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24),
		byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

func zigzag64(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func zigzag32(v int32) uint32 { return uint32(v<<1) ^ uint32(v>>31) }
