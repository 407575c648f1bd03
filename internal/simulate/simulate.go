// Package simulate is the simulated city of a demo: it reports incidents through the same intake
// as the API, with the daily and weekly rhythm, the categories, channels, places and coordinate
// systems of the incidents already stored, and moves open incidents through the workflow the
// way a city's staff would, some left to go overdue. Every incident it makes is marked
// simulated. It is for demos (`make run`, GRIDMAP_SIMULATE); a production server never starts it.
//
// What it does not know it learns from the stored incidents (the bundled dataset): it draws each
// new report from a stored one of the same hour of the day, moved a few tens of metres, so the
// hotspots, the mix and the night differ from the day as they do in the data.
package simulate

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gridmap/gridmap/internal/crs"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
)

// ActorName is who the simulated city's workflow moves are recorded as.
const ActorName = "模拟城市 (simulated city)"

// actor is the simulated city as the audit trail records it: no account.
var actor = gridmap.Actor{Name: ActorName, Role: "simulator"}

// Options set the simulated city's pace.
type Options struct {
	PerHour float64 // mean reports per hour over a week; the hour of the week bends it
	Seed    uint64  // fixed for tests; 0 takes one from the clock
	Now     func() time.Time
	Log     *slog.Logger
	// Tick is how often it reports and moves incidents (default 5 s).
	Tick time.Duration
	// Backfill is how far back it fills in reports when the stored ones end before now
	// (default 24 h), so that "today" and the last 24 hours are not empty at start.
	Backfill time.Duration
}

// Store is what the city needs of storage: the stored incidents to learn from and to move, the
// staff to dispatch to, and the loop's steps.
type Store interface {
	Incidents(ctx context.Context, f gridmap.IncidentFilter, limit int, before int64) ([]gridmap.Incident, error)
	Incident(ctx context.Context, id int64) (gridmap.Incident, error)
	Change(ctx context.Context, id int64, scope gridmap.Scope, change func(in *gridmap.Incident) (gridmap.Event, error)) (gridmap.Incident, error)
	Staff(ctx context.Context, f gridmap.StaffFilter) ([]gridmap.Staff, error)
}

// City is a running simulated city.
type City struct {
	store  Store
	intake *intake.Service
	opts   Options
	rng    *rand.Rand
	model  model
	staff  map[string][]string // grid → its grid workers and party members, to dispatch to
	seq    int
	// Counts of what it did, for logs and tests.
	Reported, Moved int
}

// New returns a city over store that reports through in.
func New(store Store, in *intake.Service, opts Options) *City {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Tick <= 0 {
		opts.Tick = 5 * time.Second
	}
	if opts.Backfill <= 0 {
		opts.Backfill = 24 * time.Hour
	}
	if opts.Seed == 0 {
		opts.Seed = uint64(opts.Now().UnixNano())
	}
	return &City{store: store, intake: in, opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))}
}

// Run learns from the stored incidents, fills in the time since the newest of them (at most
// Backfill), then reports and moves incidents every Tick until ctx ends. Failures are logged
// and retried at the next tick: a demo keeps going through a database restart.
func (c *City) Run(ctx context.Context) {
	for {
		err := c.Learn(ctx)
		if err == nil {
			break
		}
		c.opts.Log.Warn("simulated city: nothing to learn from yet", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(30 * time.Second):
		}
	}
	if err := c.Backfill(ctx); err != nil && ctx.Err() == nil {
		c.opts.Log.Warn("simulated city: filling in the past failed", "err", err)
	}
	c.opts.Log.Info("simulated city running", "per_hour", c.opts.PerHour, "reported_so_far", c.Reported)
	t := time.NewTicker(c.opts.Tick)
	defer t.Stop()
	last := c.opts.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := c.opts.Now()
		if err := c.Step(ctx, last, now); err != nil {
			if ctx.Err() != nil {
				return
			}
			c.opts.Log.Warn("simulated city: step failed", "err", err)
			continue
		}
		last = now
	}
}

