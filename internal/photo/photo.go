// Package photo checks the photos staff attach to an incident and makes the copy that anyone
// but staff may see. A photo is a JPEG or a PNG within MaxBytes and MaxPixels that decodes
// whole. The copy keeps the pixels byte for byte and drops the metadata that can tell where,
// when and on what a photo was taken: in a JPEG every APP1 (EXIF, XMP), APP13 (IPTC) and
// comment segment, APP2 but for the colour profile, the vendors' APP3–APP15 but for Adobe's
// APP14, and anything after the image's end (a second, preview image);
// in a PNG the eXIf, tEXt, zTXt, iTXt and tIME chunks. A JPEG's orientation survives, in a
// minimal EXIF block of that one tag, so the photo stands the right way up.
package photo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	_ "image/jpeg" // image.Decode reads the formats accepted
	_ "image/png"
)

// Limits of an accepted photo.
const (
	MaxBytes  = 8 << 20    // a phone's photo; larger ones are resized before upload
	MaxPixels = 50_000_000 // width × height: decoding costs memory in proportion
)

// Content types accepted.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

// Checked is an accepted photo: its type, size and the copy without metadata.
type Checked struct {
	ContentType   string
	Width, Height int
	Clean         []byte
	// HadLocation tells whether the original carried a GPS position (EXIF GPS or XMP).
	HadLocation bool
}

// Error is why a photo is refused, in words for the one who sent it.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

func refuse(format string, args ...any) error { return &Error{Reason: fmt.Sprintf(format, args...)} }

// Check accepts b as a photo, or says why not.
func Check(b []byte) (Checked, error) {
	if len(b) == 0 {
		return Checked{}, refuse("the photo is empty")
	}
	if len(b) > MaxBytes {
		return Checked{}, refuse("the photo is %d bytes; at most %d are accepted", len(b), MaxBytes)
	}
	var out Checked
	var err error
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		out.ContentType = JPEG
		out.Clean, out.HadLocation, err = cleanJPEG(b)
	case bytes.HasPrefix(b, pngSignature):
		out.ContentType = PNG
		out.Clean, out.HadLocation, err = cleanPNG(b)
	default:
		return Checked{}, refuse("the photo is neither a JPEG nor a PNG")
	}
	if err != nil {
		return Checked{}, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(out.Clean))
	if err != nil {
		return Checked{}, refuse("the photo cannot be read: %v", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxPixels/cfg.Height {
		return Checked{}, refuse("the photo is %d×%d pixels; at most %d pixels are accepted", cfg.Width, cfg.Height, MaxPixels)
	}
	// The whole image, not only its header: a truncated or corrupt photo is refused now, not
	// found broken when someone opens it.
	if _, _, err := image.Decode(bytes.NewReader(out.Clean)); err != nil {
		return Checked{}, refuse("the photo cannot be read: %v", err)
	}
	out.Width, out.Height = cfg.Width, cfg.Height
	return out, nil
}

// JPEG markers.
const (
	mSOI   = 0xD8
	mEOI   = 0xD9
	mSOS   = 0xDA
	mAPP0  = 0xE0
	mAPP1  = 0xE1
	mAPP2  = 0xE2
	mAPP14 = 0xEE
	mAPP15 = 0xEF
	mCOM   = 0xFE
)

var (
	exifHeader = []byte("Exif\x00\x00")
	xmpHeader  = []byte("http://ns.adobe.com/xap/1.0/\x00")
	iccHeader  = []byte("ICC_PROFILE\x00")
)

// cleanJPEG copies a JPEG's segments and scans up to its end (EOI), less the metadata segments;
// anything after the end (a phone's second, preview image with its own EXIF) is left out.
func cleanJPEG(b []byte) (clean []byte, hadLocation bool, err error) {
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, mSOI)
	orientation := 0
	afterHeader := len(out) // where the orientation block goes: after SOI and a JFIF APP0
	scans := 0
	i := 2
	for {
		if i >= len(b) || b[i] != 0xFF {
			if i >= len(b) {
				return nil, false, refuse("the JPEG ends before its end marker")
			}
			return nil, false, refuse("the JPEG is malformed at byte %d", i)
		}
		for i < len(b) && b[i] == 0xFF { // fill bytes
			i++
		}
		if i >= len(b) {
			return nil, false, refuse("the JPEG ends before its end marker")
		}
		m := b[i]
		i++
		switch {
		case m == mEOI:
			if scans == 0 {
				return nil, false, refuse("the JPEG has no image data")
			}
			out = append(out, 0xFF, mEOI)
			if orientation > 1 {
				out = insertAt(out, afterHeader, orientationEXIF(orientation))
			}
			return out, hadLocation, nil
		case m == 0x01 || m >= 0xD0 && m <= 0xD7 || m == mSOI || m == 0x00:
			return nil, false, refuse("the JPEG has a stray marker at byte %d", i-2)
		}
		if i+2 > len(b) {
			return nil, false, refuse("the JPEG ends inside a segment")
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return nil, false, refuse("the JPEG has a segment longer than the file at byte %d", i-2)
		}
		body := b[i+2 : i+n]
		seg := b[i-2 : i+n] // marker, length and body
		i += n
		switch {
		case m == mSOS:
			// The entropy-coded data runs to the next marker: 0xFF followed by neither a
			// stuffed 0x00 nor a restart marker.
			j := i
			for j+1 < len(b) && !(b[j] == 0xFF && b[j+1] != 0x00 && (b[j+1] < 0xD0 || b[j+1] > 0xD7)) {
				j++
			}
			if j+1 >= len(b) {
				return nil, false, refuse("the JPEG ends before its end marker")
			}
			out = append(out, seg...)
			out = append(out, b[i:j]...)
			i = j
			scans++
		case m == mAPP1:
			if bytes.HasPrefix(body, exifHeader) {
				o, gps := readEXIF(body[len(exifHeader):])
				if o != 0 {
					orientation = o
				}
				hadLocation = hadLocation || gps
			} else if bytes.HasPrefix(body, xmpHeader) && bytes.Contains(body, []byte("GPS")) {
				hadLocation = true
			}
		case m == mAPP2 && !bytes.HasPrefix(body, iccHeader):
			// a multi-picture index (MPF) and the like, of images left out
		case m == mCOM, m == 0xED, m >= 0xE3 && m <= mAPP15 && m != mAPP14:
			// comments, IPTC and vendors' blocks
		default:
			out = append(out, seg...)
			if m == mAPP0 && afterHeader == 2 {
				afterHeader = len(out)
			}
		}
	}
}

