package dataset

import (
	"regexp"
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var (
	placeCodeRe = map[string]*regexp.Regexp{
		RedPositions: regexp.MustCompile(`^([0-9]{15})-R[0-9]{1,3}$`),
		Stations:     regexp.MustCompile(`^([0-9]{15})-S[0-9]{1,3}$`),
	}
	staffIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// addFeature converts one feature of the reader's layer and records it, or records problems.
func (r *reader) addFeature(f *feature) {
	if f.raw.Type != "Feature" {
		f.problem("type is %q, want Feature", f.raw.Type)
		return
	}
	switch f.layer {
	case Streets:
		r.addStreet(f)
	case Communities:
		r.addCommunity(f)
	case Grids:
		r.addGrid(f)
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
		f.problem("duplicate %s: the same code is at %s:%d (feature %d)", f.layer, prev.File, prev.Line, prev.Index)
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
		f.problem("malformed street code %q: want 9 digits", p.Code)
		ok = false
	}
	if p.Name == "" {
		f.problem("property \"name\" is empty")
		ok = false
	}
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
		f.problem("malformed community code %q: want 12 digits", p.Code)
		ok = false
	} else if p.Street != "" && p.Street != gridmap.StreetOf(p.Code) {
		f.problem("street %q does not match the code, which says street %s", p.Street, gridmap.StreetOf(p.Code))
		ok = false
	}
	if p.Name == "" {
		f.problem("property \"name\" is empty")
		ok = false
	}
	if p.Kind != gridmap.CommunityKindCommunity && p.Kind != gridmap.CommunityKindVillage {
		f.problem("kind %q: want %q or %q", p.Kind, gridmap.CommunityKindCommunity, gridmap.CommunityKindVillage)
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

func (r *reader) addGrid(f *feature) {
	var p struct {
		Code       string `json:"code"`
		Name       string `json:"name"`
		Community  string `json:"community"`
		Street     string `json:"street"`
		Households int    `json:"households"`
		Population int    `json:"population"`
		Synthetic  bool   `json:"synthetic"`
	}
	if !f.properties(&p) {
		return
	}
	f.code = p.Code
	ok := true
	if !gridmap.ValidGridCode(p.Code) {
		f.problem("malformed grid code %q: want 15 digits (community code + 3-digit sequence)", p.Code)
		ok = false
	} else {
		if p.Community != "" && p.Community != gridmap.CommunityOf(p.Code) {
			f.problem("community %q does not match the code, which says community %s", p.Community, gridmap.CommunityOf(p.Code))
			ok = false
		}
		if p.Street != "" && p.Street != gridmap.StreetOf(p.Code) {
			f.problem("street %q does not match the code, which says street %s", p.Street, gridmap.StreetOf(p.Code))
			ok = false
		}
	}
	if p.Name == "" {
		f.problem("property \"name\" is empty")
		ok = false
	}
	if p.Households < 0 || p.Population < 0 {
		f.problem("households (%d) and population (%d) may not be negative", p.Households, p.Population)
		ok = false
	}
	g := f.multiPolygon()
	if !ok || g == nil || !r.claim(f, p.Code) {
		return
	}
	r.synthetic(f.layer, p.Synthetic)
	r.d.Grids = append(r.d.Grids, gridmap.Grid{
		Code: p.Code, Name: p.Name, CommunityCode: gridmap.CommunityOf(p.Code), StreetCode: gridmap.StreetOf(p.Code),
		Households: p.Households, Population: p.Population, Geometry: g,
	})
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
		f.problem("malformed code %q: want <15-digit grid code>-%s<number>", p.Code, letter)
		ok = false
	case p.Grid != "" && p.Grid != m[1]:
		f.problem("grid %q does not match the code, which says grid %s", p.Grid, m[1])
		ok = false
	default:
		p.Grid = m[1]
	}
	if p.Name == "" {
		f.problem("property \"name\" is empty")
		ok = false
	}
	if _, known := gridmap.Lookup(kinds, p.Kind); !known {
		f.problem("unknown kind %q", p.Kind)
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
	ok := true
	if !staffIDRe.MatchString(p.ID) {
		f.problem("malformed staff id %q: 1-64 letters, digits, _ or -", p.ID)
		ok = false
	}
	if _, known := gridmap.Lookup(gridmap.StaffRoles, p.Role); !known {
		f.problem("unknown role %q", p.Role)
		ok = false
	}
	if !gridmap.ValidGridCode(p.Grid) {
		f.problem("malformed grid code %q", p.Grid)
		ok = false
	}
	if p.HouseholdsCovered < 0 {
		f.problem("households_covered may not be negative")
		ok = false
	}
	if !ok || !r.claim(f, p.ID) {
		return
	}
	r.d.Staff = append(r.d.Staff, gridmap.Staff{
		ID: p.ID, Role: p.Role, GridCode: p.Grid, HouseholdsCovered: p.HouseholdsCovered, Name: p.Name, Phone: p.Phone,
	})
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
	}
	if !f.properties(&p) {
		return
	}
	f.code = p.ClientID
	rep := gridmap.Report{
		ClientKey: p.ClientID, CRS: p.CRS, Category: p.Category, Channel: p.Channel,
		Description: p.Description, Reporter: p.Reporter, Status: p.Status,
	}
	if rep.CRS == "" {
		rep.CRS = gridmap.CRSWGS84
	}
	ok := true
	if p.ClientID == "" {
		f.problem("property \"client_id\" is required, so that a re-import never stores an incident twice")
		ok = false
	}
	if p.ReportedAt == "" {
		f.problem("property \"reported_at\" is required")
		ok = false
	} else if t, err := time.Parse(time.RFC3339, p.ReportedAt); err != nil {
		f.problem("reported_at %q is not an RFC 3339 time", p.ReportedAt)
		ok = false
	} else {
		rep.ReportedAt = t
	}
	if p.ResolvedAt != "" {
		if t, err := time.Parse(time.RFC3339, p.ResolvedAt); err != nil {
			f.problem("resolved_at %q is not an RFC 3339 time", p.ResolvedAt)
			ok = false
		} else {
			rep.ResolvedAt = t
		}
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
		f.problem("crs is %s but reported_coordinates are missing", rep.CRS)
		ok = false
	}
	for _, fe := range rep.Validate() {
		f.problem("%s: %s", fe.Field, fe.Message)
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
				r.problems = append(r.problems, r.d.ProblemAt(Communities, c.Code, "unknown parent: street "+c.StreetCode+" is not in the dataset"))
			}
		}
	}
	if loaded(Communities) {
		for _, g := range r.d.Grids {
			if !has(Communities, g.CommunityCode) {
				r.problems = append(r.problems, r.d.ProblemAt(Grids, g.Code, "unknown parent: community "+g.CommunityCode+" is not in the dataset"))
			}
		}
	}
	if loaded(Grids) {
		for _, p := range r.d.RedPositions {
			if !has(Grids, p.GridCode) {
				r.problems = append(r.problems, r.d.ProblemAt(RedPositions, p.Code, "unknown parent: grid "+p.GridCode+" is not in the dataset"))
			}
		}
		for _, p := range r.d.Stations {
			if !has(Grids, p.GridCode) {
				r.problems = append(r.problems, r.d.ProblemAt(Stations, p.Code, "unknown parent: grid "+p.GridCode+" is not in the dataset"))
			}
		}
		for _, s := range r.d.Staff {
			if !has(Grids, s.GridCode) {
				r.problems = append(r.problems, r.d.ProblemAt(Staff, s.ID, "unknown parent: grid "+s.GridCode+" is not in the dataset"))
			}
		}
	}
}
