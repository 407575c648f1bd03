package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// origin checks that s is a web origin — http or https, a host, an optional port and nothing
// else — and returns it as browsers write it in the Origin header: scheme and host in lower
// case, the scheme's default port left out. Origins are compared with that header byte for
// byte, so one written another way would never match. Hosts are limited to letters, digits,
// dots and hyphens (or a bracketed IPv6 address) because the value also goes into a
// Content-Security-Policy header, where a space, comma or semicolon would change the policy.
func origin(s string) (string, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") {
		return "", fmt.Errorf("%q is not an origin like https://host[:port]", s)
	}
	if strings.ContainsAny(rest, "/?#") {
		return "", fmt.Errorf("%q: an origin has no path, query or fragment, not even a trailing /", s)
	}
	if strings.Contains(rest, "@") {
		return "", fmt.Errorf("%q: an origin has no user name or password", s)
	}
	if strings.Contains(rest, "*") {
		return "", fmt.Errorf("%q: wildcards are not accepted; list each origin", s)
	}
	host, port := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.HasSuffix(rest, "]") {
		host, port = rest[:i], rest[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return "", fmt.Errorf("%q: the port must be a number from 1 to 65535", s)
		}
	}
	host = strings.ToLower(host)
	if !validHost(host) {
		return "", fmt.Errorf("%q: the host must be a name of letters, digits, dots and hyphens (punycode for other scripts), an IPv4 address or a bracketed IPv6 address", s)
	}
	if scheme == "http" && port == "80" || scheme == "https" && port == "443" {
		port = ""
	}
	if port != "" {
		return scheme + "://" + host + ":" + port, nil
	}
	return scheme + "://" + host, nil
}

// validHost accepts a DNS name or IPv4 address (ASCII letters, digits, dots, hyphens) or an
// IPv6 address in brackets.
func validHost(h string) bool {
	if h == "" {
		return false
	}
	if inner, ok := strings.CutPrefix(h, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		if !ok || inner == "" {
			return false
		}
		for _, r := range inner {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == ':' || r == '.') {
				return false
			}
		}
		return strings.Contains(inner, ":")
	}
	if h[0] == '.' || h[0] == '-' || strings.HasSuffix(h, "-") || strings.Contains(h, "..") {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// corsOrigins parses GRIDMAP_CORS_ORIGINS: comma-separated origins, each in the form origin
// gives, duplicates dropped; empty, none. It refuses *: gridmap usually serves inside a
// government network, and with * any web site an official opens could read the server's data —
// incidents with their descriptions included — through the official's browser, although the
// site itself cannot reach the server. The read APIs are no safer than the rest in that respect.
func corsOrigins(v string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		switch f {
		case "":
			continue
		case "*":
			return nil, errors.New("* is refused: it would let any web site a user visits read this server's data (incidents included) through the user's browser, even where the server is reachable only inside a private network; list the origins that need it")
		case "null":
			return nil, errors.New("null is refused: sandboxed frames and local files all send it, so it names no one")
		}
		o, err := origin(f)
		if err != nil {
			return nil, err
		}
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out, nil
}

// frameAncestors parses GRIDMAP_FRAME_ANCESTORS into a CSP frame-ancestors source list: 'self',
// 'none' (alone) and origins, separated by spaces or commas; self and none may be written
// without their quotes, which shells make awkward.
func frameAncestors(v string) (string, error) {
	var out []string
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	for _, f := range fields {
		switch strings.ToLower(f) {
		case "'self'", "self":
			out = append(out, "'self'")
		case "'none'", "none":
			if len(fields) > 1 {
				return "", errors.New("'none' stands alone: no one may embed the pages")
			}
			out = append(out, "'none'")
		case "*":
			return "", errors.New("* is refused: any site could frame the pages (clickjacking); list the origins that embed them")
		default:
			o, err := origin(f)
			if err != nil {
				return "", err
			}
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return "", errors.New("must list 'self', 'none' or origins")
	}
	return strings.Join(out, " "), nil
}
