// Package phototest makes photos for tests: pictures with something to see in them, and JPEGs
// with what a phone adds to one (EXIF with a GPS position, XMP, a comment, a vendor's block,
// a preview image after the end).
package phototest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// Picture is a w×h image of gradients.
func Picture(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	return m
}

// JPEG encodes m as a plain JPEG.
func JPEG(m image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PNG encodes m as a plain PNG.
func PNG(m image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Model is the camera model PhoneEXIF writes, and GPSMark the XMP's position, for tests to
// look for.
const (
	Model   = "PhoneCam X"
	GPSMark = "<exif:GPSLatitude>25,43.2N</exif:GPSLatitude>"
)

// PhoneEXIF is an EXIF block (what follows "Exif\0\0") as a phone writes one: little-endian,
// an orientation, the camera model and a GPS directory with a latitude of 25°43'12"N.
func PhoneEXIF(orientation uint16) []byte {
	le := binary.LittleEndian
	var t []byte
	t = append(t, "II*\x00"...)
	t = le.AppendUint32(t, 8)
	entry := func(tag, typ uint16, count, value uint32) {
		t = le.AppendUint16(t, tag)
		t = le.AppendUint16(t, typ)
		t = le.AppendUint32(t, count)
		t = le.AppendUint32(t, value)
	}
	const ifd0End = 8 + 2 + 3*12 + 4
	gpsAt := uint32(ifd0End + len(Model) + 1)
	t = le.AppendUint16(t, 3)
	entry(0x0112, 3, 1, uint32(orientation))
	entry(0x0110, 2, uint32(len(Model)+1), ifd0End)
	entry(0x8825, 4, 1, gpsAt)
	t = le.AppendUint32(t, 0)
	t = append(t, Model...)
	t = append(t, 0)
	latAt := gpsAt + 2 + 2*12 + 4
	t = le.AppendUint16(t, 2)
	entry(0x0001, 2, 2, uint32('N'))
	entry(0x0002, 5, 3, latAt)
	t = le.AppendUint32(t, 0)
	for _, v := range []uint32{25, 1, 43, 1, 12, 1} {
		t = le.AppendUint32(t, v)
	}
	return t
}

// Segment is a JPEG segment: marker, length and body.
func Segment(marker byte, body []byte) []byte {
	seg := []byte{0xFF, marker}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(body)+2))
	return append(seg, body...)
}

// PhoneJPEG is a JPEG of m as a phone sends one: EXIF with GPS and the orientation, XMP with
// a position, a multi-picture index, a vendor's block, a comment naming a place, and a
// preview JPEG after the end.
func PhoneJPEG(m image.Image, orientation uint16) []byte {
	plain := JPEG(m)
	var b []byte
	b = append(b, plain[:2]...)
	b = append(b, Segment(0xE1, append([]byte("Exif\x00\x00"), PhoneEXIF(orientation)...))...)
	b = append(b, Segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>"+GPSMark+"</x:xmpmeta>"))...)
	b = append(b, Segment(0xE2, []byte("MPF\x00IIpreview-index"))...)
	b = append(b, Segment(0xE9, []byte("vendor: serial 12345"))...)
	b = append(b, Segment(0xFE, []byte("taken at 福清市龙山街道"))...)
	b = append(b, plain[2:]...)
	return append(b, JPEG(Picture(8, 8))...)
}