func insertAt(b []byte, at int, x []byte) []byte {
	out := make([]byte, 0, len(b)+len(x))
	out = append(out, b[:at]...)
	out = append(out, x...)
	return append(out, b[at:]...)
}

// EXIF (TIFF) tags read.
const (
	tagOrientation = 0x0112
	tagGPS         = 0x8825
	typeShort      = 3
)

// readEXIF reads the orientation (0 if none or malformed) and whether a GPS block is present
// from the first directory of an EXIF block.
func readEXIF(t []byte) (orientation int, gps bool) {
	if len(t) < 8 {
		return 0, false
	}
	var order binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 0, false
	}
	off := int64(order.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 0, false
	}
	count := int64(order.Uint16(t[off:]))
	for k := int64(0); k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > int64(len(t)) {
			break
		}
		switch order.Uint16(t[e:]) {
		case tagOrientation:
			if order.Uint16(t[e+2:]) == typeShort && order.Uint32(t[e+4:]) == 1 {
				if v := int(order.Uint16(t[e+8:])); v >= 1 && v <= 8 {
					orientation = v
				}
			}
		case tagGPS:
			gps = true
		}
	}
	return orientation, gps
}

// orientationEXIF is an APP1 segment holding an EXIF block with the orientation alone.
func orientationEXIF(o int) []byte {
	var tiff []byte
	tiff = append(tiff, "MM\x00*"...)
	tiff = binary.BigEndian.AppendUint32(tiff, 8) // the first directory follows the header
	tiff = binary.BigEndian.AppendUint16(tiff, 1) // one entry
	tiff = binary.BigEndian.AppendUint16(tiff, tagOrientation)
	tiff = binary.BigEndian.AppendUint16(tiff, typeShort)
	tiff = binary.BigEndian.AppendUint32(tiff, 1)
	tiff = binary.BigEndian.AppendUint16(tiff, uint16(o))
	tiff = append(tiff, 0, 0)                     // the value's unused half
	tiff = binary.BigEndian.AppendUint32(tiff, 0) // no further directory
	seg := []byte{0xFF, mAPP1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(2+len(exifHeader)+len(tiff)))
	seg = append(seg, exifHeader...)
	return append(seg, tiff...)
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// dropPNG are the chunks a clean PNG leaves out.
var dropPNG = map[string]bool{"eXIf": true, "tEXt": true, "zTXt": true, "iTXt": true, "tIME": true}

// cleanPNG copies a PNG's chunks up to IEND, less the metadata ones. Each chunk is copied
// whole, its checksum with it.
func cleanPNG(b []byte) (clean []byte, hadLocation bool, err error) {
	out := append(make([]byte, 0, len(b)), pngSignature...)
	i := len(pngSignature)
	for {
		if i+8 > len(b) {
			return nil, false, refuse("the PNG ends before its IEND chunk")
		}
		n := int64(binary.BigEndian.Uint32(b[i:]))
		kind := string(b[i+4 : i+8])
		end := int64(i) + 12 + n
		if n > int64(len(b)) || end > int64(len(b)) {
			return nil, false, refuse("the PNG has a chunk %q longer than the file at byte %d", kind, i)
		}
		chunk := b[i:end]
		i = int(end)
		if dropPNG[kind] {
			if kind == "eXIf" {
				_, gps := readEXIF(chunk[8 : 8+n])
				hadLocation = hadLocation || gps
			} else if bytes.Contains(chunk, []byte("GPS")) {
				hadLocation = true
			}
			continue
		}
		out = append(out, chunk...)
		if kind == "IEND" {
			return out, hadLocation, nil
		}
	}
}
