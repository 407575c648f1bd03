package dataset

import (
	"fmt"
	"regexp"
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var (
	placeCodeRe = map[string]*regexp.Regexp{
		RedPositions: regexp.MustCompile(`^([0-9]{15})-R[0-9]{1,3}$`),
		Stations:     regexp.MustCompile(`^([0-9]{15})-S[0-9]{1,3}$`),
	}
)

// Bounds on a grid's counts: far above any unit grid, far below what the database holds, so that
// a slip of the keyboard (1e20) is an error and not a figure.
const (
	MaxGridHouseholds = 1_000_000
	MaxGridPopulation = 5_000_000
)

// addFeature converts one feature of the reader's layer and records it, or records problems.
func (r *reader) addFeature(f *feature) {
	if f.raw.Type != "Feature" {
		f.problemAt("type", "type is %q, want Feature", f.raw.Type)
		return
	}
	switch f.layer {
	case Streets:
		r.addStreet(f)
	case Communities:
		r.addCommunity(f)
	case Grids:
		if g, ok := f.grid(); ok && r.claim(f, g.Code) {
			r.d.Grids = append(r.d.Grids, g)
		}
	case RedPositions, Stations:
		r.addPlace(f)
	case Staff:
		r.addStaff(f)
	case Incidents:
		r.addIncident(f)
	default:
		f.problem("unknown layer %q", f.layer)
	}
}

// claim records where the feature with this code was read, reporting a duplicate.
func (r *reader) claim(f *feature, code string) bool {
	key := f.layer + "/" + code
	if prev, dup := r.d.where[key]; dup {
		f.problemAt("properties.code", "duplicate %s: the same code is at %s:%d (feature %d)", f.layer, prev.File, prev.Line, prev.Index)
		return false
	}
	r.d.where[key] = f.loc
	return true
}

// synthetic tracks whether every feature of a layer declared synthetic geometry.
func (r *reader) synthetic(layer string, s bool) {
	prev, seen := r.d.Synthetic[layer]
	r.d.Synthetic[layer] = s && (prev || !seen)
}

// name checks a feature's name: required, one line of text, at most gridmap.MaxName characters.
func (f *feature) name(v string) bool {
	if v == "" {
		f.problemAt("properties.name", "property \"name\" is empty")
		return false
	}
	if msg := gridmap.CheckText(v, gridmap.MaxName, true); msg != "" {
		f.problemAt("properties.name", "name %s", msg)
		return false
	}
	return true
}

// text checks an optional free-text property.
func (f *feature) text(prop, v string, max int, oneLine bool) bool {
	if msg := gridmap.CheckText(v, max, oneLine); msg != "" {
		f.problemAt("properties."+prop, "%s %s", prop, msg)
		return false
	}
	return true
}

func (r *reader) addStreet(f *feature) {
	var p struct {
		Code      string `json:"code"`
		Name      string `json:"name"`
		Synthetic bool   `json:"synthetic"`
	}
	if !f.properties(&p) {
		return
	}
	f.code = p.Code
	ok := true
	if !gridmap.ValidStreetCode(p.Code) {
		f.problemAt("properties.code", "malformed street code %q: want 9 digits", p.Code)
		ok = false
	}
	ok = f.name(p.Name) && ok
	g := f.multiPolygon()
	if !ok || g == nil || !r.claim(f, p.Code) {
		return
	}
	r.synthetic(f.layer, p.Synthetic)
	r.d.Streets = append(r.d.Streets, gridmap.Street{Code: p.Code, Name: p.Name, Geometry: g})
}

func (r *reader) addCommunity(f *feature) {
	var p struct {
		Code      string `json:"code"`
		Name      string `json:"name"`
		FullName  string `json:"full_name"` // the registered name, kept in the dataset for people
		Kind      string `json:"kind"`
		Street    string `json:"street"`
		Synthetic bool   `json:"synthetic"`
	}
	if !f.properties(&p) {
		return
	}
	f.code = p.Code
	ok := true
	if !gridmap.ValidCommunityCode(p.Code) {
		f.problemAt("properties.code", "malformed community code %q: want 12 digits", p.Code)
		ok = false
	} else if p.Street != "" && p.Street != gridmap.StreetOf(p.Code) {
		f.problemAt("properties.street", "street %q does not match the code, which says street %s", p.Street, gridmap.StreetOf(p.Code))
		ok = false
	}
	ok = f.name(p.Name) && f.text("full_name", p.FullName, gridmap.MaxName, true) && ok
	if p.Kind != gridmap.CommunityKindCommunity && p.Kind != gridmap.CommunityKindVillage {
		f.problemAt("properties.kind", "kind %q: want %q or %q", p.Kind, gridmap.CommunityKindCommunity, gridmap.CommunityKindVillage)
		ok = false
	}
	g := f.multiPolygon()
	if !ok || g == nil || !r.claim(f, p.Code) {
		return
	}
	r.synthetic(f.layer, p.Synthetic)
	r.d.Communities = append(r.d.Communities, gridmap.Community{
		Code: p.Code, Name: p.Name, Kind: p.Kind, StreetCode: gridmap.StreetOf(p.Code), Geometry: g,
	})
}

// gridProps are the properties a grid feature has, in a dataset and in a PUT alike. Counts are
// pointers so that a missing one is told from a zero.
type gridProps struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Community  string `json:"community"`
	Street     string `json:"street"`
	Households *int   `json:"households"`
	Population *int   `json:"population"`
	Synthetic  bool   `json:"synthetic"`
}

