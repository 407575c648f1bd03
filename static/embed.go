// Package static holds gridmap's front end — the map pages, their scripts and styles, and the
// vendored MapLibre GL JS — embedded into the binary so the server needs no files and no
// internet at run time.
package static

import "embed"

// FS holds the front-end files, served at the root of the web server.
//
//go:embed *.html *.svg css js lib
var FS embed.FS
