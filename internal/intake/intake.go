// Package intake turns residents' reports into stored, assigned incidents: it validates a
// report, converts its coordinates to WGS-84, finds its grid with the in-memory index, works out
// its due time, and stores it through the domain's IncidentStore — the same code for single
// reports, batches and dataset imports, so all three assign alike.
package intake

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/crs"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// Locator assigns a WGS-84 point to a grid: contains, nearest within the tolerance, or
// unassigned with the reason. Implementations must be safe for concurrent use.
type Locator interface {
	Assign(lon, lat float64) gridmap.Assignment
}

// Prepare validates a report and builds the incident to store, with the digest of the request
// (so a reused client key with a different report is caught) and its due time by the calendar.
// Validation problems are returned as field errors, and no incident.
func Prepare(loc Locator, cal *gridmap.Calendar, rep gridmap.Report, now time.Time) (gridmap.Incident, []byte, []gridmap.FieldError) {
	errs := rep.Validate()
	if !rep.ReportedAt.IsZero() && rep.ReportedAt.After(now.Add(gridmap.MaxReportAhead)) {
		errs = append(errs, gridmap.FieldError{Field: "reported_at", Message: "reported_at " + rep.ReportedAt.Format(time.RFC3339) + " lies in the future"})
	}
	if len(errs) > 0 {
		return gridmap.Incident{}, nil, errs
	}
	system := rep.CRS
	if system == "" {
		system = gridmap.CRSWGS84
	}
	lon, lat, err := crs.ToWGS84(system, rep.Lon, rep.Lat)
	if err != nil {
		return gridmap.Incident{}, nil, []gridmap.FieldError{{Field: "crs", Message: err.Error()}}
	}
	reportedAt := rep.ReportedAt
	if reportedAt.IsZero() {
		reportedAt = now
	}
	cat, _ := gridmap.CategoryByCode(rep.Category)
	in := gridmap.Incident{
		ClientKey:   rep.StoredKey(),
		Point:       orb.Point{lon, lat},
		Reported:    orb.Point{rep.Lon, rep.Lat},
		CRS:         system,
		Category:    rep.Category,
		Channel:     rep.Channel,
		Description: rep.Description,
		Reporter:    rep.Reporter,
		Simulated:   rep.Simulated,
		ReportedBy:  rep.By,
		ReportedAt:  reportedAt.UTC(),
		DueAt:       cal.DueAt(reportedAt, cat.LimitHours),
		Assignment:  loc.Assign(lon, lat),
	}
	if !rep.ResolvedAt.IsZero() {
		in.ResolvedAt = rep.ResolvedAt.UTC()
	}
	in.Received(cal)
	in.CreatedAt = rep.Recorded
	switch {
	case rep.Status != "":
		in.Status = rep.Status
	case in.Assignment.Method == gridmap.MethodUnassigned:
		in.Status = gridmap.StatusReported
	default:
		in.Status = gridmap.StatusAssigned
	}
	if rep.Scope != nil && !rep.Scope.Contains(in.Assignment.GridCode) {
		return gridmap.Incident{}, nil, []gridmap.FieldError{{Field: "lon", Message: "the point lies outside the part of the city you report for"}}
	}
	if in.ClientKey == "" {
		in.ClientKey = gridmap.MadeKey(randomHex(12))
	}
	return in, digest(rep, system), nil
}

