package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLoopEndToEnd runs a resident's request round the whole loop through the API —
// reported, assigned, dispatched to the grid worker, responded to, progressed, resolved, a
// dissatisfied callback that sends it back (返工), resolved again, a satisfied callback that
// closes it — each step as the account whose part it is, and checks the history and the
// figures afterwards against counts computed independently in SQL.
func TestLoopEndToEnd(t *testing.T) {
	url := miniDatabase(t)
	command := bearer(commandToken(t, url))
	worker := bearer(newTokenEnv(t, url, nil, "lin", "grid_worker", "350181003003001", "--staff", "st-000001", "--name", "网格员林"))
	base := "http://" + startApp(t, url, nil).Addr()

	type incident struct {
		ID       int64
		Status   string
		Warnings []string
		Loop     *struct {
			Staff        string
			Satisfaction string
			Reopened     int
			Dissatisfied int
		}
		History []struct{ Kind, Actor, From, To, Note string }
	}
	step := func(who map[string]string, path, body string, want int) incident {
		t.Helper()
		status, _, res := call(t, base, "POST", path, body, who)
		if status != want {
			t.Fatalf("POST %s %s: %d, want %d: %s", path, body, status, want, res)
		}
		var in incident
		json.Unmarshal([]byte(res), &in)
		return in
	}
	in := step(command, "/api/v1/incidents", `{"lon":119.375,"lat":25.73,"category":"noise","channel":"hotline_12345","description":"楼上夜间装修","reporter":"13912345678"}`, 201)
	if in.Status != "assigned" {
		t.Fatalf("reported: %+v", in)
	}
	p := fmt.Sprintf("/api/v1/incidents/%d/", in.ID)
	// Only the dispatcher dispatches; only the assignee responds.
	step(worker, p+"dispatch", `{"staff":"st-000001"}`, 403)
	step(command, p+"dispatch", `{"staff":"st-nobody"}`, 404)
	in = step(command, p+"dispatch", `{"staff":"st-000001","note":"请尽快上门"}`, 200)
	if in.Status != "dispatched" || in.Loop == nil || in.Loop.Staff != "st-000001" {
		t.Fatalf("dispatched: %+v", in)
	}
	step(command, p+"respond", `{}`, 403)
	step(worker, p+"respond", `{"note":"已签收"}`, 200)
	step(worker, p+"progress", `{"note":""}`, 400)
	step(worker, p+"progress", `{"note":"已与施工方沟通"}`, 200)
	step(command, p+"urge", `{"note":"居民再次来电"}`, 200)
	step(worker, p+"transitions", `{"to":"resolved","note":"已停工"}`, 200)
	in = step(command, p+"callback", `{"verdict":"dissatisfied","note":"仍有噪声"}`, 200)
	if in.Status != "in_progress" || in.Loop.Reopened != 1 || in.Loop.Dissatisfied != 1 {
		t.Fatalf("after a dissatisfied callback: %+v", in)
	}
	step(worker, p+"transitions", `{"to":"resolved","note":"已加装隔音"}`, 200)
	step(command, p+"callback", `{"verdict":"maybe"}`, 400)
	in = step(command, p+"callback", `{"verdict":"satisfied"}`, 200)
	if in.Status != "closed" || in.Loop.Satisfaction != "satisfied" {
		t.Fatalf("after a satisfied callback: %+v", in)
	}
	var kinds, actors []string
	for _, e := range in.History {
		kinds = append(kinds, e.Kind+":"+e.To)
		actors = append(actors, e.Actor)
	}
	want := "report:assigned dispatch:dispatched respond:accepted progress:in_progress urge:in_progress status:resolved callback:in_progress status:resolved callback:closed"
	if strings.Join(kinds, " ") != want {
		t.Errorf("history:\n%s\nwant\n%s", strings.Join(kinds, " "), want)
	}
	if actors[2] != "网格员林" || actors[1] != "command-centre" {
		t.Errorf("actors %v: the dispatch is the command centre's, the response the grid worker's", actors)
	}
	step(command, p+"callback", `{"verdict":"satisfied"}`, 409) // closed: no second callback

	// The figures of the day, against SQL of their own.
	day := time.Now().Add(-time.Minute).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	status, _, body := call(t, base, "GET", "/api/v1/figures?by=street&since="+day+"&until="+day, "", command)
	var figs struct {
		Rows []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &figs); status != 200 || err != nil || len(figs.Rows) != 1 {
		t.Fatalf("figures: %d %s", status, body)
	}
	got := figs.Rows[0]
	sql := func(q string) float64 {
		var f float64
		fmt.Sscan(scalar(t, url, q), &f)
		return f
	}
	today := fmt.Sprintf("reported_at >= '%sT00:00:00+08' AND reported_at < '%sT00:00:00+08'::timestamptz + interval '1 day'", day, day)
	checks := map[string]string{
		"received":     `SELECT count(*)::text FROM incidents WHERE ` + today,
		"dispatched":   `SELECT count(*)::text FROM incidents WHERE ` + today + ` AND status NOT IN ('rejected','duplicate') AND id IN (SELECT incident_id FROM incident_events WHERE kind = 'dispatch')`,
		"resolved":     `SELECT count(*)::text FROM incidents WHERE ` + today + ` AND status IN ('resolved','closed')`,
		"callbacks":    `SELECT count(*)::text FROM incident_events e JOIN incidents i ON i.id = e.incident_id WHERE i.` + today + ` AND e.kind = 'callback' AND e.verdict <> 'unreachable'`,
		"dissatisfied": `SELECT count(*)::text FROM incident_events e JOIN incidents i ON i.id = e.incident_id WHERE i.` + today + ` AND e.verdict = 'dissatisfied'`,
		"reopened":     `SELECT sum(reopened)::text FROM incidents WHERE ` + today,
	}
	for field, q := range checks {
		if want := sql(strings.Replace(q, "i.reported_at", "i.reported_at", 1)); got[field].(float64) != want {
			t.Errorf("figures say %s = %v, SQL says %v", field, got[field], want)
		}
	}
	if got["satisfaction_rate"].(float64) != 0.5 || got["dissatisfied_rate"].(float64) != 0.5 || got["response_rate"].(float64) != 1 {
		t.Errorf("rates: satisfaction %v (want 0.5: one satisfied of two callbacks), dissatisfied %v, response %v",
			got["satisfaction_rate"], got["dissatisfied_rate"], got["response_rate"])
	}
	// The monthly report, in each format.
	month := day[:7]
	for _, f := range []string{"json", "csv", "xlsx"} {
		status, h, body := call(t, base, "GET", "/api/v1/reports/monthly?street=350181003&month="+month+"&f="+f, "", command)
		if status != 200 || f != "json" && !strings.Contains(h.Get("Content-Disposition"), "attachment") || f == "csv" && !strings.Contains(body, "解决率") {
			t.Errorf("monthly report as %s: %d %s %.200s", f, status, h.Get("Content-Disposition"), body)
		}
	}
}