// template is a stored report a new one is drawn from.
type template struct {
	point                                     [2]float64
	crs, category, channel, description, rptr string
}

// model is what the city learned: the relative rate of each hour of the week (China time,
// mean 1) and the stored reports of each hour of the day.
type model struct {
	weight [168]float64
	byHour [24][]template
	n      int
}

// learnFrom is how many of the newest stored incidents the city learns from.
const learnFrom = 20000

// Learn reads the newest stored incidents that are not simulated and learns the city's rhythm
// and places from them.
func (c *City) Learn(ctx context.Context) error {
	ins, err := c.store.Incidents(ctx, gridmap.IncidentFilter{}, learnFrom, 0)
	if err != nil {
		return err
	}
	var m model
	var counts [168]float64
	for _, in := range ins {
		if in.Simulated {
			continue
		}
		t := in.ReportedAt.In(gridmap.ChinaTime)
		counts[hourOfWeek(t)]++
		m.byHour[t.Hour()] = append(m.byHour[t.Hour()], template{point: in.Point, crs: in.CRS, category: in.Category,
			channel: in.Channel, description: in.Description, rptr: in.Reporter})
		m.n++
	}
	if m.n == 0 {
		return fmt.Errorf("simulate: no stored incidents to learn the city from; import a dataset first")
	}
	staff, err := c.store.Staff(ctx, gridmap.StaffFilter{})
	if err != nil {
		return err
	}
	c.staff = map[string][]string{}
	for _, st := range staff {
		if st.Role == gridmap.RoleGridWorker || st.Role == gridmap.RolePartyMember {
			c.staff[st.GridCode] = append(c.staff[st.GridCode], st.ID)
		}
	}
	total := 0.0
	for i := range counts {
		counts[i]++ // no hour of the week is impossible
		total += counts[i]
	}
	for i := range counts {
		m.weight[i] = counts[i] / (total / 168)
	}
	c.model = m
	return nil
}

func hourOfWeek(t time.Time) int { return int(t.Weekday())*24 + t.Hour() }

// rate is the expected reports per hour at t: the mean bent by the hour of the week, never
// below a quarter of it so that a demo at night still moves.
func (c *City) rate(t time.Time) float64 {
	w := c.model.weight[hourOfWeek(t.In(gridmap.ChinaTime))]
	return c.opts.PerHour * math.Max(w, 0.25)
}

// arrivals draws the times of the reports in [from, to), hour by hour.
func (c *City) arrivals(from, to time.Time) []time.Time {
	var out []time.Time
	for t := from; t.Before(to); {
		end := t.Truncate(time.Hour).Add(time.Hour)
		if end.After(to) {
			end = to
		}
		n := poisson(c.rng, c.rate(t)*end.Sub(t).Hours())
		for range n {
			out = append(out, t.Add(time.Duration(c.rng.Int64N(int64(end.Sub(t))+1))))
		}
		t = end
	}
	return out
}

// poisson draws from a Poisson distribution with mean lambda (Knuth's method for small means,
// a normal approximation for large ones).
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 50 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// report draws one report at t from a stored report of the same hour, moved by about 25 m.
func (c *City) report(t time.Time) gridmap.Report {
	pool := c.model.byHour[t.In(gridmap.ChinaTime).Hour()]
	if len(pool) == 0 {
		for h := range c.model.byHour {
			pool = append(pool, c.model.byHour[h]...)
		}
	}
	tp := pool[c.rng.IntN(len(pool))]
	const metresPerDegree = 111320
	lat := tp.point[1] + c.rng.NormFloat64()*25/metresPerDegree
	lon := tp.point[0] + c.rng.NormFloat64()*25/(metresPerDegree*math.Cos(lat*math.Pi/180))
	system := tp.crs
	if system == "" {
		system = gridmap.CRSWGS84
	}
	rlon, rlat, err := crs.FromWGS84(system, lon, lat)
	if err != nil {
		system, rlon, rlat = gridmap.CRSWGS84, lon, lat
	}
	c.seq++
	return gridmap.Report{
		ClientID: fmt.Sprintf("sim-%d-%d", t.UnixNano(), c.seq), KeySource: gridmap.KeyBatch,
		Lon: rlon, Lat: rlat, CRS: system, Category: tp.category, Channel: tp.channel,
		Description: tp.description, Reporter: tp.rptr, ReportedAt: t, Simulated: true,
	}
}