// digest is a SHA-256 over the report's fields in a fixed order.
func digest(rep gridmap.Report, system string) []byte {
	h := sha256.New()
	var b [8]byte
	num := func(f float64) { binary.LittleEndian.PutUint64(b[:], math.Float64bits(f)); h.Write(b[:]) }
	str := func(s string) { binary.LittleEndian.PutUint64(b[:], uint64(len(s))); h.Write(b[:]); h.Write([]byte(s)) }
	num(rep.Lon)
	num(rep.Lat)
	str(system)
	str(rep.Category)
	str(rep.Channel)
	str(rep.Description)
	str(rep.Reporter)
	if !rep.ReportedAt.IsZero() {
		str(rep.ReportedAt.UTC().Format(time.RFC3339Nano))
	}
	str(rep.Status)
	return h.Sum(nil)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Service takes reports in and stores them.
type Service struct {
	Store   gridmap.IncidentStore
	Locator func() Locator // the current index snapshot
	// Calendar is the working calendar in force (nil: the national schedule alone).
	Calendar func() *gridmap.Calendar
	Now      func() time.Time
	// Stored, when set, is called after new incidents were committed and before Report or
	// Batch returns, so that this instance's caches (the incident tiles) drop what the new
	// incidents make stale before the caller is told they are stored: the caller's next read
	// sees them. Other instances learn of them through the database's change notices.
	Stored func()

	committer *committer
}

// Start makes single reports share statements (see committer) until ctx ends; without it each
// report is stored by a statement of its own. Call it before serving.
func (s *Service) Start(ctx context.Context, workers int) {
	s.committer = newCommitter(s.Store, workers, 256)
	go s.committer.run(ctx, workers)
}

func (s *Service) stored() {
	if s.Stored != nil {
		s.Stored()
	}
}

// WorkingCalendar is the working calendar in force, by which the intake reckons due times:
// Calendar's, or the national schedule alone. Callers that take steps of the loop beside the
// intake (the simulated city) reckon by the same one.
func (s *Service) WorkingCalendar() *gridmap.Calendar {
	if s.Calendar != nil {
		return s.Calendar()
	}
	return calendar.Default()
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Report stores one report and returns the stored incident, and whether this call created it
// (false: the client key was already stored, and the incident is the one stored then). A key
// reused with a different report is an EConflict error.
func (s *Service) Report(ctx context.Context, rep gridmap.Report) (gridmap.Incident, bool, error) {
	in, hash, errs := Prepare(s.Locator(), s.WorkingCalendar(), rep, s.now())
	if len(errs) > 0 {
		e := gridmap.Invalid(errs[0].Field, "%s", errs[0].Message)
		e.Details = errs
		return gridmap.Incident{}, false, e
	}
	var r gridmap.StoreResult
	if s.committer != nil {
		var err error
		if r, err = s.committer.store1(ctx, in, hash); err != nil {
			return gridmap.Incident{}, false, err
		}
	} else {
		res, err := s.Store.CreateIncidents(ctx, []gridmap.Incident{in}, [][]byte{hash})
		if err != nil {
			return gridmap.Incident{}, false, err
		}
		r = res[0]
	}
	if r.Mismatch {
		return gridmap.Incident{}, false, &gridmap.Error{Code: gridmap.EConflict, Field: "Idempotency-Key",
			Message: "this Idempotency-Key was already used for a different report (incident " + itoa(r.ID) + ")"}
	}
	if !r.Created {
		stored, err := s.Store.Incident(ctx, r.ID)
		return stored, false, err
	}
	s.stored()
	// Just stored: the incident is what was prepared, with the id and times the database gave
	// it and the one audit event the insert wrote; no need to read it back.
	in.ID, in.CreatedAt, in.UpdatedAt = r.ID, r.CreatedAt, r.CreatedAt
	in.Loop.PossibleDupOf = r.PossibleDupOf
	actor := in.ReportedBy.Name
	if actor == "" {
		actor = "intake" // as the store records a report made by no account
	}
	in.History = []gridmap.Event{{At: r.CreatedAt, Actor: actor, ActorID: in.ReportedBy.UserID, Role: in.ReportedBy.Role, Kind: gridmap.EvReport, To: in.Status, Note: firstNote(in)}}
	return in, true, nil
}

// firstNote is the note of an incident's first audit event, as the store writes it.
func firstNote(in gridmap.Incident) string {
	if in.Assignment.Method == gridmap.MethodUnassigned {
		return "reported (unassigned: " + in.Assignment.Reason + ")"
	}
	return "reported"
}

// Outcomes of one batch item.
const (
	OutcomeCreated  = "created"
	OutcomeExisting = "already_stored"
	OutcomeRejected = "rejected"
)

// ItemResult is what happened to one item of a batch, at the item's index.
type ItemResult struct {
	Index      int
	ClientID   string
	Outcome    string
	ID         int64
	Status     string
	Assignment gridmap.Assignment
	Errors     []gridmap.FieldError
}

// Batch stores many reports at once. Every item gets its own result: a bad item is rejected
// with its reasons and never blocks the good ones; items whose client id is already stored (or
// repeated earlier in the batch) are reported as already stored and not stored again. All good
// items are stored in one transaction, and Batch returns only after it committed.
func (s *Service) Batch(ctx context.Context, reps []gridmap.Report) ([]ItemResult, error) {
	return s.batch(ctx, reps, false)
}

// Replay stores reports that carry the status they have already reached (and when they were
// resolved), as a dataset import does: for the program's own callers that record the past,
// such as the simulated city filling in the hours before it started. Clients never reach it.
func (s *Service) Replay(ctx context.Context, reps []gridmap.Report) ([]ItemResult, error) {
	return s.batch(ctx, reps, true)
}

func (s *Service) batch(ctx context.Context, reps []gridmap.Report, withStatus bool) ([]ItemResult, error) {
	now := s.now()
	loc, cal := s.Locator(), s.WorkingCalendar()
	results := make([]ItemResult, len(reps))
	ins := make([]gridmap.Incident, 0, len(reps))
	hashes := make([][]byte, 0, len(reps))
	pos := make([]int, 0, len(reps))
	firstOf := make(map[string]int, len(reps))
	for i, rep := range reps {
		r := &results[i]
		r.Index, r.ClientID = i, rep.ClientID
		key := rep.StoredKey()
		if key == "" {
			r.Outcome = OutcomeRejected
			r.Errors = []gridmap.FieldError{{Field: "client_id", Message: "client_id is required in a batch, so that a retried batch stores nothing twice"}}
			continue
		}
		if rep.Status != "" && !withStatus {
			r.Outcome = OutcomeRejected
			r.Errors = []gridmap.FieldError{{Field: "status", Message: "new reports cannot set a status"}}
			continue
		}
		in, hash, errs := Prepare(loc, cal, rep, now)
		if len(errs) > 0 {
			r.Outcome, r.Errors = OutcomeRejected, errs
			continue
		}
		if j, dup := firstOf[key]; dup {
			r.Outcome = OutcomeExisting
			r.Errors = []gridmap.FieldError{{Field: "client_id", Message: "repeats item " + itoa(int64(j)) + " of this batch"}}
			continue
		}
		firstOf[key] = i
		r.Status, r.Assignment = in.Status, in.Assignment
		ins = append(ins, in)
		hashes = append(hashes, hash)
		pos = append(pos, i)
	}
	if len(ins) > 0 {
		stored, err := s.Store.CreateIncidents(ctx, ins, hashes)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(stored, func(st gridmap.StoreResult) bool { return st.Created }) {
			s.stored()
		}
		for k, st := range stored {
			r := &results[pos[k]]
			r.ID = st.ID
			switch {
			case st.Created:
				r.Outcome = OutcomeCreated
			case st.Mismatch:
				r.Outcome = OutcomeRejected
				r.Errors = []gridmap.FieldError{{Field: "client_id", Message: "client_id was already used for a different report (incident " + itoa(st.ID) + ")"}}
			default:
				r.Outcome = OutcomeExisting
			}
		}
		// Point duplicates within the batch at the id their first occurrence got.
		for i := range results {
			if results[i].Outcome == OutcomeExisting && results[i].ID == 0 {
				results[i].ID = results[firstOf[reps[i].StoredKey()]].ID
			}
		}
	}
	return results, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
