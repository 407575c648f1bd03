package gridmap

import "github.com/paulmach/orb"

// Red position kinds (红色阵地): party service points.
const (
	RedPartyMassCentre   = "party_mass_centre"   // 党群服务中心
	RedPartyActivityRoom = "party_activity_room" // 党员活动室
	RedPartyPost         = "party_post"          // 党员先锋岗 / 红色驿站
)

// RedPositionKinds lists the red position kinds with their display names.
var RedPositionKinds = []Named{
	{RedPartyMassCentre, "党群服务中心", "party-mass service centre"},
	{RedPartyActivityRoom, "党员活动室", "party member activity room"},
	{RedPartyPost, "党员先锋岗", "party vanguard post"},
}

// Station kinds (服务驿站): service points run with volunteers.
const (
	StationVolunteer    = "volunteer_station" // 志愿服务驿站
	StationVeterans     = "veterans_station"  // 老兵志愿服务驿站
	StationDeliberation = "deliberation_hall" // 议事厅, e.g. 邻和议事厅
	StationPartyMass    = "party_mass_centre" // 党群服务中心
)

// StationKinds lists the station kinds with their display names.
var StationKinds = []Named{
	{StationVolunteer, "志愿服务驿站", "volunteer station"},
	{StationVeterans, "老兵志愿服务驿站", "veterans' volunteer station"},
	{StationDeliberation, "议事厅", "deliberation hall"},
	{StationPartyMass, "党群服务中心", "party-mass service centre"},
}

// Place is a fixed service point in a grid: a red position or a station. Both have the same
// shape; Kind tells them apart within their own list.
type Place struct {
	Code         string // e.g. 350181003003001-R1 (red position) or -S1 (station)
	Name         string
	Kind         string
	GridCode     string
	Point        orb.Point
	OpeningHours string // free text, e.g. "周一至周五 08:30-17:30"
}
