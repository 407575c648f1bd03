package gridmap

import (
	"time"

	"github.com/paulmach/orb"
)

// Coordinate reference systems an incident may be reported in. Chinese phone apps report GCJ-02
// (AMap, Tencent, WeChat) or BD-09 (Baidu); gridmap stores WGS-84 and keeps the original.
const (
	CRSWGS84 = "wgs84"
	CRSGCJ02 = "gcj02"
	CRSBD09  = "bd09"
)

// ValidCRS reports whether s names a supported input CRS.
func ValidCRS(s string) bool { return s == CRSWGS84 || s == CRSGCJ02 || s == CRSBD09 }

// Category is a kind of incident with the time limit, in working hours, within which it must be
// resolved.
type Category struct {
	Code       string `json:"code"`
	ZH         string `json:"zh"`
	EN         string `json:"en"`
	LimitHours int    `json:"time_limit_hours"`
}

// Categories lists the incident categories gridmap accepts.
var Categories = []Category{
	{"sanitation", "环境卫生", "sanitation", 24},
	{"road_facility", "道路与市政设施", "roads and municipal facilities", 48},
	{"illegal_construction", "违章搭建", "illegal construction", 72},
	{"noise", "噪声扰民", "noise", 24},
	{"neighbour_dispute", "邻里纠纷", "neighbour dispute", 48},
	{"safety_hazard", "安全隐患", "safety hazard", 8},
	{"property_management", "物业管理", "property management", 48},
	{"parking", "停车秩序", "parking", 24},
	{"utilities", "水电气供应", "water, power and gas", 24},
	{"greenery", "园林绿化", "greenery", 72},
	{"elderly_service", "为老服务", "elderly service", 8},
	{"other", "其他诉求", "other request", 72},
}

