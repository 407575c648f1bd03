package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/strictjson"
)

// reportIn is the JSON body of one report. Pointers tell a missing value from a zero one.
type reportIn struct {
	ClientID    *string  `json:"client_id"`
	Lon         *float64 `json:"lon"`
	Lat         *float64 `json:"lat"`
	CRS         string   `json:"crs"`
	Category    string   `json:"category"`
	Channel     string   `json:"channel"`
	Description string   `json:"description"`
	Reporter    string   `json:"reporter"`
	ReportedAt  string   `json:"reported_at"`
}

// decodeReport parses one report that came through source (gridmap.KeyIdempotency for a
// single report, gridmap.KeyBatch for a batch item), returning every problem with its field.
func decodeReport(raw []byte, source string) (gridmap.Report, []gridmap.FieldError) {
	var in reportIn
	if err := strictjson.Decode(raw, &in); err != nil {
		return gridmap.Report{}, []gridmap.FieldError{jsonError(err)}
	}
	var errs []gridmap.FieldError
	rep := gridmap.Report{KeySource: source, CRS: in.CRS, Category: in.Category, Channel: in.Channel, Description: in.Description, Reporter: in.Reporter}
	if in.ClientID != nil {
		rep.ClientID = *in.ClientID
	}
	if in.Lon == nil {
		errs = append(errs, gridmap.FieldError{Field: "lon", Message: "lon is required"})
	} else {
		rep.Lon = *in.Lon
	}
	if in.Lat == nil {
		errs = append(errs, gridmap.FieldError{Field: "lat", Message: "lat is required"})
	} else {
		rep.Lat = *in.Lat
	}
	if in.ReportedAt != "" {
		t, err := time.Parse(time.RFC3339, in.ReportedAt)
		if err != nil {
			errs = append(errs, gridmap.FieldError{Field: "reported_at", Message: "reported_at must be an RFC 3339 time such as 2026-11-25T09:30:00+08:00"})
		}
		rep.ReportedAt = t
	}
	if len(errs) > 0 {
		// Report the structural problems together with the semantic ones.
		for _, e := range rep.Validate() {
			if e.Field != "lon" && e.Field != "lat" {
				errs = append(errs, e)
			}
		}
		return rep, errs
	}
	return rep, nil
}

func (s *Server) now() time.Time { return s.opts.Clock.Now() }

// createIncident: POST /api/v1/incidents. 201 with the stored incident only after its
// transaction committed; with an Idempotency-Key already used for the same report, 200 with
// the incident stored then.
func (s *Server) createIncident(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	if err := requireJSON(c); err != nil {
		return err
	}
	rep, errs := decodeReport(c.Body(), gridmap.KeyIdempotency)
	if len(errs) > 0 {
		return fieldsError(errs)
	}
	if rep.ClientID != "" {
		return gridmap.Invalid("client_id", "client_id belongs to batch items; send a single report's retry key in the Idempotency-Key header")
	}
	rep.ClientID = c.Get("Idempotency-Key")
	p := principal(c)
	rep.By, rep.Scope = p.ActorFor(gridmap.ActReport), p.ScopeFor(gridmap.ActReport)
	in, created, err := s.deps.Intake.Report(c.UserContext(), rep)
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if !created {
		status = fiber.StatusOK
		c.Set("Idempotent-Replayed", "true")
	}
	c.Set(fiber.HeaderLocation, "/api/v1/incidents/"+strconv.FormatInt(in.ID, 10))
	return c.Status(status).JSON(toIncidentJSON(in, s.now(), personalFor(p, &in)))
}

