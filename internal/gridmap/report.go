package gridmap

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Limits on the free-text fields of a report, in characters.
const (
	MaxDescription = 2000
	MaxReporter    = 200
	MaxClientKey   = 200
)

// Report is an incident as a client sends it, before it is located and stored: the shape shared
// by the HTTP intake, batch intake and dataset import, so all three validate and assign alike.
type Report struct {
	ClientKey   string // Idempotency-Key or batch client id; "" when the client gave none
	Lon, Lat    float64
	CRS         string // "" means wgs84
	Category    string
	Channel     string
	Description string
	Reporter    string
	ReportedAt  time.Time // zero means now
	Status      string    // imports only: the status the incident already has; "" for new reports
	ResolvedAt  time.Time // imports only: when a resolved or closed incident was resolved
}

// MaxReportAhead is how far in the future of the clock a report's own time may lie (a device
// whose clock runs fast), beyond which it is refused.
const MaxReportAhead = 24 * time.Hour

// Validate returns every problem with the report, each naming its field, or nil. Checks
// against the current time (a report from the future) are the intake's, which has the clock.
func (r *Report) Validate() []FieldError {
	var errs []FieldError
	bad := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if math.IsNaN(r.Lon) || math.IsInf(r.Lon, 0) || r.Lon < -180 || r.Lon > 180 {
		bad("lon", "longitude must be a number between -180 and 180")
	}
	if math.IsNaN(r.Lat) || math.IsInf(r.Lat, 0) || r.Lat < -90 || r.Lat > 90 {
		bad("lat", "latitude must be a number between -90 and 90")
	}
	if r.CRS != "" && !ValidCRS(r.CRS) {
		bad("crs", "unknown coordinate system %q: use wgs84, gcj02 or bd09", r.CRS)
	}
	if r.Category == "" {
		bad("category", "category is required")
	} else if _, ok := CategoryByCode(r.Category); !ok {
		bad("category", "unknown category %q: see GET /api/v1/categories", r.Category)
	}
	if r.Channel == "" {
		bad("channel", "channel is required")
	} else if _, ok := Lookup(Channels, r.Channel); !ok {
		bad("channel", "unknown channel %q: see GET /api/v1/categories", r.Channel)
	}
	if n := len([]rune(r.Description)); n > MaxDescription {
		bad("description", "description has %d characters, at most %d allowed", n, MaxDescription)
	}
	if n := len([]rune(r.Reporter)); n > MaxReporter {
		bad("reporter", "reporter has %d characters, at most %d allowed", n, MaxReporter)
	}
	if len(r.ClientKey) > MaxClientKey || strings.ContainsAny(r.ClientKey, "\x00\n\r") {
		bad("client_id", "client id must be at most %d bytes without control characters", MaxClientKey)
	}
	if !r.ReportedAt.IsZero() && r.ReportedAt.Year() < 2000 {
		bad("reported_at", "reported_at %s is not a plausible time", r.ReportedAt.Format(time.RFC3339))
	}
	if !r.ResolvedAt.IsZero() && (r.Status != StatusResolved && r.Status != StatusClosed || r.ResolvedAt.Before(r.ReportedAt)) {
		bad("resolved_at", "resolved_at needs status resolved or closed and may not precede reported_at")
	}
	if r.Status != "" {
		if _, ok := Lookup(Statuses, r.Status); !ok {
			bad("status", "unknown status %q", r.Status)
		}
	}
	return errs
}