// grid checks a grid feature — the one place that does, for imports and for grid edits — and
// returns it, or records every problem, each naming its field.
func (f *feature) grid() (gridmap.Grid, bool) {
	var p gridProps
	if !f.properties(&p) {
		return gridmap.Grid{}, false
	}
	if p.Code == "" {
		p.Code = f.code // a grid edit names the grid in its URL
	}
	f.code = p.Code
	ok := true
	if !gridmap.ValidGridCode(p.Code) {
		f.problemAt("properties.code", "malformed grid code %q: want 15 digits (community code + 3-digit sequence)", p.Code)
		ok = false
	} else {
		if p.Community != "" && p.Community != gridmap.CommunityOf(p.Code) {
			f.problemAt("properties.community", "community %q does not match the code, which says community %s", p.Community, gridmap.CommunityOf(p.Code))
			ok = false
		}
		if p.Street != "" && p.Street != gridmap.StreetOf(p.Code) {
			f.problemAt("properties.street", "street %q does not match the code, which says street %s", p.Street, gridmap.StreetOf(p.Code))
			ok = false
		}
	}
	ok = f.name(p.Name) && ok
	count := func(prop string, v *int, max int) int {
		switch {
		case v == nil:
			f.problemAt("properties."+prop, "property %q is required: a whole number from 0 to %d", prop, max)
		case *v < 0 || *v > max:
			f.problemAt("properties."+prop, "%s %d is outside 0..%d", prop, *v, max)
		default:
			return *v
		}
		ok = false
		return 0
	}
	hh := count("households", p.Households, MaxGridHouseholds)
	pop := count("population", p.Population, MaxGridPopulation)
	g := f.multiPolygon()
	if !ok || g == nil {
		return gridmap.Grid{}, false
	}
	f.r.synthetic(f.layer, p.Synthetic)
	return gridmap.Grid{
		Code: p.Code, Name: p.Name, CommunityCode: gridmap.CommunityOf(p.Code), StreetCode: gridmap.StreetOf(p.Code),
		Households: hh, Population: pop, Geometry: g,
	}, true
}

