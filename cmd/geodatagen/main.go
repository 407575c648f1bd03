// Command geodatagen generates geodata/, the bundled Fuqing sample dataset: the real streets and
// committees (names and codes from the NBS 2023 division codes) of the seven 街道 of Fuqing, with
// synthetic geometry, grids, service places, staff and incidents. The same flags always give
// the same bytes:
//
//	go run ./cmd/geodatagen -out geodata
//
// The division lists are read from -source (geodata/source by default), never from outside the
// repository.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// Defaults of the flags: change them and the committed dataset must be regenerated.
const (
	defaultSeed  = 20231130 // any fixed number will do
	defaultUntil = "2026-11-24"
	defaultDays  = 90
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run parses the flags, generates the dataset and writes it, reporting what it did to log.
func run(args []string, log io.Writer) error {
	fs := flag.NewFlagSet("geodatagen", flag.ContinueOnError)
	fs.SetOutput(log)
	out := fs.String("out", "geodata", "directory to write the dataset into")
	source := fs.String("source", "geodata/source", "directory holding fuqing_towns.csv and fuqing_villages.csv")
	seed := fs.Uint64("seed", defaultSeed, "seed of every random choice")
	until := fs.String("until", defaultUntil, "incidents fall in the days before this date (YYYY-MM-DD, 00:00 +08:00)")
	days := fs.Int("days", defaultDays, "how many days of incidents")
	if err := fs.Parse(args); err != nil {
		return err
	}
	untilTime, err := parseDate(*until)
	if err != nil {
		return err
	}
	if *days < 1 {
		return fmt.Errorf("geodatagen: -days must be at least 1")
	}
	start := time.Now()
	d, err := generate(options{Source: *source, Seed: *seed, Until: untilTime, Days: *days})
	if err != nil {
		return err
	}
	if err := d.write(*out); err != nil {
		return err
	}
	fmt.Fprintf(log, "geodatagen: %d streets, %d communities, %d grids, %d red positions, %d stations, %d staff, %d incidents written to %s in %v\n",
		len(d.Streets), len(d.Communities), len(d.Grids), len(d.RedPositions), len(d.Stations), len(d.Staff), len(d.Incidents),
		*out, time.Since(start).Round(time.Millisecond))
	return nil
}

// parseDate reads a YYYY-MM-DD date as midnight China Standard Time.
func parseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, chinaTime)
	if err != nil {
		return time.Time{}, fmt.Errorf("geodatagen: date %q: want YYYY-MM-DD", s)
	}
	return t, nil
}
