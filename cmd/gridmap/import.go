package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/dataset"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
)

// importCmd loads a dataset: every problem is printed with its file, line, feature and code, and
// the exit code is 1 with nothing changed; otherwise it prints what was inserted and updated.
func importCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	layer := fl.String("layer", "", "layer of a single file whose name does not say it: "+fmt.Sprint(dataset.Layers))
	quiet := fl.Bool("q", false, "no progress output")
	keepTimes := fl.Bool("keep-times", false, "keep incident times as the dataset has them; by default a dataset that declares as_of is moved forward by whole days to end today")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 1 {
		fmt.Fprintln(stderr, "gridmap import: want exactly one PATH (a dataset folder or a .geojson file)")
		return 2
	}
	path := fl.Arg(0)
	start := time.Now()
	d, err := dataset.Load(path, dataset.Options{Layer: *layer})
	if err != nil {
		return reportImportError(stderr, path, err)
	}
	if !*keepTimes {
		if shift := d.Shift(cfg.Clock.Now()); shift > 0 {
			fmt.Fprintf(stdout, "incident times moved %d days forward: the dataset now ends %s (as_of)\n",
				int(shift.Hours()/24), d.AsOf.In(gridmap.ChinaTime).Format("2006-01-02 15:04 MST"))
		}
	}
	db, err := postgis.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		fmt.Fprintln(stderr, "gridmap import:", err)
		return 1
	}
	defer db.Close()
	db.Clock = cfg.Clock
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintln(stderr, "gridmap import:", err)
		return 1
	}
	var progress postgis.Progress
	if !*quiet {
		progress = newProgress(stderr)
	}
	cal, err := loadCalendar(ctx, db)
	if err != nil {
		fmt.Fprintln(stderr, "gridmap import:", err)
		return 1
	}
	stats, err := db.Import(ctx, d, incidentPlanner(cfg, func() *gridmap.Calendar { return cal }), progress)
	if progress != nil {
		progress("", 0, 0)
	}
	if err != nil {
		return reportImportError(stderr, path, err)
	}
	fmt.Fprintf(stdout, "imported %s in %.1fs\n", path, time.Since(start).Seconds())
	layers := make([]string, 0)
	for _, l := range dataset.Layers {
		if n := d.Count()[l]; n > 0 {
			layers = append(layers, l)
		}
	}
	for _, l := range layers {
		fmt.Fprintf(stdout, "  %-14s %6d read, %6d inserted, %6d updated", l, d.Count()[l], stats.Inserted[l], stats.Updated[l])
		if n := stats.Skipped[l]; n > 0 {
			fmt.Fprintf(stdout, ", %6d already stored", n)
		}
		fmt.Fprintln(stdout)
	}
	return 0
}

func reportImportError(stderr io.Writer, path string, err error) int {
	var ps dataset.Problems
	if errors.As(err, &ps) {
		fmt.Fprintf(stderr, "gridmap import: %s was not imported; nothing was changed. %d problem(s):\n", path, len(ps))
		for _, p := range ps {
			fmt.Fprintln(stderr, "  "+p.String())
		}
		return 1
	}
	fmt.Fprintf(stderr, "gridmap import: %s was not imported; nothing was changed: %v\n", path, err)
	return 1
}

// newProgress returns a progress printer: a line redrawn in place on a terminal, one line per
// stage otherwise (logs, CI). Called with an empty stage, it finishes the line.
func newProgress(w io.Writer) postgis.Progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	last := ""
	return func(stage string, done, total int) {
		if stage == "" {
			if tty && last != "" {
				fmt.Fprintln(w)
			}
			return
		}
		if tty {
			pct := 100
			if total > 0 {
				pct = done * 100 / total
			}
			fmt.Fprintf(w, "\r\033[K%-22s %7d/%-7d %3d%%", stage, done, total, pct)
			last = stage
			return
		}
		if stage != last && done == 0 || done == total && total > 0 {
			fmt.Fprintf(w, "%s: %d/%d\n", stage, done, total)
		}
		last = stage
	}
}