func (r *reader) addPlace(f *feature) {
	var p struct {
		Code         string `json:"code"`
		Name         string `json:"name"`
		Kind         string `json:"kind"`
		Grid         string `json:"grid"`
		OpeningHours string `json:"opening_hours"`
		Synthetic    bool   `json:"synthetic"`
	}
	if !f.properties(&p) {
		return
	}
	f.code = p.Code
	ok := true
	kinds, letter := gridmap.RedPositionKinds, "R"
	if f.layer == Stations {
		kinds, letter = gridmap.StationKinds, "S"
	}
	m := placeCodeRe[f.layer].FindStringSubmatch(p.Code)
	switch {
	case m == nil:
		f.problemAt("properties.code", "malformed code %q: want <15-digit grid code>-%s<number>", p.Code, letter)
		ok = false
	case p.Grid != "" && p.Grid != m[1]:
		f.problemAt("properties.grid", "grid %q does not match the code, which says grid %s", p.Grid, m[1])
		ok = false
	default:
		p.Grid = m[1]
	}
	ok = f.name(p.Name) && f.text("opening_hours", p.OpeningHours, gridmap.MaxName, true) && ok
	if _, known := gridmap.Lookup(kinds, p.Kind); !known {
		f.problemAt("properties.kind", "unknown kind %q", p.Kind)
		ok = false
	}
	pt, okPt := f.point()
	if !ok || !okPt || !r.claim(f, p.Code) {
		return
	}
	r.synthetic(f.layer, p.Synthetic)
	place := gridmap.Place{Code: p.Code, Name: p.Name, Kind: p.Kind, GridCode: p.Grid, Point: pt, OpeningHours: p.OpeningHours}
	if f.layer == Stations {
		r.d.Stations = append(r.d.Stations, place)
	} else {
		r.d.RedPositions = append(r.d.RedPositions, place)
	}
}

func (r *reader) addStaff(f *feature) {
	var p struct {
		ID                string `json:"id"`
		Role              string `json:"role"`
		Grid              string `json:"grid"`
		HouseholdsCovered int    `json:"households_covered"`
		Name              string `json:"name"`
		Phone             string `json:"phone"`
	}
	if !f.properties(&p) {
		return
	}
	f.code = p.ID
	st := gridmap.Staff{ID: p.ID, Role: p.Role, GridCode: p.Grid, HouseholdsCovered: p.HouseholdsCovered, Name: p.Name, Phone: p.Phone}
	ok := true
	for _, e := range st.Validate() {
		f.problemAt("properties."+e.Field, "%s", e.Message)
		ok = false
	}
	if !ok || !r.claim(f, p.ID) {
		return
	}
	r.d.Staff = append(r.d.Staff, st)
}

