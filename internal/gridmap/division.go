package gridmap

import (
	"context"
	"strconv"
	"time"

	"github.com/paulmach/orb"
)

// Street is a sub-district (街道) or town (镇): the top of the grid hierarchy the city manages.
type Street struct {
	Code     string // 9 digits
	Name     string
	Geometry orb.MultiPolygon
}

// Community kinds: a 社区 is an urban residents' committee, a 村 a rural villagers' committee.
const (
	CommunityKindCommunity = "社区"
	CommunityKindVillage   = "村"
)

// Community is a residents' or villagers' committee area (社区/村), the unit that owns grids.
type Community struct {
	Code       string // 12 digits; starts with StreetCode
	Name       string
	Kind       string // CommunityKindCommunity or CommunityKindVillage
	StreetCode string
	Geometry   orb.MultiPolygon
}

// Grid is a unit grid (单元网格): the smallest area someone answers for. Grids of a community
// tile it with no gaps and no overlaps; every incident lands in exactly one grid.
type Grid struct {
	Code          string // 15 digits; starts with CommunityCode
	Name          string
	CommunityCode string
	StreetCode    string
	Geometry      orb.MultiPolygon
	Households    int
	Population    int
}

// Staff roles: who answers for a grid.
const (
	RoleGridWorker  = "grid_worker"  // 网格员
	RolePartyMember = "party_member" // 网格党员, each covering a set of households (包户)
	RoleVolunteer   = "volunteer"    // 志愿者, e.g. the one taking elderly one-click orders
)

// StaffRoles lists the roles with their Chinese names, in display order.
var StaffRoles = []Named{
	{RoleGridWorker, "网格员", "grid worker"},
	{RolePartyMember, "网格党员", "grid party member"},
	{RoleVolunteer, "志愿者", "volunteer"},
}

// Staff is one person answering for a grid. Name and Phone are personal data: they are stored,
// but no public API, tile or feature service ever returns them.
type Staff struct {
	ID                string
	Role              string
	GridCode          string
	HouseholdsCovered int
	Name              string    // personal data
	Phone             string    // personal data
	RetiredAt         time.Time // zero while they serve
}

// MaxHouseholdsCovered bounds what one person can cover, to catch a slip of the keyboard.
const MaxHouseholdsCovered = 100_000

// Validate returns every problem with a staff record, each naming its field: the one check of
// staff, for imports and the staff API alike.
func (s *Staff) Validate() []FieldError {
	var errs []FieldError
	if !validStaffID(s.ID) {
		errs = append(errs, FieldError{Field: "id", Message: "staff id " + quote(s.ID) + " is malformed: 1-64 letters, digits, _ or -"})
	}
	if _, ok := Lookup(StaffRoles, s.Role); !ok {
		errs = append(errs, FieldError{Field: "role", Message: "unknown staff role " + quote(s.Role) + ": grid_worker, party_member or volunteer"})
	}
	if !ValidGridCode(s.GridCode) {
		errs = append(errs, FieldError{Field: "grid", Message: "grid code " + quote(s.GridCode) + " is malformed: want 15 digits"})
	}
	if s.HouseholdsCovered < 0 || s.HouseholdsCovered > MaxHouseholdsCovered {
		errs = append(errs, FieldError{Field: "households_covered", Message: "households_covered must be a whole number from 0 to 100000"})
	}
	return appendProblems(errs, textError("name", s.Name, MaxName, true), textError("phone", s.Phone, 40, true))
}

func validStaffID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func quote(s string) string { return strconv.Quote(s) }

// StaffFilter selects staff: by scope (nil: everywhere), and whether retired staff count.
type StaffFilter struct {
	Scope   Scope
	Within  string // a street, community or grid code the staff's grid lies in ("": anywhere)
	Retired bool
}

// StaffStore keeps the grid staff; every change is recorded with who made it.
type StaffStore interface {
	Staff(ctx context.Context, f StaffFilter) ([]Staff, error)
	StaffMember(ctx context.Context, id string) (Staff, error)
	// SaveStaff creates or replaces a staff record (a retired one serves again).
	SaveStaff(ctx context.Context, s Staff, by Actor) (created bool, err error)
	// RetireStaff marks a staff member as no longer serving; coverage stops counting them.
	RetireStaff(ctx context.Context, id string, by Actor) error
}

// Named is a code with its Chinese and English display names, for enumerations shown to users.
type Named struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// Lookup returns the entry of list with the given code.
func Lookup(list []Named, code string) (Named, bool) {
	for _, n := range list {
		if n.Code == code {
			return n, true
		}
	}
	return Named{}, false
}
