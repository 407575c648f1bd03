package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The tile suite measures, in one run against one server, tiles per second and latency for the
// grid and incident layers at zooms 10, 14 and 17 with 8 and 64 clients, along these paths:
//
//	cached    the tile service with its cache, warmed by one pass over the tiles
//	uncached  the tile service drawing every tile as on a miss (X-Gridmap-Cache: bypass)
//	store     incidents only: read from PostGIS per tile, as while the snapshot is rebuilt
//	sql       one ST_AsMVT query per tile in PostGIS, as pg_tileserv draws it (/tiles-sql)
//
// Tiles are MVT, spread over the data's bounds (from the layer's TileJSON), requested round
// robin, without gzip. The server must run with GRIDMAP_BENCH=1; -serve starts one.

type suitePath struct {
	name   string
	cached bool
	source string
}

var suitePaths = []suitePath{
	{"cached", true, "go"},
	{"uncached", false, "go"},
	{"store", false, "store"},
	{"sql", true, "sql"},
}

type suiteRow struct {
	layer   string
	zoom    int
	clients int
	path    string
	tiles   int
	perSec  float64
	p50     time.Duration
	p99     time.Duration
	bytes   float64 // per tile
	errors  int64
	note    string
}

func runTileSuite(ctx context.Context, o options, cell time.Duration, serveDB string, out, logw io.Writer) error {
	if serveDB != "" {
		srv, err := startServer(ctx, serveDB, true, logw)
		if err != nil {
			return err
		}
		defer srv.stop(logw)
		o.base = srv.url
	}
	client := &http.Client{Timeout: 30 * time.Second}
	if code, err := status(client, o.base+"/tiles-sql/grids/10/851/436.mvt"); err != nil || code != 200 {
		return fmt.Errorf("%s does not serve /tiles-sql (status %d, %v): run it with GRIDMAP_BENCH=1, or use -serve", o.base, code, err)
	}
	var tj struct{ Bounds [4]float64 }
	if err := getJSON(client, o.base+"/tiles/grids.json", &tj); err != nil {
		return err
	}
	o.bbox = tj.Bounds
	features, err := waitInMemory(client, o.base, []string{"grids", "incidents"}, time.Minute)
	if err != nil {
		fmt.Fprintf(logw, "loadgen: %v; measuring anyway\n", err)
	}

	var rows []suiteRow
	start := time.Now()
	for _, layer := range []string{"grids", "incidents"} {
		for _, z := range []int{10, 14, 17} {
			for _, c := range []int{8, 64} {
				for _, p := range suitePaths {
					if p.source == "store" && layer != "incidents" {
						continue
					}
					oo := o
					oo.scenario, oo.layer, oo.zoom, oo.format = "tiles", layer, z, "mvt"
					oo.concurrency, oo.duration, oo.maxRequests = c, cell, 1<<40
					oo.cached, oo.source, oo.gzip, oo.query = p.cached, p.source, false, ""
					set := tileSet(oo)
					if p.name == "cached" {
						for _, path := range set { // warm the cache
							status(client, oo.base+path)
						}
					}
					res, err := run(ctx, oo)
					if err != nil {
						return err
					}
					sort.Slice(res.latencies, func(i, j int) bool { return res.latencies[i] < res.latencies[j] })
					row := suiteRow{layer: layer, zoom: z, clients: c, path: p.name, tiles: len(set),
						perSec: float64(res.requests) / res.elapsed.Seconds(), p50: res.percentile(0.5), p99: res.percentile(0.99),
						errors: res.errors}
					if res.requests > 0 {
						row.bytes = float64(res.bytes) / float64(res.requests)
					}
					if res.errors > 0 {
						row.note = truncate(res.firstError, 80)
					}
					fmt.Fprintf(logw, "loadgen: %-9s z%-2d c%-2d %-8s %8.0f tiles/s  p50 %s  p99 %s\n", layer, z, c, p.name, row.perSec, ms(row.p50), ms(row.p99))
					rows = append(rows, row)
				}
			}
		}
	}
	printSuite(out, o, rows, features, cell, time.Since(start))
	return nil
}