// CategoryByCode returns the category with the given code.
func CategoryByCode(code string) (Category, bool) {
	for _, c := range Categories {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// Channels through which incidents arrive.
const (
	ChannelHotline  = "hotline_12345"   // 12345 热线
	ChannelPatrol   = "grid_patrol"     // 网格巡查
	ChannelWeChat   = "wechat_group"    // 微信群
	ChannelOneClick = "one_click_order" // 一键下单 (elderly living alone)
	ChannelWalkIn   = "walk_in"         // 来访
)

// Channels lists the channels with their display names.
var Channels = []Named{
	{ChannelHotline, "12345热线", "12345 hotline"},
	{ChannelPatrol, "网格巡查", "grid patrol"},
	{ChannelWeChat, "微信群", "WeChat group"},
	{ChannelOneClick, "一键下单", "one-click order"},
	{ChannelWalkIn, "群众来访", "walk-in"},
}

// Incident statuses, in workflow order; rejected and duplicate end an incident early.
const (
	StatusReported   = "reported"
	StatusAssigned   = "assigned"
	StatusDispatched = "dispatched" // sent to a person or a department (派单), not yet responded to
	StatusAccepted   = "accepted"   // taken by a grid member or volunteer (专员领单), or responded to (签收)
	StatusInProgress = "in_progress"
	StatusResolved   = "resolved"
	StatusClosed     = "closed"
	StatusRejected   = "rejected"
	StatusDuplicate  = "duplicate"
)

// Statuses lists the statuses with their display names.
var Statuses = []Named{
	{StatusReported, "已上报", "reported"},
	{StatusAssigned, "已分派", "assigned"},
	{StatusDispatched, "已派单", "dispatched"},
	{StatusAccepted, "已领单", "accepted"},
	{StatusInProgress, "处置中", "in progress"},
	{StatusResolved, "已办结", "resolved"},
	{StatusClosed, "已归档", "closed"},
	{StatusRejected, "不予受理", "rejected"},
	{StatusDuplicate, "重复件", "duplicate"},
}

// transitions is the workflow: from each status, the statuses it may move to.
var transitions = map[string][]string{
	StatusReported:   {StatusAssigned, StatusRejected, StatusDuplicate},
	StatusAssigned:   {StatusAccepted, StatusAssigned, StatusDispatched, StatusRejected, StatusDuplicate},
	StatusDispatched: {StatusAccepted, StatusAssigned, StatusDispatched, StatusDuplicate},
	StatusAccepted:   {StatusInProgress, StatusAssigned, StatusDispatched},
	StatusInProgress: {StatusResolved, StatusAssigned},
	StatusResolved:   {StatusClosed, StatusInProgress},
	StatusClosed:     nil,
	StatusRejected:   nil,
	StatusDuplicate:  nil,
}

// CanTransition reports whether the workflow allows moving an incident from one status to another.
func CanTransition(from, to string) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// OpenStatuses lists the statuses of incidents that still need work, in workflow order.
func OpenStatuses() []string {
	var out []string
	for _, s := range Statuses {
		if IsOpen(s.Code) {
			out = append(out, s.Code)
		}
	}
	return out
}

// StatusGroups sorts the statuses by where an incident stands, for a map's colours and a
// filter's choices: "open" still needs work, "done" was resolved, "ended" was ended early
// (rejected, or the same request as another).
func StatusGroups() map[string][]string {
	return map[string][]string{
		"open":  OpenStatuses(),
		"done":  {StatusResolved, StatusClosed},
		"ended": {StatusRejected, StatusDuplicate},
	}
}

// NextStatuses returns the statuses an incident in status from may move to.
func NextStatuses(from string) []string { return transitions[from] }

// IsOpen reports whether an incident in this status still needs work.
func IsOpen(status string) bool {
	switch status {
	case StatusResolved, StatusClosed, StatusRejected, StatusDuplicate:
		return false
	}
	return true
}

// Assignment methods: how an incident found its grid.
const (
	MethodContains   = "contains"   // the point lies in the grid
	MethodNearest    = "nearest"    // outside every grid, nearest grid within the tolerance
	MethodUnassigned = "unassigned" // outside every grid and beyond the tolerance
	MethodManual     = "manual"     // handed to a grid by a person
)

// Assignment is the grid an incident belongs to and how that was decided. For MethodUnassigned
// the codes are empty and Reason says why.
type Assignment struct {
	GridCode      string
	GridName      string
	CommunityCode string
	CommunityName string
	StreetCode    string
	StreetName    string
	Method        string
	DistanceM     float64 // 0 for contains; metres to the grid for nearest and unassigned
	Reason        string
}

// Incident is a resident's problem or request at a point. Reporter is personal data.
type Incident struct {
	ID          int64
	ClientKey   string    // Idempotency-Key or batch client id: makes retries safe
	Point       orb.Point // WGS-84
	Reported    orb.Point // as reported, in CRS
	CRS         string
	Category    string
	Channel     string
	Description string
	Reporter    string // personal data: contact of the reporter
	Status      string
	Assignment  Assignment
	ReportedAt  time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DueAt       time.Time
	ResolvedAt  time.Time // zero while unresolved
	Simulated   bool      // made up by a demo's simulated city, not reported by anyone
	ReportedBy  Actor     // the account that reported it (UserID 0: none, e.g. an import)
	Loop        Loop      // dispatch, response, supervision and callback
	History     []Event
	Photos      []Photo // with the history: what one incident's page shows
}

// Overdue reports whether the incident missed its due time: still open after it, or resolved late.
func (in *Incident) Overdue(now time.Time) bool {
	if in.DueAt.IsZero() {
		return false
	}
	if !in.ResolvedAt.IsZero() {
		return in.ResolvedAt.After(in.DueAt)
	}
	if !IsOpen(in.Status) {
		return false
	}
	return now.After(in.DueAt)
}

// Event is one entry of an incident's audit trail.
type Event struct {
	ID      int64
	At      time.Time
	Actor   string // who, by name
	ActorID int64  // their account (0: the system, an import)
	Role    string // the role they acted in
	Kind    string // EvReport, EvStatus, EvDispatch, …
	Verdict string // a callback's verdict
	From    string // "" for the first event
	To      string
	Note    string
}
