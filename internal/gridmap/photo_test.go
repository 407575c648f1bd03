package gridmap

import (
	"testing"
	"time"
)

func TestAttachPhoto(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, ChinaTime)
	by := Actor{UserID: 7, Name: "网格员林", Role: RoleGridWorker}
	in := Incident{ID: 1, Status: StatusInProgress}
	ev, err := in.AttachPhoto(by, at)
	if err != nil || ev.Kind != EvPhoto || ev.From != StatusInProgress || ev.To != StatusInProgress || ev.Actor != by.Name {
		t.Fatalf("attach: %+v %v", ev, err)
	}
	in.Photos = make([]Photo, MaxPhotos)
	if _, err := in.AttachPhoto(by, at); ErrorCode(err) != EConflict {
		t.Errorf("a tenth photo: %v, want a conflict", err)
	}
	for _, s := range []string{StatusClosed, StatusRejected, StatusDuplicate} {
		done := Incident{ID: 2, Status: s}
		if _, err := done.AttachPhoto(by, at); ErrorCode(err) != EConflict {
			t.Errorf("a photo for a %s incident: %v, want a conflict", s, err)
		}
	}
}