// Means of the loop's steps, in hours of the clock: how long a city's staff take.
const (
	meanDispatch = 0.5  // assigned → dispatched to a grid worker or a department (派单)
	meanRespond  = 1.0  // dispatched → responded to (签收)
	meanProgress = 1.0  // accepted → progress reported (办理)
	meanCallback = 12.0 // resolved → the resident called back (回访)
	meanReject   = 6.0  // reported outside every grid → rejected as not the city's matter
	resolveDue   = 0.5  // in progress → resolved: this share of the time to the due time, on average
	stuckEveryN  = 12   // one incident in this many is never worked on and goes overdue
	returnEveryN = 15   // one dispatch in this many is returned (退单) and dispatched again
)

// next says what an incident's next step is and how long it takes on average; "" when it has
// none (ended, or stuck).
func next(in *gridmap.Incident) (step string, meanHours float64) {
	stuck := in.ID%stuckEveryN == 0
	switch in.Status {
	case gridmap.StatusReported:
		return gridmap.StepReject, meanReject
	case gridmap.StatusAssigned:
		return gridmap.StepDispatch, meanDispatch
	case gridmap.StatusDispatched:
		return gridmap.StepRespond, meanRespond
	case gridmap.StatusAccepted:
		if stuck {
			return "", 0
		}
		return gridmap.StepProgress, meanProgress
	case gridmap.StatusInProgress:
		if stuck {
			return "", 0
		}
		return gridmap.StepResolve, math.Max(0.5, resolveDue*in.DueAt.Sub(in.ReportedAt).Hours())
	case gridmap.StatusResolved:
		return gridmap.StepCallback, meanCallback
	}
	return "", 0
}

// verdict draws a resident's answer to a callback: mostly satisfied, some not, a few not reached.
func (c *City) verdict() string {
	switch x := c.rng.Float64(); {
	case x < 0.70:
		return gridmap.Satisfied
	case x < 0.85:
		return gridmap.Basically
	case x < 0.93:
		return gridmap.Unsatisfied
	}
	return gridmap.Unreachable
}

// assignee chooses whom to dispatch an incident to: a staff member of its grid, or for some
// categories (and grids without staff) a department.
func (c *City) assignee(in *gridmap.Incident) gridmap.Assignee {
	staff := c.staff[in.Assignment.GridCode]
	dept, hasDept := gridmap.DepartmentFor(in.Category)
	if len(staff) == 0 || hasDept && c.rng.Float64() < 0.3 {
		if !hasDept {
			dept = "city_management"
		}
		return gridmap.Assignee{Department: dept}
	}
	return gridmap.Assignee{StaffID: staff[c.rng.IntN(len(staff))]}
}

// apply takes one step of an incident at the given time, under its row lock; a step the
// incident has moved past meanwhile (someone else took it) is skipped.
func (c *City) apply(ctx context.Context, id int64, step string, at time.Time) (gridmap.Incident, error) {
	cal := c.intake.WorkingCalendar() // the intake's, by which due times are reckoned
	in, err := c.store.Change(ctx, id, nil, func(in *gridmap.Incident) (gridmap.Event, error) {
		s := gridmap.Step{Kind: step, At: at}
		switch step {
		case gridmap.StepReject:
			s.Note = "不属本市职责范围"
		case gridmap.StepDispatch:
			a := c.assignee(in)
			s.Staff, s.Department = a.StaffID, a.Department
		case gridmap.StepRespond:
			s.Note = "已签收"
			if c.rng.IntN(returnEveryN) == 0 {
				s.Kind, s.Note = gridmap.StepReturn, "不属本单位职责，请改派"
			}
		case gridmap.StepProgress:
			s.Note = "已到现场处置"
		case gridmap.StepResolve:
			s.Note = "已处置完毕"
		case gridmap.StepCallback:
			s.Verdict = c.verdict()
		}
		return in.Take(s, actor, cal)
	})
	if gridmap.ErrorCode(err) == gridmap.EConflict {
		return in, nil
	}
	if err == nil {
		c.Moved++
	}
	return in, err
}

