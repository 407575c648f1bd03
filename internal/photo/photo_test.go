package photo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/gif"

	"github.com/gridmap/gridmap/internal/photo/phototest"
	"strings"
	"testing"
)

func samePixels(t *testing.T, a, b []byte) {
	t.Helper()
	ma, _, err := image.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	mb, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if ma.Bounds() != mb.Bounds() {
		t.Fatalf("bounds %v and %v", ma.Bounds(), mb.Bounds())
	}
	r := ma.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ma.At(x, y) != mb.At(x, y) {
				t.Fatalf("pixel %d,%d differs: %v and %v", x, y, ma.At(x, y), mb.At(x, y))
			}
		}
	}
}

func TestJPEGLosesWhereAndKeepsWhichWayUp(t *testing.T) {
	orig := phototest.PhoneJPEG(phototest.Picture(64, 48), 6)
	c, err := Check(orig)
	if err != nil {
		t.Fatal(err)
	}
	if c.ContentType != JPEG || c.Width != 64 || c.Height != 48 || !c.HadLocation {
		t.Fatalf("checked as %+v", c)
	}
	for _, gone := range []string{phototest.Model, "GPSLatitude", "MPF", "vendor", "taken at", "II*\x00"} {
		if bytes.Contains(c.Clean, []byte(gone)) {
			t.Errorf("the clean copy still holds %q", gone)
		}
	}
	if n := bytes.Count(c.Clean, []byte{0xFF, mSOI}); n != 1 {
		t.Errorf("the clean copy has %d start-of-image markers; the preview image should be gone", n)
	}
	if o, gps := orientationOf(c.Clean); o != 6 || gps {
		t.Errorf("the clean copy's orientation is %d (gps %v), want 6 and no GPS", o, gps)
	}
	samePixels(t, orig, c.Clean)
	// Cleaning a clean photo changes nothing.
	again, err := Check(c.Clean)
	if err != nil || !bytes.Equal(again.Clean, c.Clean) || again.HadLocation {
		t.Errorf("cleaning twice: err %v, same %v, location %v", err, bytes.Equal(again.Clean, c.Clean), again.HadLocation)
	}
	// Upright photos get no EXIF at all.
	up, err := Check(phototest.PhoneJPEG(phototest.Picture(16, 16), 1))
	if err != nil || bytes.Contains(up.Clean, exifHeader) {
		t.Errorf("an upright photo: err %v, EXIF left %v", err, bytes.Contains(up.Clean, exifHeader))
	}
}

// headerSegments lists a JPEG's segments before its first scan, each with marker and length.
func headerSegments(b []byte) [][]byte {
	var out [][]byte
	for i := 2; i+4 <= len(b) && b[i] == 0xFF && b[i+1] != mSOS; {
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if i+2+n > len(b) {
			break
		}
		out = append(out, b[i:i+2+n])
		i += 2 + n
	}
	return out
}

// orientationOf reads the orientation of a JPEG's EXIF block, if any.
func orientationOf(b []byte) (int, bool) {
	i := bytes.Index(b, exifHeader)
	if i < 0 {
		return 0, false
	}
	return readEXIF(b[i+len(exifHeader):])
}

func chunk(kind string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, kind...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func TestPNGLosesItsText(t *testing.T) {
	plain := phototest.PNG(phototest.Picture(20, 10))
	ihdrEnd := len(pngSignature) + 12 + 13
	var orig []byte
	orig = append(orig, plain[:ihdrEnd]...)
	orig = append(orig, chunk("tEXt", []byte("Comment\x00GPS 25.72N 119.38E"))...)
	orig = append(orig, chunk("eXIf", phototest.PhoneEXIF(1))...)
	orig = append(orig, chunk("tIME", []byte{0x07, 0xEA, 11, 30, 9, 0, 0})...)
	orig = append(orig, plain[ihdrEnd:]...)
	orig = append(orig, "trailing bytes"...)
	c, err := Check(orig)
	if err != nil {
		t.Fatal(err)
	}
	if c.ContentType != PNG || c.Width != 20 || c.Height != 10 || !c.HadLocation {
		t.Fatalf("checked as %+v", c)
	}
	if !bytes.Equal(c.Clean, plain) {
		t.Errorf("the clean copy is not the plain PNG: %d bytes against %d", len(c.Clean), len(plain))
	}
	samePixels(t, orig, c.Clean)
}

func TestRefused(t *testing.T) {
	jp := phototest.JPEG(phototest.Picture(32, 32))
	var gb bytes.Buffer
	if err := gif.Encode(&gb, phototest.Picture(4, 4), nil); err != nil {
		t.Fatal(err)
	}
	// A PNG that says it is 10000×10000 pixels.
	huge := append([]byte{}, pngSignature...)
	ihdr := binary.BigEndian.AppendUint32(nil, 10000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 10000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	huge = append(huge, chunk("IHDR", ihdr)...)
	huge = append(huge, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	huge = append(huge, chunk("IEND", nil)...)
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"gif", gb.Bytes(), "neither a JPEG nor a PNG"},
		{"text", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), "neither"},
		{"truncated jpeg", jp[:len(jp)-10], "ends before"},
		{"jpeg cut in its header", jp[:len(jp)/3], "longer than the file"},
		{"jpeg without its scan", append(append([]byte{}, jp[:2]...), 0xFF, mEOI), "no image data"},
		{"jpeg with a bad length", append(append([]byte{}, jp[:2]...), 0xFF, 0xDB, 0xFF, 0xFF, 0x00), "longer than the file"},
		{"truncated png", phototest.PNG(phototest.Picture(8, 8))[:40], "ends before"},
		{"huge png", huge, "pixels"},
		{"too large", append(append([]byte{}, jp...), make([]byte, MaxBytes)...), "bytes; at most"},
	} {
		_, err := Check(tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

// FuzzCheck: an accepted photo's clean copy decodes to the same pixels, is accepted again as
// itself, and holds no EXIF but an orientation and no XMP.
func FuzzCheck(f *testing.F) {
	f.Add(phototest.PhoneJPEG(phototest.Picture(9, 7), 6))
	f.Add(phototest.JPEG(phototest.Picture(3, 3)))
	f.Add(phototest.PNG(phototest.Picture(5, 2)))
	f.Add([]byte("\xFF\xD8\xFF\xE1\x00\x08Exif\x00\x00\xFF\xD9"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Check(b)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("refused with a %T, not an *Error: %v", err, err)
			}
			return
		}
		samePixels(t, b, c.Clean)
		again, err := Check(c.Clean)
		if err != nil {
			t.Fatalf("the clean copy is refused: %v", err)
		}
		if !bytes.Equal(again.Clean, c.Clean) || again.HadLocation {
			t.Fatal("cleaning the clean copy changes it or finds a location")
		}
		if bytes.Contains(c.Clean, xmpHeader) {
			t.Fatal("XMP left in the clean copy")
		}
		if c.ContentType == JPEG {
			for _, seg := range headerSegments(c.Clean) {
				m, body := seg[1], seg[4:]
				switch {
				case m == mAPP1:
					o, gps := readEXIF(body[len(exifHeader):])
					if gps || o < 2 || !bytes.Equal(seg, orientationEXIF(o)) {
						t.Fatalf("the clean copy keeps an APP1 segment other than an orientation: %q", seg)
					}
				case m == mAPP2 && !bytes.HasPrefix(body, iccHeader), m == mCOM, m == 0xED, m >= 0xE3 && m <= mAPP15 && m != mAPP14:
					t.Fatalf("the clean copy keeps a %#x segment", m)
				}
			}
		}
	})
}
