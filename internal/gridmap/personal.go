package gridmap

import (
	"regexp"
	"strings"
)

// personalPattern finds one kind of what residents write into free text that identifies a
// person. A match must stand alone, not inside a longer run of digits such as a grid code.
type personalPattern struct {
	re     *regexp.Regexp
	mobile bool
}

var personalPatterns = []personalPattern{
	// 18-digit resident ID numbers: region, birth date, sequence, check digit.
	{re: regexp.MustCompile(`[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]`)},
	// Mobile numbers, with or without +86 and separators.
	{re: regexp.MustCompile(`(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}`), mobile: true},
	// Landlines with their area code.
	{re: regexp.MustCompile(`\(?0\d{2,3}\)?[- ]?\d{7,8}`)},
	// E-mail addresses.
	{re: regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)},
}

// MaskPersonal returns s with resident ID numbers, phone numbers and e-mail addresses masked,
// for free text shown to a caller who may not see personal data: a mobile number keeps its
// first three and last four digits (139****5678, as Chinese notices print them); anything else
// keeps only its first and last character.
func MaskPersonal(s string) string {
	if !strings.ContainsAny(s, "0123456789@") {
		return s
	}
	for _, p := range personalPatterns {
		locs := p.re.FindAllStringIndex(s, -1)
		if locs == nil {
			continue
		}
		var b strings.Builder
		last := 0
		for _, l := range locs {
			from, to := l[0], l[1]
			if from > 0 && isDigit(s[from-1]) || to < len(s) && isDigit(s[to]) {
				continue // part of a longer number: a code, an id, a time
			}
			b.WriteString(s[last:from])
			b.WriteString(mask(s[from:to], p.mobile))
			last = to
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return s
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// mask hides a match: the middle four digits of a mobile number's eleven, every character of
// anything else but the first, the last and separators.
func mask(m string, mobile bool) string {
	b := []byte(m)
	if mobile {
		digits := 0
		for _, c := range b {
			if isDigit(c) {
				digits++
			}
		}
		seen := 0
		for i, c := range b {
			if !isDigit(c) {
				continue
			}
			if pos := seen - (digits - 11); pos >= 3 && pos < 7 {
				b[i] = '*'
			}
			seen++
		}
		return string(b)
	}
	for i := 1; i < len(b)-1; i++ {
		switch b[i] {
		case '-', ' ', '.', '@', '(', ')':
		default:
			b[i] = '*'
		}
	}
	return string(b)
}