// live plays an incident's life from its report up to now, step by step at the times they
// would have happened, recording each: what the city's staff did before the simulation began.
func (c *City) live(ctx context.Context, in gridmap.Incident, now time.Time) error {
	t := in.ReportedAt
	for {
		step, mean := next(&in)
		if step == "" {
			return nil
		}
		t = t.Add(time.Duration(c.rng.ExpFloat64() * mean * float64(time.Hour)))
		if t.After(now) {
			return nil
		}
		after, err := c.apply(ctx, in.ID, step, t)
		if err != nil {
			return err
		}
		if after.Status == in.Status {
			return nil // the step did not take: leave it to the live city
		}
		in = after
	}
}

// Backfill stores the reports the city would have made between the newest stored incident (at
// most Backfill ago) and now, and plays each one's life so far, step by step.
func (c *City) Backfill(ctx context.Context) error {
	now := c.opts.Now()
	newest, err := c.store.Incidents(ctx, gridmap.IncidentFilter{}, 1, 0)
	if err != nil {
		return err
	}
	from := now.Add(-c.opts.Backfill)
	if len(newest) > 0 && newest[0].ReportedAt.After(from) {
		from = newest[0].ReportedAt
	}
	var reps []gridmap.Report
	for _, at := range c.arrivals(from, now) {
		rep := c.report(at)
		rep.Recorded = at
		reps = append(reps, rep)
	}
	var ids []int64
	for start := 0; start < len(reps); start += 1000 {
		res, err := c.intake.Replay(ctx, reps[start:min(start+1000, len(reps))])
		if err != nil {
			return err
		}
		c.count(res)
		for _, r := range res {
			if r.Outcome == intake.OutcomeCreated {
				ids = append(ids, r.ID)
			}
		}
	}
	for _, id := range ids {
		in, err := c.store.Incident(ctx, id)
		if err != nil {
			return err
		}
		if err := c.live(ctx, in, now); err != nil {
			return err
		}
	}
	c.opts.Log.Info("simulated city filled in the past", "from", from, "reports", len(reps), "steps", c.Moved)
	return nil
}

func (c *City) count(res []intake.ItemResult) {
	for _, r := range res {
		switch r.Outcome {
		case intake.OutcomeCreated:
			c.Reported++
		case intake.OutcomeRejected:
			c.opts.Log.Debug("simulated city: a report was rejected", "errors", r.Errors)
		}
	}
}

// movesFrom is how many open incidents one step looks at, newest first.
const movesFrom = 5000

// movable are the statuses an incident can take a next step from: the open ones, and resolved
// (the callback).
var movable = append(gridmap.OpenStatuses(), gridmap.StatusResolved)

// Step reports what arrives in [from, to) and moves open incidents as much as that time
// allows.
func (c *City) Step(ctx context.Context, from, to time.Time) error {
	var reps []gridmap.Report
	for _, at := range c.arrivals(from, to) {
		reps = append(reps, c.report(at))
	}
	if len(reps) > 0 {
		res, err := c.intake.Batch(ctx, reps)
		if err != nil {
			return err
		}
		c.count(res)
	}
	ins, err := c.store.Incidents(ctx, gridmap.IncidentFilter{Status: movable}, movesFrom, 0)
	if err != nil {
		return err
	}
	hours := to.Sub(from).Hours()
	for i := range ins {
		in := &ins[i]
		step, mean := next(in)
		if step == "" || c.rng.Float64() >= 1-math.Exp(-hours/mean) {
			continue
		}
		if _, err := c.apply(ctx, in.ID, step, to); err != nil {
			return err
		}
	}
	return nil
}
