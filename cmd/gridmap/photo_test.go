package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/photo"
	"github.com/gridmap/gridmap/internal/photo/phototest"
)

// TestPhotos attaches a phone's photo to an incident through the API: stored as sent for
// staff who may see personal data, and without where it was taken (or on what) for a
// volunteer; a step of the history; refused whole, with nothing stored, when it is not a
// photo, not the type it says, too large, or one too many.
func TestPhotos(t *testing.T) {
	url := miniDatabase(t)
	command := bearer(commandToken(t, url))
	worker := bearer(newTokenEnv(t, url, nil, "lin", "grid_worker", "350181003003001", "--staff", "st-000001", "--name", "网格员林"))
	volunteer := bearer(newToken(t, url, "vol", "volunteer", "350181003003001"))
	base := "http://" + startApp(t, url, nil).Addr()

	status, _, body := call(t, base, "POST", "/api/v1/incidents", `{"lon":119.375,"lat":25.73,"category":"road_facility","channel":"grid_patrol"}`, command)
	var in struct{ ID int64 }
	if json.Unmarshal([]byte(body), &in); status != 201 {
		t.Fatalf("report: %d %s", status, body)
	}
	photos := fmt.Sprintf("/api/v1/incidents/%d/photos", in.ID)
	send := func(who map[string]string, contentType string, b []byte) (int, string) {
		t.Helper()
		status, _, out := callBytes(t, base, "POST", photos, contentType, b, who)
		return status, string(out)
	}
	fetch := func(who map[string]string, path string) (int, http.Header, []byte) {
		t.Helper()
		return callBytes(t, base, "GET", path, "", nil, who)
	}
	stored := func() string {
		return scalar(t, url, fmt.Sprintf(`SELECT (SELECT count(*) FROM incident_photos)::text || '/' || (SELECT count(*) FROM incident_events WHERE incident_id = %d)::text`, in.ID))
	}

	// Refused whole: nothing stored.
	before := stored()
	jpeg := phototest.PhoneJPEG(phototest.Picture(120, 90), 6)
	plain := phototest.JPEG(phototest.Picture(60, 40))
	for _, tc := range []struct {
		name, contentType string
		who               map[string]string
		body              []byte
		status            int
		field, says       string
	}{
		{"no type", "application/octet-stream", worker, jpeg, 400, "Content-Type", "image/jpeg or image/png"},
		{"the wrong type", "image/png", worker, jpeg, 400, "Content-Type", "says image/png but the photo is image/jpeg"},
		{"not a photo", "image/jpeg", worker, []byte("<svg/>"), 400, "body", "neither a JPEG nor a PNG"},
		{"cut short", "image/jpeg", worker, plain[:len(plain)-20], 400, "body", "ends before"},
		{"too large", "image/jpeg", worker, append(append([]byte{}, jpeg...), make([]byte, photo.MaxBytes)...), 413, "body", "at most"},
		{"the public", "image/jpeg", nil, jpeg, 401, "", ""},
	} {
		status, body := send(tc.who, tc.contentType, tc.body)
		var p problemOf
		json.Unmarshal([]byte(body), &p)
		if status != tc.status || p.Field != tc.field || !strings.Contains(p.Detail, tc.says) {
			t.Errorf("%s: %d %s, want %d naming %q and saying %q", tc.name, status, body, tc.status, tc.field, tc.says)
		}
	}
	if got := stored(); got != before {
		t.Fatalf("refused photos changed what is stored: %s, was %s", got, before)
	}

	// The grid worker attaches the phone's photo.
	status, body = send(worker, "image/jpeg", jpeg)
	var added struct {
		ID              int64
		URL             string
		Width, Height   int
		By              string
		LocationRemoved bool `json:"location_removed"`
	}
	if json.Unmarshal([]byte(body), &added); status != 201 || added.Width != 120 || added.Height != 90 || added.By != "网格员林" || added.LocationRemoved {
		t.Fatalf("attach: %d %s", status, body)
	}
	// Staff get it as sent; a volunteer gets the copy without the metadata.
	status, h, got := fetch(worker, "/"+added.URL)
	if status != 200 || !bytes.Equal(got, jpeg) || h.Get("Content-Type") != "image/jpeg" || !strings.Contains(h.Get("Cache-Control"), "private") {
		t.Errorf("the worker's photo: %d %v, %d bytes (as sent: %v)", status, h, len(got), bytes.Equal(got, jpeg))
	}
	status, _, got = fetch(volunteer, "/"+added.URL)
	if status != 200 || bytes.Contains(got, []byte(phototest.Model)) || bytes.Contains(got, []byte(phototest.GPSMark)) || bytes.Contains(got, []byte("福清")) || len(got) >= len(jpeg) {
		t.Errorf("the volunteer's photo: %d, %d bytes, still holds the model %v, the position %v", status, len(got),
			bytes.Contains(got, []byte(phototest.Model)), bytes.Contains(got, []byte(phototest.GPSMark)))
	}
	if status, _, _ := fetch(nil, "/"+added.URL); status != 401 {
		t.Errorf("the public asks for the photo: %d, want 401", status)
	}
	if status, _, _ := fetch(worker, fmt.Sprintf("%s/%d", photos, added.ID+1000)); status != 404 {
		t.Errorf("a photo that is not there: %d, want 404", status)
	}
	// The incident lists it (for the volunteer: the location removed), and its history has the step.
	var seen struct {
		Photos []struct {
			ID              int64
			By              string
			LocationRemoved bool `json:"location_removed"`
		}
		History []struct{ Kind, Actor string }
	}
	_, _, body = call(t, base, "GET", fmt.Sprintf("/api/v1/incidents/%d", in.ID), "", volunteer)
	if json.Unmarshal([]byte(body), &seen); len(seen.Photos) != 1 || !seen.Photos[0].LocationRemoved || seen.Photos[0].By != "" {
		t.Errorf("the volunteer's incident: %s", body)
	}
	_, _, body = call(t, base, "GET", fmt.Sprintf("/api/v1/incidents/%d", in.ID), "", worker)
	seen.Photos, seen.History = nil, nil
	json.Unmarshal([]byte(body), &seen)
	last := seen.History[len(seen.History)-1]
	if len(seen.Photos) != 1 || seen.Photos[0].By != "网格员林" || last.Kind != "photo" || last.Actor != "网格员林" {
		t.Errorf("the worker's incident: photos %+v, last step %+v", seen.Photos, last)
	}

	// Up to nine photos; the tenth is refused and not stored.
	for i := 2; i <= 9; i++ {
		if status, body := send(volunteer, "image/png", phototest.PNG(phototest.Picture(i, i))); status != 201 {
			t.Fatalf("photo %d: %d %s", i, status, body)
		}
	}
	before = stored()
	if status, body := send(worker, "image/png", phototest.PNG(phototest.Picture(3, 3))); status != 409 || !strings.Contains(body, "9 photos") {
		t.Errorf("the tenth photo: %d %s, want 409", status, body)
	}
	if got := stored(); got != before {
		t.Errorf("the refused tenth photo changed what is stored: %s, was %s", got, before)
	}
}
