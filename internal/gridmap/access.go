package gridmap

import (
	"slices"
	"strings"
	"time"
)

// Roles of user accounts. A role is held with a scope (Scope): the part of the city it applies
// to. The staff roles' codes (grid_worker, party_member, volunteer) are the same words, because
// a grid worker's account is that grid's grid worker.
const (
	RoleAdmin       = "admin"       // system settings and users; no incident data
	RoleCommand     = "command"     // 市级/区县指挥中心: everything, city-wide
	RoleStreet      = "street"      // 街道负责人: their street's subtree
	RoleCommunity   = "community"   // 社区负责人: their community's grids
	RoleDepartment  = "department"  // 职能部门: the incidents dispatched to it
	RoleIntegration = "integration" // a machine client such as the 12345 system: reports, reads its own
	RolePublic      = "public"      // anyone, signed in or not
	// RoleGridWorker, RolePartyMember and RoleVolunteer (division.go) work their grids.
)

// AccountRoles lists the roles an account may hold, with their display names, most powerful
// first.
var AccountRoles = []Named{
	{RoleAdmin, "系统管理员", "administrator"},
	{RoleCommand, "指挥中心", "command centre"},
	{RoleStreet, "街道负责人", "street leader"},
	{RoleCommunity, "社区负责人", "community leader"},
	{RoleGridWorker, "网格员", "grid worker"},
	{RolePartyMember, "网格党员", "grid party member"},
	{RoleVolunteer, "志愿者", "volunteer"},
	{RoleDepartment, "职能部门", "department"},
	{RoleIntegration, "系统对接", "integration"},
}

// Actions are what a route needs its caller to be allowed; every route declares one.
const (
	ActRead           = "read"            // public data: divisions, places, tiles, public figures, labels
	ActReadIncidents  = "read_incidents"  // incident lists, details and the live feed, within scope
	ActReadPersonal   = "read_personal"   // reporters' contacts, descriptions, notes, staff names and phones
	ActReport         = "report"          // report incidents, one or in batches
	ActWork           = "work"            // take, progress and resolve incidents of the scope
	ActDispatch       = "dispatch"        // hand incidents to another grid, reject them, mark duplicates, close
	ActEditGrids      = "edit_grids"      // create and replace grids
	ActReadStaff      = "read_staff"      // the grid staff of the scope
	ActManageStaff    = "manage_staff"    // add, edit and retire grid staff
	ActReadFigures    = "read_figures"    // coverage, tiling, hotspots and figures of the scope
	ActManageUsers    = "manage_users"    // accounts, roles and tokens
	ActReadAudit      = "read_audit"      // the security audit log
	ActSelf           = "self"            // one's own account: who am I, sign out, my tokens
	ActManageSettings = "manage_settings" // the city's calendar, the departments
)

// permissions is the one table of what each role may do. A role not listed for an action may
// not do it anywhere; a role listed may do it within the scope it is held with.
var permissions = map[string][]string{
	RolePublic:      {ActRead},
	RoleAdmin:       {ActRead, ActSelf, ActManageUsers, ActReadAudit, ActManageSettings},
	RoleCommand:     {ActRead, ActSelf, ActReadIncidents, ActReadPersonal, ActReport, ActWork, ActDispatch, ActEditGrids, ActReadStaff, ActManageStaff, ActReadFigures},
	RoleStreet:      {ActRead, ActSelf, ActReadIncidents, ActReadPersonal, ActReport, ActWork, ActDispatch, ActEditGrids, ActReadStaff, ActManageStaff, ActReadFigures},
	RoleCommunity:   {ActRead, ActSelf, ActReadIncidents, ActReadPersonal, ActReport, ActWork, ActDispatch, ActEditGrids, ActReadStaff, ActManageStaff, ActReadFigures},
	RoleGridWorker:  {ActRead, ActSelf, ActReadIncidents, ActReadPersonal, ActReport, ActWork, ActReadStaff, ActReadFigures},
	RolePartyMember: {ActRead, ActSelf, ActReadIncidents, ActReadPersonal, ActReport, ActWork, ActReadStaff, ActReadFigures},
	RoleVolunteer:   {ActRead, ActSelf, ActReadIncidents, ActWork},
	// A department sees and works the incidents dispatched to it (DepartmentOnly).
	RoleDepartment: {ActRead, ActSelf, ActReadIncidents, ActReadPersonal, ActWork},
	// A machine client reports and reads back its own reports only (OwnReportsOnly).
	RoleIntegration: {ActRead, ActSelf, ActReport, ActReadIncidents},
}

// DepartmentOnly reports whether p reads and works incidents only as a department — every role
// of p that allows reading incidents is department — and which: the incidents dispatched to it
// are all p sees. A department account without a department sees none.
func (p Principal) DepartmentOnly() (department string, only bool) {
	if p.User == nil || !p.HasRole(RoleDepartment) {
		return "", false
	}
	for _, g := range p.User.Grants {
		if Allows(g.Role, ActReadIncidents) && g.Role != RoleDepartment {
			return "", false
		}
	}
	return p.User.Department, true
}

// OwnReportsOnly reports whether p reads incidents only because it reported them: every role
// of p that allows reading incidents is integration.
func (p Principal) OwnReportsOnly() bool {
	if p.User == nil {
		return false
	}
	own := false
	for _, g := range p.User.Grants {
		if Allows(g.Role, ActReadIncidents) {
			if g.Role != RoleIntegration {
				return false
			}
			own = true
		}
	}
	return own
}