func printSuite(w io.Writer, o options, rows []suiteRow, features map[string]int, cell, took time.Duration) {
	sqlRate := map[string]float64{}
	for _, r := range rows {
		if r.path == "sql" {
			sqlRate[fmt.Sprint(r.layer, r.zoom, r.clients)] = r.perSec
		}
	}
	fmt.Fprintf(w, "Tile benchmark: %s, %d CPUs (loadgen, server and PostgreSQL share them), %s per cell, %s in all.\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), cell, took.Round(time.Second))
	fmt.Fprintf(w, "Data: %d grids, %d incidents; tiles spread over %.4f,%.4f,%.4f,%.4f; MVT without gzip.\n\n",
		features["grids"], features["incidents"], o.bbox[0], o.bbox[1], o.bbox[2], o.bbox[3])
	fmt.Fprintln(w, "| layer | z | clients | path | tiles/s | p50 ms | p99 ms | KB/tile | × SQL |")
	fmt.Fprintln(w, "|---|---:|---:|---|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		ratio := "—"
		if sql := sqlRate[fmt.Sprint(r.layer, r.zoom, r.clients)]; sql > 0 && r.path != "sql" {
			ratio = fmt.Sprintf("%.1f", r.perSec/sql)
		}
		note := ""
		if r.errors > 0 {
			note = fmt.Sprintf(" (%d errors: %s)", r.errors, r.note)
		}
		fmt.Fprintf(w, "| %s | %d | %d | %s | %.0f | %.2f | %.2f | %.1f | %s |%s\n", r.layer, r.zoom, r.clients, r.path,
			r.perSec, float64(r.p50.Microseconds())/1000, float64(r.p99.Microseconds())/1000, r.bytes/1000, ratio, note)
	}
}

func status(client *http.Client, url string) (int, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func getJSON(client *http.Client, url string, v any) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// waitInMemory polls /metrics until the layers' tiles come from their snapshots, and returns
// the layers' feature counts.
func waitInMemory(client *http.Client, base string, layers []string, limit time.Duration) (map[string]int, error) {
	deadline := time.Now().Add(limit)
	for {
		inMem, counts, err := tileLayerMetrics(client, base)
		if err != nil {
			return nil, err
		}
		ready := true
		for _, l := range layers {
			ready = ready && inMem[l]
		}
		if ready {
			return counts, nil
		}
		if time.Now().After(deadline) {
			return counts, fmt.Errorf("layers %v are not all held in memory after %s", layers, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func tileLayerMetrics(client *http.Client, base string) (map[string]bool, map[string]int, error) {
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	inMem, counts := map[string]bool{}, map[string]int{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		for _, m := range []string{"gridmap_tile_layer_in_memory", "gridmap_tile_layer_features"} {
			rest, ok := strings.CutPrefix(line, m+`{layer="`)
			if !ok {
				continue
			}
			layer, val, _ := strings.Cut(rest, `"} `)
			v, _ := strconv.ParseFloat(val, 64)
			if m == "gridmap_tile_layer_in_memory" {
				inMem[layer] = v == 1
			} else {
				counts[layer] = int(v)
			}
		}
	}
	return inMem, counts, sc.Err()
}

// server is a gridmap server this process built and started for a run.
type server struct {
	cmd    *exec.Cmd
	dir    string
	url    string
	token  string        // an API token of the command centre, made for the run
	waited chan struct{} // closed when the process has ended
	err    error         // how it ended, once waited is closed
}

// exited is nil while the server process runs, and how it ended once it has.
func (s *server) exited() error {
	select {
	case <-s.waited:
		if s.err == nil {
			return errors.New("exited with status 0")
		}
		return s.err
	default:
		return nil
	}
}

// startServer builds cmd/gridmap and serves db on a free loopback port with request logging off
// (log level warn), so that a run measures requests and not log lines, and with the benchmark
// switch GRIDMAP_BENCH if bench.
func startServer(ctx context.Context, db string, bench bool, logw io.Writer) (*server, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
		return nil, fmt.Errorf("-serve must run inside the gridmap module: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	dir, err := os.MkdirTemp("", "loadgen-gridmap-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "gridmap")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/gridmap")
	build.Dir, build.Stdout, build.Stderr = root, logw, logw
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("build cmd/gridmap: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	benchSwitch := "GRIDMAP_BENCH=0"
	if bench {
		benchSwitch = "GRIDMAP_BENCH=1"
	}
	cmd.Env = append(os.Environ(), "DATABASE_URL="+db, "GRIDMAP_ADDR="+addr, benchSwitch, "GRIDMAP_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &server{cmd: cmd, dir: dir, url: "http://" + addr, waited: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.waited)
	}()
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(2 * time.Minute); ; {
		if code, err := status(client, s.url+"/readyz"); err == nil && code == 200 {
			fmt.Fprintf(logw, "loadgen: serving %s at %s (log %s)\n", redact(db), s.url, logFile.Name())
			if s.token, err = runToken(ctx, bin, cmd.Env); err != nil {
				s.stop(logw)
				return nil, err
			}
			return s, nil
		}
		if time.Now().After(deadline) {
			s.stop(logw)
			return nil, errors.New("the server did not become ready within 2 minutes; see " + logFile.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// runToken makes (or reuses) the load generator's account, a command centre, and an API token
// for the run, with the server's own commands.
func runToken(ctx context.Context, bin string, env []string) (string, error) {
	add := exec.CommandContext(ctx, bin, "user", "add", "loadgen", "--role", "command", "--name", "load generator")
	add.Env, add.Stdin = env, strings.NewReader("loadgen password, not for production\n")
	add.Run() // fails when the account is there from an earlier run, which is as good
	tok := exec.CommandContext(ctx, bin, "token", "create", "loadgen", "--name", "loadgen run", "--expires", "24h")
	tok.Env = env
	out, err := tok.Output()
	if err != nil {
		return "", fmt.Errorf("make an API token for the run: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1], nil
}

// stop interrupts the server it started, waits for it and removes its files.
func (s *server) stop(logw io.Writer) {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.waited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.waited
		fmt.Fprintln(logw, "loadgen: the server did not stop within 20s and was killed")
	}
	os.RemoveAll(s.dir)
}

// redact hides the password of a database URL.
func redact(db string) string {
	if u, err := url.Parse(db); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}
