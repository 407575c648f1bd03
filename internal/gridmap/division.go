package gridmap

import "github.com/paulmach/orb"

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
	Name              string // personal data
	Phone             string // personal data
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
