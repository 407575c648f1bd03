package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/tiles"
	"github.com/paulmach/orb"
)

// signedIn is a browser: a cookie jar and the CSRF token it was given.
type signedIn struct {
	client *http.Client
	csrf   string
}

func (b *signedIn) do(t *testing.T, method, url, body string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, out := roundTrip(t, b.client, req)
	return resp.StatusCode, resp.Header, string(out)
}

// TestSessionCookieAndCSRF signs in as a browser does: an HTTP-only, SameSite=Lax cookie (Secure
// behind HTTPS), a CSRF token every write made with the cookie must carry, the signed-in user
// as the actor of what they do, and a sign-out after which the cookie opens nothing.
func TestSessionCookieAndCSRF(t *testing.T) {
	url := miniDatabase(t)
	env := map[string]string{stdinKey: "longshan's password\n"}
	if code, _, stderr := gridmapCmdEnv(t, url, env, "user", "add", "longshan", "--role", "street", "--scope", "350181003", "--name", "龙山街道 王主任"); code != 0 {
		t.Fatal(stderr)
	}
	base := "http://" + startApp(t, url, nil).Addr()
	jar, _ := cookiejar.New(nil)
	b := &signedIn{client: &http.Client{Jar: jar}}
	status, h, body := b.do(t, "POST", base+"/api/v1/session", `{"login":"longshan","password":"longshan's password"}`, nil)
	if status != 200 {
		t.Fatalf("sign-in: %d %s", status, body)
	}
	cookie := h.Get("Set-Cookie")
	for _, want := range []string{"gridmap_session=", "httponly", "samesite=lax", "path=/"} {
		if !strings.Contains(strings.ToLower(cookie), want) {
			t.Errorf("the session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(strings.ToLower(cookie), "secure") {
		t.Errorf("over plain HTTP the cookie is Secure, so the browser would never send it back: %q", cookie)
	}
	var me struct {
		SignedIn bool   `json:"signed_in"`
		CSRF     string `json:"csrf_token"`
		User     struct {
			Login string
			Roles []struct{ Role, Scope string }
		}
		Actions map[string]string
	}
	json.Unmarshal([]byte(body), &me)
	if !me.SignedIn || me.CSRF == "" || me.User.Login != "longshan" || me.Actions["dispatch"] != "350181003" {
		t.Fatalf("sign-in answer: %s", body)
	}
	b.csrf = me.CSRF
	report := `{"lon":119.375,"lat":25.73,"category":"noise","channel":"walk_in"}`
	if status, _, body := b.do(t, "POST", base+"/api/v1/incidents", report, nil); status != 403 || !strings.Contains(body, "X-CSRF-Token") {
		t.Errorf("a write with the cookie and no CSRF token: %d %s", status, body)
	}
	if status, _, body := b.do(t, "POST", base+"/api/v1/incidents", report, map[string]string{"X-CSRF-Token": "guess"}); status != 403 {
		t.Errorf("a write with a wrong CSRF token: %d %s", status, body)
	}
	status, _, body = b.do(t, "POST", base+"/api/v1/incidents", report, map[string]string{"X-CSRF-Token": b.csrf})
	if status != 201 {
		t.Fatalf("a write with the CSRF token: %d %s", status, body)
	}
	var in struct {
		ID      int64
		History []struct{ Actor string }
	}
	json.Unmarshal([]byte(body), &in)
	if len(in.History) != 1 || in.History[0].Actor != "龙山街道 王主任" {
		t.Errorf("the report's audit trail names %+v, want the signed-in user", in.History)
	}
	if status, _, body := b.do(t, "GET", base+"/api/v1/me/sessions", "", nil); status != 200 || !strings.Contains(body, `"live":true`) {
		t.Errorf("my sessions: %d %s", status, body)
	}
	// Signing out ends the session: the cookie opens nothing after it.
	old := jar.Cookies(mustParse(base))
	if status, _, body := b.do(t, "DELETE", base+"/api/v1/session", "", map[string]string{"X-CSRF-Token": b.csrf}); status != 204 {
		t.Fatalf("sign-out: %d %s", status, body)
	}
	replay := &http.Client{}
	req, _ := http.NewRequest("GET", base+fmt.Sprintf("/api/v1/incidents/%d", in.ID), nil)
	for _, c := range old {
		req.AddCookie(c)
	}
	resp, err := replay.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("the signed-out cookie still reads an incident: %d", resp.StatusCode)
	}
	// Signed out, who am I is the public, whose actions are a map like everyone's.
	if status, _, body := b.do(t, "GET", base+"/api/v1/me", "", nil); status != 200 || !strings.Contains(body, `"signed_in":false`) ||
		!strings.Contains(body, `"actions":{"read":"city"}`) {
		t.Errorf("who am I after signing out: %d %s", status, body)
	}
	// Behind an HTTPS proxy the cookie is Secure.
	_, h, _ = (&signedIn{client: &http.Client{}}).do(t, "POST", base+"/api/v1/session", `{"login":"longshan","password":"longshan's password"}`, map[string]string{"X-Forwarded-Proto": "https"})
	if !strings.Contains(strings.ToLower(h.Get("Set-Cookie")), "; secure") {
		t.Errorf("behind HTTPS the cookie is not Secure: %q", h.Get("Set-Cookie"))
	}
}

func mustParse(raw string) *neturl.URL {
	u, err := neturl.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u
}

// TestSignInLockoutOverHTTP: a wrong password and an unknown login get the same answer; after
// too many failures the account is locked out (429, Retry-After), even with the right password.
func TestSignInLockoutOverHTTP(t *testing.T) {
	url := miniDatabase(t)
	env := map[string]string{stdinKey: "the right password\n"}
	if code, _, stderr := gridmapCmdEnv(t, url, env, "user", "add", "rongdong", "--role", "community", "--scope", "350181003003"); code != 0 {
		t.Fatal(stderr)
	}
	base := "http://" + startApp(t, url, nil).Addr()
	signIn := func(login, pw string) (int, http.Header, string) {
		return call(t, base, "POST", "/api/v1/session", fmt.Sprintf(`{"login":%q,"password":%q}`, login, pw), nil)
	}
	_, _, wrong := signIn("rongdong", "a wrong password")
	_, _, unknown := signIn("nobody-at-all", "a wrong password")
	detail := func(body string) string {
		var p struct{ Detail, Field string }
		json.Unmarshal([]byte(body), &p)
		return p.Field + ": " + p.Detail
	}
	if detail(wrong) != detail(unknown) || !strings.Contains(wrong, `"status":401`) {
		t.Errorf("a wrong password says %q, an unknown login %q: they must say the same", detail(wrong), detail(unknown))
	}
	for range 5 {
		signIn("rongdong", "a wrong password")
	}
	status, h, body := signIn("rongdong", "the right password")
	if status != 429 || h.Get("Retry-After") == "" {
		t.Errorf("after 6 failures the right password: %d, Retry-After %q: %s", status, h.Get("Retry-After"), body)
	}
}

// TestPublicCrawlShowsNoPersonalData walks every public route as the anonymous public — every
// tile of the two streets at a street and a grid zoom in both encodings, every OGC item, the
// event stream while a report with a contact arrives, the key figures, the metrics, the labels
// and error bodies — and finds no reporter's contact, no staff name or phone, no description.
func TestPublicCrawlShowsNoPersonalData(t *testing.T) {
	url := twoStreets(t)
	tok := commandToken(t, url)
	a := startApp(t, url, nil)
	base := "http://" + a.Addr()
	secrets := []string{
		"19900001111", "19900002222", "19900009999", "13912345678", // reporters
		"林测试", "陈测试", "黄第二", "郑志愿", "19900000001", "19900000002", "19900009991", "19900009992", // staff
		"垃圾未清运", "独居老人代买药品", "海上漂浮物", "第二街道的事", "王大妈", // descriptions
	}
	var paths []string
	for _, z := range []uint32{12, 15} {
		min, max := tiles.At(orb.Point{119.37, 25.74}, z), tiles.At(orb.Point{119.41, 25.72}, z)
		for x := min.X; x <= max.X; x++ {
			for y := min.Y; y <= max.Y; y++ {
				for _, layer := range []string{"streets", "communities", "grids", "red_positions", "stations", "incidents"} {
					for _, ext := range []string{"mvt", "geojson"} {
						paths = append(paths, fmt.Sprintf("/tiles/%s/%d/%d/%d.%s", layer, z, x, y, ext))
					}
				}
			}
		}
	}
	for _, c := range []string{"streets", "communities", "grids", "red_positions", "stations", "incidents"} {
		paths = append(paths, "/ogc/collections/"+c+"/items?limit=1000", "/ogc/collections/"+c, "/tiles/"+c+".json")
	}
	paths = append(paths, "/ogc/collections/incidents/items/1", "/ogc/collections/incidents/items/2", "/ogc/collections/incidents/items/4",
		"/api/v1/stats", "/metrics", "/api/v1/categories", "/api/v1/site", "/api/v1/me", "/api/v1/grids", "/api/v1/red-positions",
		"/api/v1/stations", "/api/v1/streets", "/api/v1/communities", "/api/v1/incidents", "/api/v1/incidents/2", "/api/v1/staff",
		"/api/v1/coverage", "/api/v1/nothing-here", "/api/v1/grids?bbox=1", "/tiles/incidents/99/0/0.mvt", "/api/v1/locate?lon=119.385&lat=25.735")

	// The live feed, while a report with a contact and a description arrives.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	status, _, body := call(t, base, "POST", "/api/v1/incidents", `{"lon":119.385,"lat":25.735,"category":"noise","channel":"wechat_group","description":"王大妈 13912345678 楼上吵","reporter":"13912345678"}`, bearer(tok))
	if status != 201 {
		t.Fatalf("report: %d %s", status, body)
	}
	var feed strings.Builder
	for !strings.Contains(feed.String(), "event: incident") {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("the event stream ended before the incident: %v (%q)", err, feed.String())
		}
		feed.WriteString(line)
	}
	line, _ := r.ReadString('\n')
	feed.WriteString(line)

	crawled := map[string]string{"/api/v1/events": feed.String()}
	for _, p := range paths {
		_, _, body := call(t, base, "GET", p, "", nil)
		crawled[p] = body
	}
	for p, body := range crawled {
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("GET %s shows the public %q", p, s)
			}
		}
	}
	t.Logf("crawled %d public answers", len(crawled))
}

