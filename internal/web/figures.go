package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// figuresJSON is one row of figures with its rates, rank and change against the period before.
type figuresJSON struct {
	Key                string   `json:"key"`
	Name               string   `json:"name"`
	Received           int      `json:"received"`
	Valid              int      `json:"valid"`
	Dispatched         int      `json:"dispatched"`
	Responded          int      `json:"responded"`
	RespondedOnTime    int      `json:"responded_on_time"`
	Resolved           int      `json:"resolved"`
	ResolvedOnTime     int      `json:"resolved_on_time"`
	ResolvedLate       int      `json:"resolved_late"`
	NotResolved        int      `json:"not_resolved"`
	Callbacks          int      `json:"callbacks"`
	Satisfied          int      `json:"satisfied"`
	Basically          int      `json:"basically_satisfied"`
	Dissatisfied       int      `json:"dissatisfied"`
	Unreachable        int      `json:"unreachable"`
	RepeatComplaints   int      `json:"repeat_complaints"`
	Reopened           int      `json:"reopened"`
	ResponseRate       *float64 `json:"response_rate"`
	ResolutionRate     *float64 `json:"resolution_rate"`
	OnTimeRate         *float64 `json:"on_time_rate"`
	SatisfactionRate   *float64 `json:"satisfaction_rate"`
	DissatisfiedRate   *float64 `json:"dissatisfied_rate"`
	MedianResponseMin  *float64 `json:"median_response_min"`
	MedianResolveHours *float64 `json:"median_resolve_hours"`
	Rank               int      `json:"rank"`
	// Change of each rate against the period before, in points (0.05 = five points); null
	// without figures on either side.
	Change map[string]*float64 `json:"change"`
}

func roundRate(r *float64) *float64 {
	if r == nil {
		return nil
	}
	v := math.Round(*r*1e6) / 1e6 // fine enough that a percentage to one decimal rounds once
	return &v
}

func toFiguresJSON(f gridmap.Figures) figuresJSON {
	return figuresJSON{Key: f.Key, Name: f.Name, Received: f.Received, Valid: f.Valid, Dispatched: f.Dispatched, Responded: f.Responded,
		RespondedOnTime: f.RespondedOnTime, Resolved: f.Resolved, ResolvedOnTime: f.ResolvedOnTime, ResolvedLate: f.Resolved - f.ResolvedOnTime,
		NotResolved: f.Valid - f.Resolved, Callbacks: f.Callbacks, Satisfied: f.Satisfied, Basically: f.Basically, Dissatisfied: f.Dissatisfied,
		Unreachable: f.Unreachable, RepeatComplaints: f.RepeatComplaints, Reopened: f.Reopened,
		ResponseRate: roundRate(f.ResponseRate()), ResolutionRate: roundRate(f.ResolutionRate()), OnTimeRate: roundRate(f.OnTimeRate()),
		SatisfactionRate: roundRate(f.SatisfactionRate()), DissatisfiedRate: roundRate(f.DissatisfiedRate()),
		MedianResponseMin: roundRate(f.MedianResponseMin), MedianResolveHours: roundRate(f.MedianResolveHours)}
}

// rankBy are the rates a ranking may follow.
var rankBy = map[string]func(f figuresJSON) *float64{
	"resolution_rate":   func(f figuresJSON) *float64 { return f.ResolutionRate },
	"response_rate":     func(f figuresJSON) *float64 { return f.ResponseRate },
	"on_time_rate":      func(f figuresJSON) *float64 { return f.OnTimeRate },
	"satisfaction_rate": func(f figuresJSON) *float64 { return f.SatisfactionRate },
}

