// Package datasettest gives tests a small valid dataset (one street, one community, two grids,
// a red position, a station, two staff and three incidents) to import as it is or with one
// thing broken.
package datasettest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Edit replaces the first occurrence of Old by New in File of the mini dataset.
type Edit struct {
	File, Old, New string
}

// SecondDir returns the folder of a second street (玉屏街道, one community, one grid, two staff,
// one incident) beside the mini dataset's, for tests of what a role scoped to one street may
// see of another: import the mini dataset first, then this one.
func SecondDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "second")
}

// Dir returns the folder holding the pristine mini dataset.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "mini")
}

// Mini copies the mini dataset into a temporary folder with the edits applied; files whose
// edit has New == "<delete>" are left out.
func Mini(t testing.TB, edits ...Edit) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(Dir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(Dir(), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s, skip := string(b), false
		for _, ed := range edits {
			if ed.File != e.Name() {
				continue
			}
			if ed.New == "<delete>" {
				skip = true
				continue
			}
			if !strings.Contains(s, ed.Old) {
				t.Fatalf("datasettest: edit of %s: %q not found", ed.File, ed.Old)
			}
			s = strings.Replace(s, ed.Old, ed.New, 1)
		}
		if skip {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
