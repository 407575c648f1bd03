package gridmap

import (
	"context"
	"time"
)

// The figures cities are ranked by, for any period, per street, community, grid, person
// (assignee) or department. They count the incidents received in the period (a cohort), and
// the callbacks made to them:
//
//	received      incidents reported in the period
//	valid         received, less those rejected (not the city's matter) or merged as duplicates
//	dispatched    valid incidents ever dispatched to a person or a department
//	responded     dispatched incidents whose first dispatch was responded to (签收)
//	on time       … within the category's response limit
//	resolved      valid incidents resolved (办结), closed or not
//	resolved on time   resolved by their due time (in working hours, by the calendar)
//	resolved late = resolved − resolved on time;  not resolved = valid − resolved
//	callbacks     callbacks with a verdict (satisfied, basically satisfied, dissatisfied); the
//	              resident not reached is not a verdict
//	响应率 response rate     = responded on time / dispatched
//	解决率 resolution rate   = resolved / valid
//	按时办结率 on-time rate   = resolved on time / resolved
//	满意率 satisfaction rate = (satisfied + basically satisfied) / callbacks
//	不满意率                 = dissatisfied / callbacks
//	repeat complaints        valid… merged duplicates from the same reporter about the same matter
//	reopened                 times incidents went back to work after a dissatisfied callback
//	median response          minutes from the first dispatch to its response (clock time)
//	median resolution        hours from the report to resolution (clock time)
//
// A rate with nothing to count is null, not 0.

// Figures is one row: a street, community, grid, person or department and its counts.
type Figures struct {
	Key, Name                                     string
	Received, Valid, Dispatched, Responded        int
	RespondedOnTime, Resolved, ResolvedOnTime     int
	Callbacks, Satisfied, Basically, Dissatisfied int
	Unreachable, RepeatComplaints, Reopened       int
	MedianResponseMin, MedianResolveHours         *float64
}

// Rate is num/den, nil when den is 0.
func Rate(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	r := float64(num) / float64(den)
	return &r
}

// ResponseRate is 响应率.
func (f Figures) ResponseRate() *float64 { return Rate(f.RespondedOnTime, f.Dispatched) }

// ResolutionRate is 解决率.
func (f Figures) ResolutionRate() *float64 { return Rate(f.Resolved, f.Valid) }

// OnTimeRate is 按时办结率.
func (f Figures) OnTimeRate() *float64 { return Rate(f.ResolvedOnTime, f.Resolved) }

// SatisfactionRate is 满意率.
func (f Figures) SatisfactionRate() *float64 { return Rate(f.Satisfied+f.Basically, f.Callbacks) }

// DissatisfiedRate is 不满意率.
func (f Figures) DissatisfiedRate() *float64 { return Rate(f.Dissatisfied, f.Callbacks) }

// Ways of grouping figures.
const (
	ByStreet     = "street"
	ByCommunity  = "community"
	ByGrid       = "grid"
	ByPerson     = "person"
	ByDepartment = "department"
	// ByAll is one row of everything the query asks for, keyed "all": the totals of a scope.
	ByAll = "all"
)

// FiguresQuery asks for the figures of a period grouped one way, within a scope.
type FiguresQuery struct {
	By           string
	Since, Until time.Time // on reported_at; Until exclusive
	Street       string    // only this street's incidents ("": all in scope)
	Community    string
	Scope        Scope
}

// FiguresStore computes the figures.
type FiguresStore interface {
	Figures(ctx context.Context, q FiguresQuery) ([]Figures, error)
}