// createBatch: POST /api/v1/incidents/batch, a JSON array or NDJSON of reports, each with a
// client_id. Each item gets its own result; bad items never block good ones.
func (s *Server) createBatch(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	if err := requireJSON(c, "application/x-ndjson", "application/ndjson", "application/jsonl"); err != nil {
		return err
	}
	items, err := splitBatch(c.Body(), s.opts.MaxBatch)
	if err != nil {
		return err
	}
	reps := make([]gridmap.Report, len(items))
	pre := make([][]gridmap.FieldError, len(items))
	p := principal(c)
	by, scope := p.ActorFor(gridmap.ActReport), p.ScopeFor(gridmap.ActReport)
	for i, raw := range items {
		reps[i], pre[i] = decodeReport(raw, gridmap.KeyBatch)
		reps[i].By, reps[i].Scope = by, scope
	}
	// Items that did not even decode are rejected here; the rest go to intake.
	valid := make([]gridmap.Report, 0, len(items))
	at := make([]int, 0, len(items))
	for i := range items {
		if len(pre[i]) == 0 {
			valid = append(valid, reps[i])
			at = append(at, i)
		}
	}
	res, err := s.deps.Intake.Batch(c.UserContext(), valid)
	if err != nil {
		return err
	}
	out := make([]itemResultJSON, len(items))
	counts := map[string]int{intake.OutcomeCreated: 0, intake.OutcomeExisting: 0, intake.OutcomeRejected: 0}
	for i := range items {
		if len(pre[i]) > 0 {
			out[i] = itemResultJSON{Index: i, ClientID: reps[i].ClientID, Outcome: intake.OutcomeRejected, Errors: pre[i]}
		}
	}
	for k, r := range res {
		r.Index = at[k]
		out[at[k]] = toItemResultJSON(r)
	}
	for _, r := range out {
		counts[r.Outcome]++
	}
	return c.JSON(fiber.Map{"results": out, "created": counts[intake.OutcomeCreated],
		"already_stored": counts[intake.OutcomeExisting], "rejected": counts[intake.OutcomeRejected]})
}

// splitBatch cuts a body into items: a JSON array, or NDJSON (one JSON object per line). A
// malformed NDJSON line becomes an item that fails to decode, so only it is rejected; a
// malformed array fails the whole request, naming the byte where it broke.
func splitBatch(body []byte, max int) ([]json.RawMessage, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, gridmap.Invalid("body", "empty batch: send a JSON array or NDJSON of reports")
	}
	var items []json.RawMessage
	if trimmed[0] == '[' {
		// Only the array's syntax is checked here; each item is decoded, strictly, on its own,
		// so that a bad item is rejected alone.
		if err := json.Unmarshal(trimmed, &items); err != nil {
			if cerr := strictjson.Check(trimmed); cerr != nil {
				err = cerr
			}
			fe := jsonError(err)
			return nil, gridmap.Invalid("body", "%s", fe.Message)
		}
	} else {
		for _, line := range bytes.Split(trimmed, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
			items = append(items, json.RawMessage(line))
			if len(items) > max {
				break
			}
		}
	}
	if len(items) > max {
		return nil, &gridmap.Error{Code: gridmap.ETooLarge, Field: "body", Message: fmt.Sprintf("batch has more than %d items; split it", max)}
	}
	if len(items) == 0 {
		return nil, gridmap.Invalid("body", "empty batch")
	}
	return items, nil
}

// parseID reads the incident id of the path.
func parseID(c *fiber.Ctx) (int64, error) { return pathID(c, "id", "incident") }

// readableIncident is the incident the path names, if the caller may read it.
func (s *Server) readableIncident(c *fiber.Ctx) (gridmap.Incident, error) {
	id, err := parseID(c)
	if err != nil {
		return gridmap.Incident{}, err
	}
	in, err := s.deps.Incidents.Incident(c.UserContext(), id)
	if err != nil {
		return gridmap.Incident{}, err
	}
	if !mayRead(principal(c), &in) {
		return gridmap.Incident{}, notFoundOutside("incident %d not found", id)
	}
	return in, nil
}

// getIncident: GET /api/v1/incidents/{id}, with its history.
func (s *Server) getIncident(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	in, err := s.readableIncident(c)
	if err != nil {
		return err
	}
	id, p := in.ID, principal(c)
	personal := personalFor(p, &in)
	if personal && in.Reporter != "" {
		s.logRead(c, gridmap.SecContactRead, "incident "+strconv.FormatInt(id, 10), "")
	}
	return c.JSON(toIncidentJSON(in, s.now(), personal))
}

