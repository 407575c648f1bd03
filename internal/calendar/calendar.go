// Package calendar holds China's national holiday schedule as the State Council publishes it
// each year — rest days and make-up working days (调休), each with the notice it comes from — in
// a data file built into the binary (cn_holidays.csv). A city adds what the file lacks (a year
// not yet in it, a local rest day) to the database; the calendar in force is both together.
package calendar

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/gridmap/gridmap/internal/gridmap"
)

//go:embed cn_holidays.csv
var nationalCSV []byte

// National returns the national schedule of the data file, in date order.
func National() []gridmap.CalendarDay { return slices.Clone(national()) }

// national parses the data file once; it never changes while the program runs.
var national = sync.OnceValue(func() []gridmap.CalendarDay {
	days, err := Parse(bytes.NewReader(nationalCSV))
	if err != nil {
		panic("calendar: the built-in schedule does not parse: " + err.Error()) // a build defect; a test reads it
	}
	return days
})

// defaultCalendar is the national schedule alone, built once.
var defaultCalendar = sync.OnceValue(func() *gridmap.Calendar { return gridmap.NewCalendar(national()) })

// Parse reads a schedule in the data file's form: a header date,day,holiday,source and a row
// a day. Every problem names its line.
func Parse(r io.Reader) ([]gridmap.CalendarDay, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 4
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("calendar: line 1: %w", err)
	}
	if header[0] != "date" || header[1] != "day" || header[2] != "holiday" || header[3] != "source" {
		return nil, fmt.Errorf("calendar: line 1: the header must be date,day,holiday,source, not %v", header)
	}
	var days []gridmap.CalendarDay
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return days, nil
		}
		if err != nil {
			return nil, fmt.Errorf("calendar: line %d: %w", line, err)
		}
		d := gridmap.CalendarDay{Date: rec[0], Kind: rec[1], Name: rec[2], Source: rec[3]}
		if errs := d.Validate(); len(errs) > 0 {
			return nil, fmt.Errorf("calendar: line %d: %s", line, errs[0].Message)
		}
		days = append(days, d)
	}
}

// Default is the national schedule alone, for the commands and tests that have no database.
func Default() *gridmap.Calendar { return defaultCalendar() }
