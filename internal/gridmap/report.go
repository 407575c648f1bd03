package gridmap

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Limits on the free-text fields of a report: characters, and bytes for the client id.
const (
	MaxDescription = 2000
	MaxReporter    = 200
	MaxClientID    = 200
)

// Where a report's client id comes from. An incident is stored under its client id with the
// source's prefix, so that one string used as an Idempotency-Key and as a batch item's client
// id names two reports, and a retry through the same door finds the first.
const (
	KeyIdempotency = "idem:"  // the Idempotency-Key header of a single report
	KeyBatch       = "batch:" // the client_id of a batch item
	KeyDataset     = ""       // the client_id of a dataset's incident, stored as it is
	keyMade        = "auto-"  // made up by the intake for a report without one
)

// StoredKey is the key an incident reported with this client id through this door is stored
// under; "" when the client gave no id.
func StoredKey(source, clientID string) string {
	if clientID == "" {
		return ""
	}
	return source + clientID
}

// MadeKey is the key under which a report without a client id is stored: random, so that it
// never meets another.
func MadeKey(random string) string { return keyMade + random }

// ClientIDOf returns the client id a stored key shows to callers: the id a batch item or a
// dataset gave. Idempotency-Keys (retry tokens, not names) and made-up keys show as "".
func ClientIDOf(key string) string {
	if strings.HasPrefix(key, keyMade) || strings.HasPrefix(key, KeyIdempotency) {
		return ""
	}
	return strings.TrimPrefix(key, KeyBatch)
}

// Report is an incident as a client sends it, before it is located and stored: the shape shared
// by the HTTP intake, batch intake and dataset import, so all three validate and assign alike.
type Report struct {
	ClientID    string // what the client gave to make retries safe; "" when none
	KeySource   string // where ClientID came from: KeyIdempotency, KeyBatch or KeyDataset
	Lon, Lat    float64
	CRS         string // "" means wgs84
	Category    string
	Channel     string
	Description string
	Reporter    string
	ReportedAt  time.Time // zero means now
	Status      string    // imports only: the status the incident already has; "" for new reports
	ResolvedAt  time.Time // imports only: when a resolved or closed incident was resolved
	// History is, for imports only, the loop's steps the incident went through after its
	// report: replayed at import, they must end in Status and ResolvedAt.
	History  []Step
	Recorded time.Time // replays only: when the report was recorded (zero: now)
	// Simulated marks a report the demo's simulated city made up; no client can set it.
	Simulated bool
	// By is the account reporting it, from the signed-in caller; never from the body.
	By Actor
	// Scope is where By may report (nil: anywhere): a report whose point lies in a grid
	// outside it is refused.
	Scope Scope
}

// KeyField names the input a report's client id came from, for errors about it.
func (r *Report) KeyField() string {
	if r.KeySource == KeyIdempotency {
		return "Idempotency-Key"
	}
	return "client_id"
}

// StoredKey is the key the report is stored under ("" without a client id).
func (r *Report) StoredKey() string { return StoredKey(r.KeySource, r.ClientID) }

// checkClientID: a client id is at most MaxClientID bytes of one-line UTF-8 text.
func (r *Report) checkClientID() *FieldError {
	field := r.KeyField()
	if e := textError(field, r.ClientID, MaxClientID, true); e != nil {
		return e
	}
	if len(r.ClientID) > MaxClientID {
		return &FieldError{Field: field, Message: fmt.Sprintf("%s has %d bytes, at most %d allowed", field, len(r.ClientID), MaxClientID)}
	}
	return nil
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
	errs = appendProblems(errs,
		textError("description", r.Description, MaxDescription, false),
		textError("reporter", r.Reporter, MaxReporter, true),
		r.checkClientID())
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
	return append(errs, checkHistory(r.History, r.ReportedAt)...)
}