// transition: POST /api/v1/incidents/{id}/transitions {"to", "note", "grid"}. The move is
// recorded as made by the signed-in caller, in the role that allows it; it needs work (take,
// start, resolve) or dispatch (hand to another grid, reject, mark duplicate, close) where the
// incident lies, and for a hand-over where it goes.
func (s *Server) transition(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	if err := requireJSON(c); err != nil {
		return err
	}
	id, err := parseID(c)
	if err != nil {
		return err
	}
	var body struct {
		To   string `json:"to"`
		Note string `json:"note"`
		Grid string `json:"grid"`
	}
	if err := decodeJSON(c.Body(), &body); err != nil {
		return err
	}
	if _, ok := gridmap.Lookup(gridmap.Statuses, body.To); !ok {
		return gridmap.Invalid("to", "unknown status %q", body.To)
	}
	if body.Grid != "" && !gridmap.ValidGridCode(body.Grid) {
		return gridmap.Invalid("grid", "grid code %q is malformed", body.Grid)
	}
	if err := textField("note", body.Note, gridmap.MaxNote, false); err != nil {
		return err
	}
	if body.To == gridmap.StatusDispatched {
		return gridmap.Invalid("to", "an incident is dispatched to someone: POST /api/v1/incidents/%d/dispatch", id)
	}
	p := principal(c)
	act := gridmap.TransitionAction(body.To)
	if !p.Can(act) {
		return &gridmap.Error{Code: gridmap.EForbidden, Field: "to", Message: fmt.Sprintf("no role of %s allows moving an incident to %s (%s)", p.User.Login, body.To, act)}
	}
	in, err := s.deps.Incidents.Transition(c.UserContext(), id, gridmap.Transition{To: body.To, Actor: p.ActorFor(act), Note: body.Note,
		Grid: body.Grid, Scope: p.ScopeFor(act)})
	if err != nil {
		return err
	}
	return c.JSON(toIncidentJSON(in, s.now(), personalFor(p, &in)))
}

const maxPageSize = 1000

// listIncidents: GET /api/v1/incidents with filters, newest first, paged with a cursor.
func (s *Server) listIncidents(c *fiber.Ctx) error {
	if err := checkParams(c, "grid", "community", "street", "status", "category", "channel", "since", "until", "bbox", "overdue", "unassigned", "limit", "cursor"); err != nil {
		return err
	}
	df, err := divisionFilter(c)
	if err != nil {
		return err
	}
	p := principal(c)
	f := gridmap.IncidentFilter{Grid: df.Grid, Community: df.Community, Street: df.Street, BBox: df.BBox, Channel: c.Query("channel")}
	readableBy(p, &f)
	if f.Status, err = enumList(c, "status", gridmap.Statuses); err != nil {
		return err
	}
	cats := make([]gridmap.Named, 0, len(gridmap.Categories))
	for _, cat := range gridmap.Categories {
		cats = append(cats, gridmap.Named{Code: cat.Code})
	}
	if f.Category, err = enumList(c, "category", cats); err != nil {
		return err
	}
	if f.Channel != "" {
		if _, ok := gridmap.Lookup(gridmap.Channels, f.Channel); !ok {
			return gridmap.Invalid("channel", "unknown channel %q", f.Channel)
		}
	}
	if f.Since, f.Until, err = window(c); err != nil {
		return err
	}
	if v := c.Query("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return gridmap.Invalid("overdue", "overdue must be true or false")
		}
		f.Overdue = &b
	}
	if v := c.Query("unassigned"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return gridmap.Invalid("unassigned", "unassigned must be true or false")
		}
		f.Unassigned = b
	}
	limit, err := intParam(c, "limit", 100, 1, maxPageSize)
	if err != nil {
		return err
	}
	var before int64
	if v := c.Query("cursor"); v != "" {
		before, err = strconv.ParseInt(v, 10, 64)
		if err != nil || before <= 0 {
			return gridmap.Invalid("cursor", "cursor %q is not one this server gave out", v)
		}
	}
	list, err := s.deps.Incidents.Incidents(c.UserContext(), f, limit+1, before)
	if err != nil {
		return err
	}
	var next any
	if len(list) > limit {
		list = list[:limit]
		q := c.Context().QueryArgs()
		args := q.String()
		var b strings.Builder
		b.WriteString(s.baseURL(c) + "/api/v1/incidents?")
		kept := make([]string, 0)
		for _, kv := range strings.Split(args, "&") {
			if kv != "" && !strings.HasPrefix(kv, "cursor=") {
				kept = append(kept, kv)
			}
		}
		kept = append(kept, "cursor="+strconv.FormatInt(list[len(list)-1].ID, 10))
		b.WriteString(strings.Join(kept, "&"))
		next = b.String()
	}
	now := s.now()
	items := make([]incidentJSON, len(list))
	for i, in := range list {
		items[i] = toIncidentJSON(in, now, personalFor(p, &in))
	}
	return c.JSON(fiber.Map{"items": items, "count": len(items), "next": next})
}

// enumList reads a comma-separated list of codes from one enumeration (codeList).
func enumList(c *fiber.Ctx, param string, allowed []gridmap.Named) ([]string, error) {
	return codeList(param, c.Query(param), allowed)
}