// TestSameRequestTwice: a report near an open incident of the same category, within the
// category's radius and the week before, is flagged as a possible duplicate of it; farther
// away, or of another category, it is not. Staff confirm the match (the new one ends as a
// duplicate, its reporter's repeat counted, the original told) or reject it.
func TestSameRequestTwice(t *testing.T) {
	url := miniDatabase(t)
	command := bearer(commandToken(t, url))
	base := "http://" + startApp(t, url, nil).Addr()
	report := func(lon float64, category, reporter string) (int64, int64) {
		t.Helper()
		status, _, body := call(t, base, "POST", "/api/v1/incidents",
			fmt.Sprintf(`{"lon":%v,"lat":25.73,"category":%q,"channel":"hotline_12345","reporter":%q}`, lon, category, reporter), command)
		var in struct {
			ID   int64
			Loop *struct {
				PossibleDup int64 `json:"possible_duplicate_of"`
			}
		}
		if err := json.Unmarshal([]byte(body), &in); status != 201 || err != nil {
			t.Fatalf("report: %d %s", status, body)
		}
		if in.Loop == nil {
			return in.ID, 0
		}
		return in.ID, in.Loop.PossibleDup
	}
	first, _ := report(119.3750, "noise", "13900000001")
	// 30 m east: within noise's 50 m.
	second, dup := report(119.3753, "noise", "13900000001")
	if dup != first {
		t.Errorf("a noise report 30 m from an open one is flagged as a duplicate of %d, want %d", dup, first)
	}
	// 80 m east: beyond noise's radius.
	if _, dup := report(119.3758, "noise", "13900000002"); dup != 0 {
		t.Errorf("a noise report 80 m away is flagged as a duplicate of %d", dup)
	}
	// Another category at the same place.
	if _, dup := report(119.3753, "parking", "13900000003"); dup != 0 {
		t.Errorf("a parking report is flagged as a duplicate of a noise one (%d)", dup)
	}
	// Confirming it: the second ends as a duplicate, a repeat complaint of the same reporter, and
	// the original's history says so.
	status, _, body := call(t, base, "POST", fmt.Sprintf("/api/v1/incidents/%d/duplicate", second), fmt.Sprintf(`{"of":%d,"note":"同一户噪声"}`, first), command)
	if status != 200 || !strings.Contains(body, `"status":"duplicate"`) || !strings.Contains(body, `"repeat_complaint":true`) {
		t.Fatalf("confirm the duplicate: %d %s", status, body)
	}
	_, _, orig := call(t, base, "GET", fmt.Sprintf("/api/v1/incidents/%d", first), "", command)
	if !strings.Contains(orig, fmt.Sprintf("report %d of the same matter merged into this one", second)) {
		t.Errorf("the original does not say the duplicate was merged: %s", orig)
	}
	// Rejecting a match clears the flag.
	third, dup := report(119.3751, "noise", "13900000009")
	if dup != first {
		t.Fatalf("a third report nearby: flagged %d, want %d", dup, first)
	}
	status, _, body = call(t, base, "POST", fmt.Sprintf("/api/v1/incidents/%d/not-duplicate", third), `{}`, command)
	if status != 200 || strings.Contains(body, "possible_duplicate_of") {
		t.Errorf("reject the match: %d %s", status, body)
	}
}