func (r *reader) addIncident(f *feature) {
	var p struct {
		ClientID    string      `json:"client_id"`
		Category    string      `json:"category"`
		Channel     string      `json:"channel"`
		Description string      `json:"description"`
		Reporter    string      `json:"reporter"`
		ReportedAt  string      `json:"reported_at"`
		ResolvedAt  string      `json:"resolved_at"`
		Status      string      `json:"status"`
		CRS         string      `json:"crs"`
		Reported    *[2]float64 `json:"reported_coordinates"`
		History     []struct {
			Kind       string `json:"kind"`
			At         string `json:"at"`
			By         string `json:"by"`
			Staff      string `json:"staff"`
			Department string `json:"department"`
			Verdict    string `json:"verdict"`
			Note       string `json:"note"`
		} `json:"history"`
	}
	if !f.properties(&p) {
		return
	}
	f.code = p.ClientID
	rep := gridmap.Report{
		ClientID: p.ClientID, KeySource: gridmap.KeyDataset, CRS: p.CRS, Category: p.Category, Channel: p.Channel,
		Description: p.Description, Reporter: p.Reporter, Status: p.Status,
	}
	if rep.CRS == "" {
		rep.CRS = gridmap.CRSWGS84
	}
	ok := true
	if p.ClientID == "" {
		f.problemAt("properties.client_id", "property \"client_id\" is required, so that a re-import never stores an incident twice")
		ok = false
	}
	if p.ReportedAt == "" {
		f.problemAt("properties.reported_at", "property \"reported_at\" is required")
		ok = false
	} else if t, err := time.Parse(time.RFC3339, p.ReportedAt); err != nil {
		f.problemAt("properties.reported_at", "reported_at %q is not an RFC 3339 time", p.ReportedAt)
		ok = false
	} else {
		rep.ReportedAt = t
	}
	if p.ResolvedAt != "" {
		if t, err := time.Parse(time.RFC3339, p.ResolvedAt); err != nil {
			f.problemAt("properties.resolved_at", "resolved_at %q is not an RFC 3339 time", p.ResolvedAt)
			ok = false
		} else {
			rep.ResolvedAt = t
		}
	}
	for i, s := range p.History {
		step := gridmap.Step{Kind: s.Kind, By: s.By, Staff: s.Staff, Department: s.Department, Verdict: s.Verdict, Note: s.Note}
		if t, err := time.Parse(time.RFC3339, s.At); err != nil {
			f.problemAt(fmt.Sprintf("properties.history[%d].at", i), "at %q is not an RFC 3339 time", s.At)
			ok = false
		} else {
			step.At = t
		}
		rep.History = append(rep.History, step)
	}
	pt, okPt := f.point()
	if !okPt {
		return
	}
	switch {
	case p.Reported != nil:
		rep.Lon, rep.Lat = p.Reported[0], p.Reported[1]
	case rep.CRS == gridmap.CRSWGS84:
		rep.Lon, rep.Lat = pt[0], pt[1]
	default:
		f.problemAt("properties.reported_coordinates", "crs is %s but reported_coordinates are missing", rep.CRS)
		ok = false
	}
	for _, fe := range rep.Validate() {
		f.problemAt("properties."+fe.Field, "%s: %s", fe.Field, fe.Message)
		ok = false
	}
	if !ok || !r.claim(f, p.ClientID) {
		return
	}
	r.d.Incidents = append(r.d.Incidents, rep)
}

// checkParents reports children whose parent code is absent from a dataset that holds the
// parent layer. A parent may also already be stored; that is checked on import.
func (r *reader) checkParents() {
	has := func(layer, code string) bool { _, ok := r.d.where[layer+"/"+code]; return ok }
	loaded := func(layer string) bool { _, ok := r.d.Synthetic[layer]; return ok }
	if loaded(Streets) {
		for _, c := range r.d.Communities {
			if !has(Streets, c.StreetCode) {
				r.problems = append(r.problems, r.d.ProblemAt(Communities, c.Code, "properties.code", "unknown parent: street "+c.StreetCode+" is not in the dataset"))
			}
		}
	}
	if loaded(Communities) {
		for _, g := range r.d.Grids {
			if !has(Communities, g.CommunityCode) {
				r.problems = append(r.problems, r.d.ProblemAt(Grids, g.Code, "properties.code", "unknown parent: community "+g.CommunityCode+" is not in the dataset"))
			}
		}
	}
	if loaded(Grids) {
		for _, p := range r.d.RedPositions {
			if !has(Grids, p.GridCode) {
				r.problems = append(r.problems, r.d.ProblemAt(RedPositions, p.Code, "properties.code", "unknown parent: grid "+p.GridCode+" is not in the dataset"))
			}
		}
		for _, p := range r.d.Stations {
			if !has(Grids, p.GridCode) {
				r.problems = append(r.problems, r.d.ProblemAt(Stations, p.Code, "properties.code", "unknown parent: grid "+p.GridCode+" is not in the dataset"))
			}
		}
		for _, s := range r.d.Staff {
			if !has(Grids, s.GridCode) {
				r.problems = append(r.problems, r.d.ProblemAt(Staff, s.ID, "properties.grid", "unknown parent: grid "+s.GridCode+" is not in the dataset"))
			}
		}
	}
}
