package web

// Fuzz targets for the request headers tiles are negotiated with: Accept-Encoding and
// If-None-Match. Each is held to a reference written from RFC 9110's grammar.

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/tiles"
)

// codingElement is one element of Accept-Encoding by RFC 9110 §12.5.3: a content coding (a
// token) with an optional weight, white space allowed where the grammar allows it (OWS), and
// the q parameter and codings compared case-insensitively.
var codingElement = regexp.MustCompile("^[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*(?:;[ \t]*[qQ]=([^ \t]*))?[ \t]*$")

// qvalueGrammar is RFC 9110 §12.4.2's weight: 0 to 1 with at most three decimals.
var qvalueGrammar = regexp.MustCompile(`^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$`)

// refAcceptsGzip decides a well-formed Accept-Encoding header from the grammar: whether it
// admits gzip; ok is false when an element is not well-formed. A listed gzip or x-gzip decides,
// else *; a weight that is not a qvalue, or is zero, refuses the coding.
func refAcceptsGzip(header string) (accepts, ok bool) {
	gzip, star := -1, -1
	for _, el := range strings.Split(header, ",") {
		if strings.Trim(el, " \t") == "" {
			continue // RFC 9110 §5.6.1: empty list elements are ignored
		}
		m := codingElement.FindStringSubmatch(el)
		if m == nil {
			return false, false
		}
		yes := 1
		if strings.Contains(el, ";") && (!qvalueGrammar.MatchString(m[2]) || strings.Trim(m[2], "0.") == "") {
			yes = 0
		}
		switch strings.ToLower(m[1]) {
		case "gzip", "x-gzip":
			gzip = max(gzip, yes)
		case "*":
			star = max(star, yes)
		}
	}
	if gzip >= 0 {
		return gzip == 1, true
	}
	return star == 1, true
}

// FuzzAcceptsGzip: on every well-formed Accept-Encoding header acceptsGzip agrees with the
// grammar (refAcceptsGzip); on any header it admits gzip only if gzip, x-gzip or * is listed.
func FuzzAcceptsGzip(f *testing.F) {
	f.Fuzz(func(t *testing.T, header string) {
		got := acceptsGzip(header)
		if want, ok := refAcceptsGzip(header); ok && got != want {
			t.Fatalf("acceptsGzip(%q) = %v, the grammar says %v", header, got, want)
		}
		lower := strings.ToLower(header)
		if got && !strings.Contains(lower, "gzip") && !strings.Contains(header, "*") {
			t.Fatalf("acceptsGzip(%q) admits gzip, which the header does not name", header)
		}
	})
}

// refETagMatches applies If-None-Match by RFC 9110 §13.1.2 to a header parsed by its grammar:
// "*" or a list of entity-tags ([W/]"opaque", where the opaque part may hold commas), compared
// weakly; ok is false when the header is not well-formed.
func refETagMatches(header, tag string) (match, ok bool) {
	h := strings.Trim(header, " \t")
	if h == "" {
		return false, true
	}
	if h == "*" {
		return true, true
	}
	opaque := strings.TrimPrefix(tag, "W/")
	i := 0
	for {
		for i < len(h) && (h[i] == ' ' || h[i] == '\t' || h[i] == ',') {
			i++
		}
		if i == len(h) {
			return match, true
		}
		if strings.HasPrefix(h[i:], "W/") {
			i += 2
		}
		if i >= len(h) || h[i] != '"' {
			return false, false
		}
		end := strings.IndexByte(h[i+1:], '"')
		if end < 0 {
			return false, false
		}
		t := h[i : i+end+2]
		for _, c := range []byte(t[1 : len(t)-1]) {
			if c != 0x21 && (c < 0x23 || c == 0x7f) { // etagc: %x21 / %x23-7E / obs-text
				return false, false
			}
		}
		if t == opaque {
			match = true
		}
		i += end + 2
		if i < len(h) && h[i] != ' ' && h[i] != '\t' && h[i] != ',' {
			return false, false
		}
	}
}

// FuzzETagMatches: If-None-Match matching. The tile's own tag always matches, strong, weak or
// among others; on every well-formed header etagMatches agrees with the grammar
// (refETagMatches); on any header it matches only if the header holds the tag's opaque part or
// a *.
func FuzzETagMatches(f *testing.F) {
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		tag := tiles.ETag(body)
		for _, h := range []string{tag, "W/" + tag, `"other", ` + tag, tag + `,W/"x"`, "*"} {
			if !etagMatches(h, tag) {
				t.Fatalf("If-None-Match %s does not match %s", h, tag)
			}
		}
		got := etagMatches(header, tag)
		if want, ok := refETagMatches(header, tag); ok && got != want {
			t.Fatalf("etagMatches(%q, %s) = %v, the grammar says %v", header, tag, got, want)
		}
		if got && !strings.Contains(header, strings.Trim(tag, `"`)) && !strings.Contains(header, "*") {
			t.Fatalf("etagMatches(%q, %s) matched without the tag", header, tag)
		}
	})
}
