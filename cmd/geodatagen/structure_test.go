package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/gridmap/gridmap/internal/crs"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// loaded is a generated dataset as read back from its files, the way an importer sees it.
type loaded struct {
	dir                                   string
	streets, communities, grids           []*geojson.Feature
	redPositions, stations, staff, events []*geojson.Feature
	gridByCode                            map[string]*geojson.Feature
}

func load(t *testing.T, dir string) *loaded {
	t.Helper()
	read := func(name string) []*geojson.Feature {
		fc, err := geojson.UnmarshalFeatureCollection(readFile(t, filepath.Join(dir, name)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return fc.Features
	}
	l := &loaded{
		dir:     dir,
		streets: read(streetsFile), communities: read(communitiesFile), grids: read(gridsFile),
		redPositions: read(redPositionsFile), stations: read(stationsFile), staff: read(staffFile),
		events: read(incidentsFile), gridByCode: map[string]*geojson.Feature{},
	}
	for _, g := range l.grids {
		l.gridByCode[str(g, "code")] = g
	}
	return l
}

func str(f *geojson.Feature, key string) string { s, _ := f.Properties[key].(string); return s }

func num(f *geojson.Feature, key string) int { n, _ := f.Properties[key].(float64); return int(n) }

func multiPolygon(f *geojson.Feature) orb.MultiPolygon {
	mp, _ := f.Geometry.(orb.MultiPolygon)
	return mp
}

func point(f *geojson.Feature) orb.Point { p, _ := f.Geometry.(orb.Point); return p }

// TestDatasetStructure checks the generated files against what the project relies on. Validity,
// overlaps and gaps are also checked by PostGIS in the importer's tests.
func TestDatasetStructure(t *testing.T) {
	l := load(t, generated(t))
	checks := []struct {
		name  string
		check func(*testing.T, *loaded)
	}{
		{"counts", checkCounts},
		{"codes and parents", checkCodes},
		{"grid numbering", checkNumbering},
		{"rings closed and oriented", checkRings},
		{"shared vertices are identical", checkSharedVertices},
		{"grids tile communities, communities tile streets", checkTiling},
		{"enclave and two-part grid", checkOddities},
		{"seed facts", checkSeedFacts},
		{"places strictly inside their grid", checkPlaces},
		{"staff", checkStaff},
		{"incidents", checkIncidents},
		{"incident rhythm", checkRhythm},
		{"incidents outside every grid", checkOutside},
		{"size", checkSize},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { c.check(t, l) })
	}
}

func checkCounts(t *testing.T, l *loaded) {
	for _, c := range []struct {
		what     string
		got, min int
	}{
		{"streets", len(l.streets), 7},
		{"communities", len(l.communities), 131},
		{"grids", len(l.grids), 300},
		{"red positions", len(l.redPositions), len(l.communities)},
		{"stations", len(l.stations), 20},
		{"staff", len(l.staff), len(l.grids)},
		{"incidents", len(l.events), 5000},
	} {
		if c.got < c.min {
			t.Errorf("%d %s, want at least %d", c.got, c.what, c.min)
		}
	}
}

func checkCodes(t *testing.T, l *loaded) {
	streets, communities := map[string]bool{}, map[string]string{}
	for _, f := range l.streets {
		if !gridmap.ValidStreetCode(str(f, "code")) || str(f, "name") == "" || f.Properties["synthetic"] != true {
			t.Errorf("street %v: bad code, name or synthetic flag", f.Properties)
		}
		streets[str(f, "code")] = true
	}
	for _, f := range l.communities {
		code := str(f, "code")
		kind := str(f, "kind")
		if !gridmap.ValidCommunityCode(code) || !streets[str(f, "street")] || gridmap.StreetOf(code) != str(f, "street") {
			t.Errorf("community %s: bad code or street %q", code, str(f, "street"))
		}
		if kind != gridmap.CommunityKindCommunity && kind != gridmap.CommunityKindVillage || !strings.HasSuffix(str(f, "name"), kind) {
			t.Errorf("community %s: kind %q does not fit name %q", code, kind, str(f, "name"))
		}
		if !strings.HasPrefix(str(f, "full_name"), strings.TrimSuffix(str(f, "name"), "村")) || f.Properties["synthetic"] != true {
			t.Errorf("community %s: full name %q or synthetic flag", code, str(f, "full_name"))
		}
		communities[code] = str(f, "name")
	}
	for _, f := range l.grids {
		code, community := str(f, "code"), str(f, "community")
		if !gridmap.ValidGridCode(code) || gridmap.CommunityOf(code) != community || gridmap.StreetOf(code) != str(f, "street") {
			t.Errorf("grid %s: bad code or parents %q %q", code, community, str(f, "street"))
		}
		if _, ok := communities[community]; !ok {
			t.Errorf("grid %s: unknown community %s", code, community)
		}
		want := fmt.Sprintf("%s第%d网格", communities[community], atoi(code[12:]))
		if str(f, "name") != want || f.Properties["synthetic"] != true {
			t.Errorf("grid %s: name %q, want %q", code, str(f, "name"), want)
		}
		hh, pop := num(f, "households"), num(f, "population")
		if hh < 150 || hh > 900 || float64(pop) < 2.5*float64(hh)-1 || float64(pop) > 3.2*float64(hh)+1 {
			t.Errorf("grid %s: %d households, %d people", code, hh, pop)
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// checkNumbering confirms each community's grids are numbered 1..n and roughly north to south.
func checkNumbering(t *testing.T, l *loaded) {
	seqs := map[string][]int{}
	var order []string
	for _, f := range l.grids {
		c := str(f, "community")
		if _, ok := seqs[c]; !ok {
			order = append(order, c)
		}
		seqs[c] = append(seqs[c], atoi(str(f, "code")[12:]))
	}
	for _, c := range order {
		for k, s := range seqs[c] {
			if s != k+1 {
				t.Errorf("community %s: grid sequences %v, want 1..%d in order", c, seqs[c], len(seqs[c]))
				break
			}
		}
	}
	first, last := 0.0, 0.0 // mean latitude of each community's first and last grid
	for _, c := range order {
		var gs []*geojson.Feature
		for _, f := range l.grids {
			if str(f, "community") == c {
				gs = append(gs, f)
			}
		}
		a, _ := planar.CentroidArea(multiPolygon(gs[0]))
		b, _ := planar.CentroidArea(multiPolygon(gs[len(gs)-1]))
		first += a[1]
		last += b[1]
	}
	if first <= last {
		t.Errorf("first grids lie on average south of last grids: numbering is not north to south")
	}
}

func checkRings(t *testing.T, l *loaded) {
	decimals := regexp.MustCompile(`[0-9]+\.[0-9]{8,}`)
	for _, name := range []string{streetsFile, communitiesFile, gridsFile} {
		if loc := decimals.Find(readFile(t, filepath.Join(l.dir, name))); loc != nil {
			t.Errorf("%s: coordinate %s has more than 7 decimals", name, loc)
		}
	}
	for _, fs := range [][]*geojson.Feature{l.streets, l.communities, l.grids} {
		for _, f := range fs {
			if f.Geometry.GeoJSONType() != "MultiPolygon" {
				t.Fatalf("%s: geometry is a %s", str(f, "code"), f.Geometry.GeoJSONType())
			}
			for _, poly := range multiPolygon(f) {
				for k, ring := range poly {
					if msg := ringProblem(ring, k == 0); msg != "" {
						t.Errorf("%s ring %d: %s", str(f, "code"), k, msg)
					}
				}
			}
		}
	}
}

// ringProblem says what is wrong with a ring, or "": RFC 7946 wants exteriors counter-clockwise
// and holes clockwise.
func ringProblem(r orb.Ring, exterior bool) string {
	switch {
	case len(r) < 4:
		return fmt.Sprintf("%d positions", len(r))
	case r[0] != r[len(r)-1]:
		return "not closed"
	case exterior && r.Orientation() != orb.CCW:
		return "exterior not counter-clockwise"
	case !exterior && r.Orientation() != orb.CW:
		return "hole not clockwise"
	}
	for k := 1; k < len(r); k++ {
		if r[k] == r[k-1] {
			return fmt.Sprintf("duplicate consecutive point %v", r[k])
		}
	}
	return ""
}

// checkSharedVertices confirms every vertex of a street or community is, bit for bit, a vertex of
// one of its grids: the levels were drawn from the same vertices.
func checkSharedVertices(t *testing.T, l *loaded) {
	gridVertices := map[orb.Point]bool{}
	for _, f := range l.grids {
		for _, poly := range multiPolygon(f) {
			for _, r := range poly {
				for _, p := range r {
					gridVertices[p] = true
				}
			}
		}
	}
	for _, fs := range [][]*geojson.Feature{l.streets, l.communities} {
		for _, f := range fs {
			for _, poly := range multiPolygon(f) {
				for _, r := range poly {
					for _, p := range r {
						if !gridVertices[p] {
							t.Fatalf("%s: vertex %v is no grid's vertex", str(f, "code"), p)
						}
					}
				}
			}
		}
	}
}

// checkTiling compares areas: each community's grids add up to the community, each street's
// communities to the street. With the vertices shared, equal areas leave no room for gaps or
// overlaps; PostGIS checks that directly.
func checkTiling(t *testing.T, l *loaded) {
	sums := map[string]float64{}
	for _, f := range l.grids {
		sums[str(f, "community")] += planar.Area(multiPolygon(f))
	}
	for _, f := range l.communities {
		area := planar.Area(multiPolygon(f))
		sums[str(f, "street")] += area
		if got := sums[str(f, "code")]; math.Abs(got-area) > 1e-9*area {
			t.Errorf("community %s: grids cover %g, community %g", str(f, "code"), got, area)
		}
		if mp := multiPolygon(f); len(mp) != 1 || len(mp[0]) != 1 {
			t.Errorf("community %s: %d parts, %d rings; want one polygon without holes", str(f, "code"), len(mp), len(mp[0]))
		}
	}
	for _, f := range l.streets {
		area := planar.Area(multiPolygon(f))
		if got := sums[str(f, "code")]; math.Abs(got-area) > 1e-9*area {
			t.Errorf("street %s: communities cover %g, street %g", str(f, "code"), got, area)
		}
		if mp := multiPolygon(f); len(mp) != 1 || len(mp[0]) != 1 {
			t.Errorf("street %s: want one polygon without holes", str(f, "code"))
		}
	}
}

// checkOddities finds a grid whose hole is exactly another grid of its community, and a grid of
// two parts.
func checkOddities(t *testing.T, l *loaded) {
	enclaves, twoParts := 0, 0
	for _, f := range l.grids {
		mp := multiPolygon(f)
		if len(mp) == 2 {
			twoParts++
		}
		for _, poly := range mp {
			for _, hole := range poly[1:] {
				for _, o := range l.grids {
					if o != f && str(o, "community") == str(f, "community") && sameVertices(hole, multiPolygon(o)) {
						enclaves++
					}
				}
			}
		}
	}
	if enclaves == 0 || twoParts == 0 {
		t.Errorf("%d grids with an enclave of their community, %d grids of two parts; want at least one of each", enclaves, twoParts)
	}
}

// sameVertices reports whether hole has exactly the vertices of one of mp's exteriors.
func sameVertices(hole orb.Ring, mp orb.MultiPolygon) bool {
	for _, poly := range mp {
		ext := poly[0]
		if len(ext) != len(hole) {
			continue
		}
		set := map[orb.Point]bool{}
		for _, p := range ext {
			set[p] = true
		}
		all := true
		for _, p := range hole {
			all = all && set[p]
		}
		if all {
			return true
		}
	}
	return false
}

func checkSeedFacts(t *testing.T, l *loaded) {
	rongdong := 0
	for _, f := range l.grids {
		if str(f, "community") != rongdongCode {
			continue
		}
		rongdong++
		has := false
		for _, p := range l.redPositions {
			has = has || str(p, "grid") == str(f, "code")
		}
		if !has {
			t.Errorf("融东 grid %s has no red position", str(f, "code"))
		}
	}
	if rongdong != rongdongGrids {
		t.Errorf("融东社区 has %d grids, want %d", rongdong, rongdongGrids)
	}
	veterans, halls := 0, 0
	for _, s := range l.stations {
		community := gridmap.CommunityOf(str(s, "grid"))
		if community == rongdongCode && str(s, "kind") == gridmap.StationVeterans && str(s, "name") == "老兵志愿服务驿站" {
			veterans++
		}
		if community == fubaiCode && str(s, "kind") == gridmap.StationDeliberation {
			if !strings.HasPrefix(str(s, "name"), "邻和议事厅（") {
				t.Errorf("福百 deliberation hall named %q", str(s, "name"))
			}
			halls++
		}
	}
	if veterans != 1 || halls != 5 {
		t.Errorf("融东 has %d 老兵志愿服务驿站 (want 1), 福百 %d deliberation halls (want 5)", veterans, halls)
	}
	orders := map[string]int{}
	for _, e := range l.events {
		if str(e, "channel") != gridmap.ChannelOneClick || str(e, "category") != "elderly_service" {
			continue
		}
		for _, f := range l.grids {
			if str(f, "community") == xianggaoCode && planar.MultiPolygonContains(multiPolygon(f), point(e)) {
				orders[str(e, "status")]++
			}
		}
	}
	total := 0
	for _, n := range orders {
		total += n
	}
	open := orders[gridmap.StatusAccepted] + orders[gridmap.StatusInProgress]
	done := orders[gridmap.StatusResolved] + orders[gridmap.StatusClosed]
	if total < 24 || open == 0 || done == 0 {
		t.Errorf("向高社区 one-click elderly orders by status: %v; want several dozen, some taken or being served, some resolved", orders)
	}
}

func checkPlaces(t *testing.T, l *loaded) {
	for _, c := range []struct {
		features []*geojson.Feature
		letter   string
		kinds    []gridmap.Named
	}{{l.redPositions, "R", gridmap.RedPositionKinds}, {l.stations, "S", gridmap.StationKinds}} {
		code := regexp.MustCompile(`^([0-9]{15})-` + c.letter + `[0-9]{1,3}$`)
		seen := map[string]bool{}
		for _, f := range c.features {
			m := code.FindStringSubmatch(str(f, "code"))
			if m == nil || m[1] != str(f, "grid") || seen[m[0]] {
				t.Errorf("place %q in grid %q: bad or duplicate code", str(f, "code"), str(f, "grid"))
				continue
			}
			seen[m[0]] = true
			if _, ok := gridmap.Lookup(c.kinds, str(f, "kind")); !ok || str(f, "name") == "" || str(f, "opening_hours") == "" || f.Properties["synthetic"] != true {
				t.Errorf("place %s: kind %q, name %q, hours %q", m[0], str(f, "kind"), str(f, "name"), str(f, "opening_hours"))
			}
			g := l.gridByCode[str(f, "grid")]
			if g == nil || !strictlyInside(multiPolygon(g), point(f)) {
				t.Errorf("place %s is not strictly inside grid %s", m[0], str(f, "grid"))
			}
		}
	}
}

func checkStaff(t *testing.T, l *loaded) {
	id := regexp.MustCompile(`^st-[0-9]{6}$`)
	workers, covered, members := map[string]int{}, map[string]int{}, map[string]int{}
	seen := map[string]bool{}
	for _, f := range l.staff {
		if f.Geometry != nil || !id.MatchString(str(f, "id")) || seen[str(f, "id")] {
			t.Errorf("staff %v: geometry, bad or duplicate id", f.Properties)
		}
		seen[str(f, "id")] = true
		if _, ok := gridmap.Lookup(gridmap.StaffRoles, str(f, "role")); !ok || l.gridByCode[str(f, "grid")] == nil {
			t.Errorf("staff %s: role %q, grid %q", str(f, "id"), str(f, "role"), str(f, "grid"))
		}
		if !strings.HasPrefix(str(f, "phone"), "1990000") || len(str(f, "phone")) != 11 || str(f, "name") == "" {
			t.Errorf("staff %s: name %q, phone %q", str(f, "id"), str(f, "name"), str(f, "phone"))
		}
		switch str(f, "role") {
		case gridmap.RoleGridWorker:
			workers[str(f, "grid")]++
		case gridmap.RolePartyMember:
			members[str(f, "grid")]++
			covered[str(f, "grid")] += num(f, "households_covered")
		}
	}
	without := 0
	for _, g := range l.grids {
		code := str(g, "code")
		if workers[code] != 1 {
			t.Errorf("grid %s has %d grid workers, want 1", code, workers[code])
		}
		if covered[code] > num(g, "households") {
			t.Errorf("grid %s: party members cover %d of %d households", code, covered[code], num(g, "households"))
		}
		if members[code] == 0 {
			without++
		}
	}
	if share := float64(without) / float64(len(l.grids)); share < 0.08 || share > 0.18 {
		t.Errorf("%.1f%% of grids have no party member, want about 10-15%%", 100*share)
	}
}

func checkIncidents(t *testing.T, l *loaded) {
	until, _ := parseDate(defaultUntil)
	from := until.AddDate(0, 0, -defaultDays)
	byCRS := map[string]int{}
	for k, e := range l.events {
		if want := fmt.Sprintf("fq-sample-%06d", k+1); str(e, "client_id") != want {
			t.Fatalf("incident %d: client_id %q, want %q", k, str(e, "client_id"), want)
		}
		at, err := time.Parse(time.RFC3339, str(e, "reported_at"))
		if err != nil || !strings.HasSuffix(str(e, "reported_at"), "+08:00") || at.Before(from) || !at.Before(until) {
			t.Errorf("%s: reported_at %q outside %v..%v", str(e, "client_id"), str(e, "reported_at"), from, until)
		}
		_, okCat := gridmap.CategoryByCode(str(e, "category"))
		_, okChan := gridmap.Lookup(gridmap.Channels, str(e, "channel"))
		_, okStatus := gridmap.Lookup(gridmap.Statuses, str(e, "status"))
		if !okCat || !okChan || !okStatus || str(e, "description") == "" || str(e, "reporter") == "" {
			t.Errorf("%s: %v", str(e, "client_id"), e.Properties)
		}
		c := str(e, "crs")
		byCRS[c]++
		rc, _ := e.Properties["reported_coordinates"].([]any)
		if len(rc) != 2 {
			t.Fatalf("%s: reported_coordinates %v", str(e, "client_id"), e.Properties["reported_coordinates"])
		}
		lon, lat, err := crs.ToWGS84(c, rc[0].(float64), rc[1].(float64))
		p := point(e)
		if err != nil || math.Abs(lon-p[0]) > 2e-7 || math.Abs(lat-p[1]) > 2e-7 || c == gridmap.CRSWGS84 && (lon != p[0] || lat != p[1]) {
			t.Errorf("%s: reported %v in %s is not the point %v", str(e, "client_id"), rc, c, p)
		}
	}
	if share := float64(byCRS[gridmap.CRSGCJ02]) / float64(len(l.events)); share < 0.07 || share > 0.14 || byCRS[gridmap.CRSBD09] == 0 {
		t.Errorf("incidents by crs %v: want about 10%% GCJ-02 and a few BD-09", byCRS)
	}
}

// checkRhythm compares weekday with weekend days and mid-morning with the small hours.
func checkRhythm(t *testing.T, l *loaded) {
	var weekday, weekend, morning, night int
	for _, e := range l.events {
		at, _ := time.Parse(time.RFC3339, str(e, "reported_at"))
		if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
		} else {
			weekday++
		}
		switch h := at.Hour(); {
		case h >= 9 && h < 11:
			morning++
		case h >= 1 && h < 5:
			night++
		}
	}
	if float64(weekend)/2 > 0.85*float64(weekday)/5 {
		t.Errorf("%d incidents on weekdays, %d at weekends: weekends should be quieter", weekday, weekend)
	}
	if night*5 > morning {
		t.Errorf("%d incidents 09-11h, %d incidents 01-05h: nights should be quiet", morning, night)
	}
}

// checkOutside finds about 1% of incidents outside every grid, some of them close to it.
func checkOutside(t *testing.T, l *loaded) {
	bounds := make([]orb.Bound, len(l.grids))
	for k, g := range l.grids {
		bounds[k] = multiPolygon(g).Bound()
	}
	outside, near := 0, 0
	for _, e := range l.events {
		p := point(e)
		in := false
		for k, g := range l.grids {
			if bounds[k].Contains(p) && planar.MultiPolygonContains(multiPolygon(g), p) {
				in = true
				break
			}
		}
		if in {
			continue
		}
		outside++
		for k, g := range l.grids {
			if bounds[k].Pad(0.003).Contains(p) && boundaryDistance(multiPolygon(g), p)*111000 < 200 {
				near++
				break
			}
		}
	}
	if share := float64(outside) / float64(len(l.events)); share < 0.008 || share > 0.03 || near < 20 {
		t.Errorf("%d incidents outside every grid (%.2f%%), %d of them within about 200 m: want about 1%% and a few dozen near", outside, 100*share, near)
	}
}

func checkSize(t *testing.T, l *loaded) {
	total := int64(0)
	for _, name := range outputFiles {
		fi, err := os.Stat(filepath.Join(l.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		total += fi.Size()
	}
	if total > 8<<20 {
		t.Errorf("the dataset takes %d bytes; keep it to a few MB", total)
	}
}