// TestSessionCookieOnAMovedClock: with the server's clock set a week back or a year ahead
// (GRIDMAP_CLOCK, as a demo or a test may), the session cookie still lasts the session's
// lifetime by the browser's own clock: it says how long it lasts (Max-Age), not until when by
// the server's clock, which a browser would take for long past (and drop) or a year away.
func TestSessionCookieOnAMovedClock(t *testing.T) {
	for _, ahead := range []time.Duration{-7 * 24 * time.Hour, 8760 * time.Hour} {
		t.Run(ahead.String(), func(t *testing.T) {
			url := miniDatabase(t)
			env := map[string]string{stdinKey: "longshan's password\n"}
			for k, v := range clockEnv(ahead) {
				env[k] = v
			}
			if code, _, stderr := gridmapCmdEnv(t, url, env, "user", "add", "longshan", "--role", "street", "--scope", "350181003"); code != 0 {
				t.Fatal(stderr)
			}
			base := "http://" + startApp(t, url, map[string]string{"GRIDMAP_CLOCK": clockEnv(ahead)["GRIDMAP_CLOCK"], "GRIDMAP_SESSION_TTL": "2h"}).Addr()
			jar, _ := cookiejar.New(nil)
			b := &signedIn{client: &http.Client{Jar: jar}}
			status, h, body := b.do(t, "POST", base+"/api/v1/session", `{"login":"longshan","password":"longshan's password"}`, nil)
			if status != 200 {
				t.Fatalf("sign-in: %d %s", status, body)
			}
			c, err := http.ParseSetCookie(h.Get("Set-Cookie"))
			if err != nil {
				t.Fatalf("Set-Cookie %q: %v", h.Get("Set-Cookie"), err)
			}
			if c.MaxAge < 7190 || c.MaxAge > 7200 {
				t.Errorf("the session cookie %q lasts Max-Age %d s, want the session's 2 h", h.Get("Set-Cookie"), c.MaxAge)
			}
			if !c.Expires.IsZero() && (c.Expires.Before(time.Now().Add(time.Hour)) || c.Expires.After(time.Now().Add(3*time.Hour))) {
				t.Errorf("the session cookie %q expires at %v by the server's clock; the browser's reads %v", h.Get("Set-Cookie"), c.Expires, time.Now())
			}
			if _, _, body := b.do(t, "GET", base+"/api/v1/me", "", nil); !strings.Contains(body, `"signed_in":true`) {
				t.Errorf("with the cookie the browser kept, /api/v1/me says %s", body)
			}
		})
	}
}