// figuresOf computes the figures of a period and of the period as long just before it, ranks
// the rows by rank (highest first, rows without the rate last) and sets each rate's change.
func (s *Server) figuresOf(c *fiber.Ctx, q gridmap.FiguresQuery, rank string) ([]figuresJSON, error) {
	ctx := c.UserContext()
	cur, err := s.deps.Figures.Figures(ctx, q)
	if err != nil {
		return nil, err
	}
	prevQ := q
	prevQ.Since, prevQ.Until = q.Since.Add(-q.Until.Sub(q.Since)), q.Since
	prev, err := s.deps.Figures.Figures(ctx, prevQ)
	if err != nil {
		return nil, err
	}
	before := map[string]figuresJSON{}
	for _, f := range prev {
		before[f.Key] = toFiguresJSON(f)
	}
	out := make([]figuresJSON, len(cur))
	for i, f := range cur {
		out[i] = toFiguresJSON(f)
		out[i].Change = map[string]*float64{}
		p, had := before[f.Key]
		for name, rate := range rankBy {
			var d *float64
			if a, b := rate(out[i]), rate(p); had && a != nil && b != nil {
				v := math.Round((*a-*b)*10000) / 10000
				d = &v
			}
			out[i].Change[name] = d
		}
	}
	by := rankBy[rank]
	sort.SliceStable(out, func(i, j int) bool {
		a, b := by(out[i]), by(out[j])
		switch {
		case a == nil || b == nil:
			return a != nil
		case *a != *b:
			return *a > *b
		}
		return out[i].Key < out[j].Key
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out, nil
}

// figuresQuery reads by, since, until, street and community, within the caller's scope.
func figuresQuery(c *fiber.Ctx, p gridmap.Principal, defaultSince, defaultUntil time.Time) (gridmap.FiguresQuery, string, error) {
	q := gridmap.FiguresQuery{By: c.Query("by", gridmap.ByStreet), Scope: p.ScopeFor(gridmap.ActReadFigures)}
	var err error
	if q.Since, q.Until, err = window(c); err != nil {
		return q, "", err
	}
	if q.Since.IsZero() {
		q.Since = defaultSince
	}
	if q.Until.IsZero() {
		q.Until = defaultUntil
	}
	if !q.Until.After(q.Since) {
		return q, "", gridmap.Invalid("until", "until must be after since")
	}
	df, err := divisionFilter(c)
	if err != nil {
		return q, "", err
	}
	q.Street, q.Community = df.Street, df.Community
	rank := c.Query("rank", "resolution_rate")
	if _, ok := rankBy[rank]; !ok {
		return q, "", gridmap.Invalid("rank", "rank by resolution_rate, response_rate, on_time_rate or satisfaction_rate")
	}
	switch q.By {
	case gridmap.ByStreet, gridmap.ByCommunity, gridmap.ByGrid, gridmap.ByPerson, gridmap.ByDepartment:
	default:
		return q, "", gridmap.Invalid("by", "by must be street, community, grid, person or department")
	}
	return q, rank, nil
}

// figures: GET /api/v1/figures?by=&since=&until=&street=&community=&rank= — 响应率, 解决率,
// 按时办结率, 满意率 and the counts behind them, per street, community, grid, person or
// department of the caller's scope (the last 30 days by default), ranked, with the change
// against the period before; total is the whole of what was asked (the scope, street or
// community) as one row, and fields name every figure (figureFields). The README says what
// each figure counts.
func (s *Server) figures(c *fiber.Ctx) error {
	if err := checkParams(c, "by", "since", "until", "street", "community", "rank"); err != nil {
		return err
	}
	now := s.now()
	q, rank, err := figuresQuery(c, principal(c), gridmap.Midnight(now).AddDate(0, 0, -30), now)
	if err != nil {
		return err
	}
	rows, err := s.figuresOf(c, q, rank)
	if err != nil {
		return err
	}
	all := q
	all.By = gridmap.ByAll
	totals, err := s.figuresOf(c, all, rank)
	if err != nil {
		return err
	}
	var total *figuresJSON // null when the period received nothing
	if len(totals) > 0 {
		total = &totals[0]
	}
	return c.JSON(fiber.Map{"by": q.By, "since": q.Since, "until": q.Until, "rank": rank, "rows": rows, "total": total, "fields": figureFields})
}

// figureField names one field of a row of figures, in Chinese and English, and says what kind
// of value it is; a rate also says how it is counted (num / den, the keys of count fields). It
// is the one source of these names: the figures API and the monthly report carry them, the
// CSV and XLSX headers are taken from them, and the pages show them.
type figureField struct {
	Key  string   `json:"key"`
	ZH   string   `json:"zh"`
	EN   string   `json:"en"`
	Kind string   `json:"kind"`          // text, count, rate, minutes, hours or rank
	Num  []string `json:"num,omitempty"` // a rate: the counts summed above the line
	Den  string   `json:"den,omitempty"` // a rate: the count below it
}

// figureFields are the fields of figuresJSON, in the order a table shows them. The rates' num
// and den say what gridmap.Figures computes (TestFigureFields checks that they agree).
var figureFields = []figureField{
	{Key: "name", ZH: "单位", EN: "unit", Kind: "text"},
	{Key: "key", ZH: "编码", EN: "code", Kind: "text"},
	{Key: "received", ZH: "受理", EN: "received", Kind: "count"},
	{Key: "valid", ZH: "有效诉求", EN: "valid", Kind: "count"},
	{Key: "dispatched", ZH: "派单", EN: "dispatched", Kind: "count"},
	{Key: "responded", ZH: "签收", EN: "responded", Kind: "count"},
	{Key: "responded_on_time", ZH: "按时签收", EN: "responded on time", Kind: "count"},
	{Key: "resolved", ZH: "办结", EN: "resolved", Kind: "count"},
	{Key: "resolved_on_time", ZH: "按时办结", EN: "resolved on time", Kind: "count"},
	{Key: "resolved_late", ZH: "超时办结", EN: "resolved late", Kind: "count"},
	{Key: "not_resolved", ZH: "未办结", EN: "not resolved", Kind: "count"},
	{Key: "callbacks", ZH: "回访", EN: "callbacks", Kind: "count"},
	{Key: "satisfied", ZH: "满意", EN: "satisfied", Kind: "count"},
	{Key: "basically_satisfied", ZH: "基本满意", EN: "basically satisfied", Kind: "count"},
	{Key: "dissatisfied", ZH: "不满意数", EN: "dissatisfied", Kind: "count"},
	{Key: "unreachable", ZH: "未接通", EN: "not reached", Kind: "count"},
	{Key: "repeat_complaints", ZH: "重复诉求", EN: "repeat complaints", Kind: "count"},
	{Key: "reopened", ZH: "返工", EN: "reopened", Kind: "count"},
	{Key: "response_rate", ZH: "响应率", EN: "response rate", Kind: "rate", Num: []string{"responded_on_time"}, Den: "dispatched"},
	{Key: "resolution_rate", ZH: "解决率", EN: "resolution rate", Kind: "rate", Num: []string{"resolved"}, Den: "valid"},
	{Key: "on_time_rate", ZH: "按时办结率", EN: "on-time rate", Kind: "rate", Num: []string{"resolved_on_time"}, Den: "resolved"},
	{Key: "satisfaction_rate", ZH: "满意率", EN: "satisfaction rate", Kind: "rate", Num: []string{"satisfied", "basically_satisfied"}, Den: "callbacks"},
	{Key: "dissatisfied_rate", ZH: "不满意率", EN: "dissatisfied rate", Kind: "rate", Num: []string{"dissatisfied"}, Den: "callbacks"},
	{Key: "median_response_min", ZH: "签收用时中位数（分钟）", EN: "median response (minutes)", Kind: "minutes"},
	{Key: "median_resolve_hours", ZH: "办结用时中位数（小时）", EN: "median resolution (hours)", Kind: "hours"},
	{Key: "rank", ZH: "排名", EN: "rank", Kind: "rank"},
}

// field is the entry of figureFields for key; the tables below name only keys it has.
func field(key string) figureField {
	for _, f := range figureFields {
		if f.Key == key {
			return f
		}
	}
	panic("web: no figure field " + key)
}

// monthlyColumns are the monthly report's columns, as published reports lay them out: keys of
// figureFields, whose names head them, and how each cell is written in CSV and XLSX.
var monthlyColumns = []struct {
	key  string
	cell func(f figuresJSON) any
}{
	{"name", func(f figuresJSON) any { return f.Name }},
	{"key", func(f figuresJSON) any { return f.Key }},
	{"received", func(f figuresJSON) any { return f.Received }},
	{"dispatched", func(f figuresJSON) any { return f.Dispatched }},
	{"resolved_on_time", func(f figuresJSON) any { return f.ResolvedOnTime }},
	{"resolved_late", func(f figuresJSON) any { return f.ResolvedLate }},
	{"not_resolved", func(f figuresJSON) any { return f.NotResolved }},
	{"response_rate", func(f figuresJSON) any { return pct(f.ResponseRate) }},
	{"resolution_rate", func(f figuresJSON) any { return pct(f.ResolutionRate) }},
	{"on_time_rate", func(f figuresJSON) any { return pct(f.OnTimeRate) }},
	{"satisfaction_rate", func(f figuresJSON) any { return pct(f.SatisfactionRate) }},
	{"dissatisfied", func(f figuresJSON) any { return f.Dissatisfied }},
	{"dissatisfied_rate", func(f figuresJSON) any { return pct(f.DissatisfiedRate) }},
	{"repeat_complaints", func(f figuresJSON) any { return f.RepeatComplaints }},
	{"reopened", func(f figuresJSON) any { return f.Reopened }},
	{"rank", func(f figuresJSON) any { return f.Rank }},
}

func pct(r *float64) any {
	if r == nil {
		return "—"
	}
	return strconv.FormatFloat(math.Round(*r*1000)/10, 'f', 1, 64) + "%"
}

// monthlyReport: GET /api/v1/reports/monthly?street=&month=YYYY-MM&f=json|csv|xlsx — a street's
// month: its communities and the departments its incidents went to, with the columns published
// monthly reports carry, as JSON, CSV (UTF-8 with BOM, for Excel) or XLSX.
func (s *Server) monthlyReport(c *fiber.Ctx) error {
	if err := checkParams(c, "street", "month", "f"); err != nil {
		return err
	}
	street := c.Query("street")
	if !gridmap.ValidStreetCode(street) {
		return gridmap.Invalid("street", "street is required: a 9-digit street code")
	}
	p := principal(c)
	if !overlaps(p.ScopeFor(gridmap.ActReadFigures), street) {
		e := notFoundOutside("no street %s", street)
		e.Field = "street"
		return e // a community leader gets their community's share of the street: Scope below
	}
	month, err := time.ParseInLocation("2006-01", c.Query("month", gridmap.Midnight(s.now()).Format("2006-01")), gridmap.ChinaTime)
	if err != nil {
		return gridmap.Invalid("month", "month must be YYYY-MM")
	}
	format := c.Query("f", "json")
	if format != "json" && format != "csv" && format != "xlsx" {
		return gridmap.Invalid("f", "f must be json, csv or xlsx")
	}
	base := gridmap.FiguresQuery{Since: month, Until: month.AddDate(0, 1, 0), Street: street, Scope: p.ScopeFor(gridmap.ActReadFigures)}
	byCommunity, byStreet, byDepartment := base, base, base
	byCommunity.By, byStreet.By, byDepartment.By = gridmap.ByCommunity, gridmap.ByStreet, gridmap.ByDepartment
	communities, err := s.figuresOf(c, byCommunity, "resolution_rate")
	if err != nil {
		return err
	}
	total, err := s.figuresOf(c, byStreet, "resolution_rate")
	if err != nil {
		return err
	}
	departments, err := s.figuresOf(c, byDepartment, "resolution_rate")
	if err != nil {
		return err
	}
	name := street
	if len(total) > 0 {
		name = total[0].Name
	}
	title := fmt.Sprintf("%s %s 诉求办理月报", name, month.Format("2006年01月"))
	file := fmt.Sprintf("%s_%s_月报", street, month.Format("2006-01"))
	switch format {
	case "csv":
		var b bytes.Buffer
		b.WriteString("\ufeff")
		w := csv.NewWriter(&b)
		writeTable := func(heading string, rows []figuresJSON) {
			w.Write([]string{heading})
			head := make([]string, len(monthlyColumns))
			for i, col := range monthlyColumns {
				head[i] = field(col.key).ZH
			}
			w.Write(head)
			for _, r := range rows {
				rec := make([]string, len(monthlyColumns))
				for i, col := range monthlyColumns {
					rec[i] = csvCell(fmt.Sprint(col.cell(r)))
				}
				w.Write(rec)
			}
			w.Write(nil)
		}
		w.Write([]string{csvCell(title)})
		writeTable("街道合计", total)
		writeTable("社区", communities)
		writeTable("职能部门", departments)
		w.Flush()
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+file+`.csv"; filename*=UTF-8''`+urlEscape(file)+`.csv`)
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		return c.Send(b.Bytes())
	case "xlsx":
		x := excelize.NewFile()
		defer x.Close()
		sheet := "月报"
		x.SetSheetName("Sheet1", sheet)
		x.SetCellStr(sheet, "A1", title)
		row := 3 // a blank row under the title
		put := func(heading string, rows []figuresJSON) {
			x.SetCellStr(sheet, cellName(1, row), heading)
			row++
			for i, col := range monthlyColumns {
				x.SetCellStr(sheet, cellName(i+1, row), field(col.key).ZH)
			}
			row++
			for _, r := range rows {
				for i, col := range monthlyColumns {
					switch v := col.cell(r).(type) {
					case int:
						x.SetCellInt(sheet, cellName(i+1, row), int64(v))
					default:
						x.SetCellStr(sheet, cellName(i+1, row), fmt.Sprint(v)) // text, never a formula
					}
				}
				row++
			}
			row++
		}
		put("街道合计", total)
		put("社区", communities)
		put("职能部门", departments)
		var b bytes.Buffer
		if err := x.Write(&b); err != nil {
			return gridmap.Internal(err, "write the monthly report")
		}
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+file+`.xlsx"; filename*=UTF-8''`+urlEscape(file)+`.xlsx`)
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		return c.Send(b.Bytes())
	}
	cols := make([]figureField, len(monthlyColumns))
	for i, col := range monthlyColumns {
		cols[i] = field(col.key)
	}
	return c.JSON(fiber.Map{"title": title, "street": fiber.Map{"code": street, "name": name}, "month": month.Format("2006-01"),
		"since": base.Since, "until": base.Until, "columns": cols, "fields": figureFields,
		"total": total, "communities": communities, "departments": departments})
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// csvCell neutralises a cell a spreadsheet would take for a formula (OWASP's rule).
func csvCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

func urlEscape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b = append(b, c)
		} else {
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
	}
	return string(b)
}