// Allows reports whether role may do action at all (somewhere in its scope).
func Allows(role, action string) bool { return slices.Contains(permissions[role], action) }

// Actions lists every action, for the role × action table and its tests.
var Actions = []string{ActRead, ActSelf, ActReadIncidents, ActReadPersonal, ActReport, ActWork, ActDispatch,
	ActEditGrids, ActReadStaff, ActManageStaff, ActReadFigures, ActManageUsers, ActReadAudit, ActManageSettings}

// TransitionAction is what a workflow move needs: staff of the scope work an incident (take it,
// start, resolve, reopen); handing it to another grid, rejecting, marking a duplicate and
// closing are dispatch.
func TransitionAction(to string) string {
	switch to {
	case StatusAccepted, StatusInProgress, StatusResolved:
		return ActWork
	}
	return ActDispatch
}

// Scope is the part of the city a role is held for, as division code prefixes: "" is the
// whole city, a 9-digit code a street, a 12-digit code a community, 15-digit codes grids. A
// division lies inside when one of the prefixes starts its code.
type Scope []string

// CityScope is the whole city.
var CityScope = Scope{""}

// ParseScope reads a scope as the commands and the API write it: "city", or comma-separated
// street, community or grid codes.
func ParseScope(s string) (Scope, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "city" {
		return CityScope, nil
	}
	var out Scope
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		if !ValidStreetCode(c) && !ValidCommunityCode(c) && !ValidGridCode(c) {
			return nil, Invalid("scope", "scope %q: want city, or street (9 digits), community (12) or grid (15) codes separated by commas", c)
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// String writes the scope as ParseScope reads it.
func (s Scope) String() string {
	if s.IsCity() {
		return "city"
	}
	return strings.Join(s, ",")
}

// IsCity reports whether the scope is the whole city.
func (s Scope) IsCity() bool { return slices.Contains(s, "") }

// Contains reports whether the division (or grid) with the given code lies inside the scope;
// an incident with no grid lies only inside the city.
func (s Scope) Contains(code string) bool {
	for _, p := range s {
		if p == "" || code != "" && strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}

// Covers reports whether every division inside o also lies inside s.
func (s Scope) Covers(o Scope) bool {
	for _, p := range o {
		if !s.Contains(p) {
			return false
		}
	}
	return true
}

// Union returns the divisions inside either scope.
func (s Scope) Union(o Scope) Scope {
	if s.IsCity() || o.IsCity() {
		return CityScope
	}
	out := append(slices.Clone(s), o...)
	slices.Sort(out)
	out = slices.Compact(out)
	// Drop codes inside another code of the union: a grid of a listed street.
	kept := out[:0]
	for _, c := range out {
		inside := false
		for _, p := range out {
			if p != c && strings.HasPrefix(c, p) {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, c)
		}
	}
	return kept
}

// Grant is one role held with its scope.
type Grant struct {
	Role  string
	Scope Scope
}

// User is an account of a person or a machine. StaffID links a grid worker's, party member's
// or volunteer's account to their staff record.
type User struct {
	ID         int64
	Login      string
	Name       string
	StaffID    string
	Department string // a department account's department
	Disabled   bool
	Grants     []Grant
	CreatedAt  time.Time
}

// Principal is who is making a request: a signed-in user (by session or API token), or the
// anonymous public (User nil). Every permission question is asked of it.
type Principal struct {
	User    *User
	Via     string // "session", "token" or "" for the public
	Session string // the session's id, to sign it out
}

// Public is the anonymous caller.
var Public = Principal{}

// Anonymous reports whether nobody is signed in.
func (p Principal) Anonymous() bool { return p.User == nil }

// ScopeFor returns the part of the city in which p may do action: the union of the scopes of
// the roles that allow it; nil when p may do it nowhere. The public's read is city-wide.
func (p Principal) ScopeFor(action string) Scope {
	if Allows(RolePublic, action) {
		return CityScope
	}
	if p.User == nil || p.User.Disabled {
		return nil
	}
	var s Scope
	for _, g := range p.User.Grants {
		if Allows(g.Role, action) {
			s = s.Union(g.Scope)
		}
	}
	return s
}

// Can reports whether p may do action somewhere.
func (p Principal) Can(action string) bool { return len(p.ScopeFor(action)) > 0 }

// CanAt reports whether p may do action on the division or grid with the given code.
func (p Principal) CanAt(action, code string) bool { return p.ScopeFor(action).Contains(code) }

// HasRole reports whether p holds role, with any scope.
func (p Principal) HasRole(role string) bool {
	if p.User == nil {
		return role == RolePublic
	}
	for _, g := range p.User.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// Actor is who a change is recorded as: the signed-in user's id, display name and the role
// they acted in.
type Actor struct {
	UserID int64
	Name   string
	Role   string
}

// ActorFor returns who p is recorded as when doing action: the user, in the first of their
// roles that allows it.
func (p Principal) ActorFor(action string) Actor {
	if p.User == nil {
		return Actor{Name: "public", Role: RolePublic}
	}
	a := Actor{UserID: p.User.ID, Name: p.User.Name}
	for _, g := range p.User.Grants {
		if Allows(g.Role, action) {
			a.Role = g.Role
			break
		}
	}
	return a
}
