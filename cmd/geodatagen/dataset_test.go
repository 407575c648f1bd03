package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// update rewrites the committed dataset from the generator instead of comparing with it:
//
//	go test ./cmd/geodatagen -run TestCommittedDatasetIsFresh -update
var update = flag.Bool("update", false, "regenerate the committed geodata/ instead of comparing with it")

// The committed dataset and the source it is generated from, relative to this package.
const (
	committedDir = "../../geodata"
	sourceDir    = "../../geodata/source"
)

// generateInto runs the generator as `go run ./cmd/geodatagen` would, into dir.
func generateInto(t *testing.T, dir string) {
	t.Helper()
	if err := run([]string{"-out", dir, "-source", sourceDir}, io.Discard); err != nil {
		t.Fatalf("generate: %v", err)
	}
}

// fresh holds one generation shared by the tests of this package run: generating takes about a
// second (far more with -race), and every test reads the same bytes.
var fresh struct {
	once sync.Once
	dir  string
	err  error
}

// generated returns the directory of a fresh generation, made once per test binary.
func generated(t *testing.T) string {
	t.Helper()
	fresh.once.Do(func() {
		fresh.dir, fresh.err = os.MkdirTemp("", "geodatagen-test-")
		if fresh.err == nil {
			fresh.err = run([]string{"-out", fresh.dir, "-source", sourceDir}, io.Discard)
		}
	})
	if fresh.err != nil {
		t.Fatalf("generate: %v", fresh.err)
	}
	return fresh.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fresh.dir != "" {
		os.RemoveAll(fresh.dir)
	}
	os.Exit(code)
}

func TestGenerationIsDeterministic(t *testing.T) {
	first := generated(t)
	second := t.TempDir()
	generateInto(t, second)
	for _, name := range outputFiles {
		a, b := readFile(t, filepath.Join(first, name)), readFile(t, filepath.Join(second, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two generations (%d and %d bytes, first difference at byte %d)", name, len(a), len(b), firstDifference(a, b))
		}
	}
}

func TestCommittedDatasetIsFresh(t *testing.T) {
	dir := generated(t)
	for _, name := range outputFiles {
		want := readFile(t, filepath.Join(dir, name))
		path := filepath.Join(committedDir, name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v: run `go run ./cmd/geodatagen -out geodata`", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("geodata/%s differs from a fresh generation at byte %d: never edit it by hand; run `go run ./cmd/geodatagen -out geodata`", name, firstDifference(got, want))
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func firstDifference(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
