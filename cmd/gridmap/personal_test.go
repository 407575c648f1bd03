package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/testdb"
)

// TestPublicReadsHidePersonalData: without signing in nobody reads incidents; a role that does
// not read personal data (a volunteer) sees no description, reporter, client id, actor or note;
// the command centre sees all of it, and its read of the reporter's contact is logged.
func TestPublicReadsHidePersonalData(t *testing.T) {
	url := miniDatabase(t)
	tok := commandToken(t, url)
	auth := bearer(tok)
	a := startApp(t, url, nil)
	base := "http://" + a.Addr()
	batch := `{"client_id":"王大妈13912345678","lon":119.375,"lat":25.73,"category":"noise","channel":"wechat_group","description":"王大妈 13912345678 楼上噪声","reporter":"13912345678"}`
	if status, _, body := call(t, base, "POST", "/api/v1/incidents/batch", batch, auth); status != 200 || !strings.Contains(body, `"created":1`) {
		t.Fatalf("batch: %d %s", status, body)
	}
	id := openIncident(t, base, tok)
	if status, _, body := call(t, base, "POST", fmt.Sprintf("/api/v1/incidents/%d/transitions", id), `{"to":"in_progress","note":"已联系王大妈 13912345678"}`, auth); status != 200 {
		t.Fatalf("transition: %d %s", status, body)
	}
	// Without signing in, incidents are not to be read at all; a volunteer of the grid reads
	// them without personal data.
	volunteer := bearer(newToken(t, url, "volunteer-2", "volunteer", "350181003003001,350181003003002"))
	secrets := []string{"13912345678", "王大妈", "command-centre", "独居老人代买药品", "19900002222", "楼上噪声"}
	for _, path := range []string{"/api/v1/incidents", fmt.Sprintf("/api/v1/incidents/%d", id), "/api/v1/incidents?limit=1"} {
		if status, _, body := call(t, base, "GET", path, "", nil); status != 401 {
			t.Errorf("GET %s without signing in: %d %s", path, status, body)
		}
		status, _, body := call(t, base, "GET", path, "", volunteer)
		if status != 200 {
			t.Fatalf("GET %s as a volunteer: %d %s", path, status, body)
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("GET %s as a volunteer shows %q:\n%s", path, s, body)
			}
		}
	}
	_, _, detail := call(t, base, "GET", fmt.Sprintf("/api/v1/incidents/%d", id), "", auth)
	for _, s := range []string{"独居老人代买药品", "19900002222", "command-centre", "已联系王大妈 13912345678"} {
		if !strings.Contains(detail, s) {
			t.Errorf("with the token the incident does not show %q:\n%s", s, detail)
		}
	}
	_, _, list := call(t, base, "GET", "/api/v1/incidents?limit=1", "", auth)
	if !strings.Contains(list, "王大妈 13912345678 楼上噪声") {
		t.Errorf("with the token the list does not show the description:\n%s", list)
	}
	if n := scalar(t, url, fmt.Sprintf(`SELECT count(*)::text FROM security_events WHERE kind = 'contact_read' AND subject = 'incident %d'`, id)); n != "1" {
		t.Errorf("the command centre's read of the reporter's contact was logged %s times, want once", n)
	}
}

// TestPhoneNumbersInPlacesAreMasked: a contact written into a service point's opening hours is
// masked wherever the public reads it: the place list, the OGC feature service and the tiles.
func TestPhoneNumbersInPlacesAreMasked(t *testing.T) {
	url := testdb.New(t)
	d := datasettest.Mini(t, datasettest.Edit{File: "red_positions.geojson", Old: `"opening_hours":"周一至周五 08:30-17:30"`,
		New: `"opening_hours":"周一至周五 08:30-17:30 联系人 13912345678"`})
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", d); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	base := "http://" + startApp(t, url, nil).Addr()
	for _, path := range []string{"/api/v1/red-positions", "/ogc/collections/red_positions/items", "/tiles/red_positions/14/13624/6979.geojson"} {
		status, _, body := call(t, base, "GET", path, "", nil)
		if status != 200 || strings.Contains(body, "13912345678") || !strings.Contains(body, "139****5678") {
			t.Errorf("GET %s: %d, want the number masked as 139****5678:\n%.600s", path, status, body)
		}
	}
}
