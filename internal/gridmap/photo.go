package gridmap

import (
	"context"
	"time"
)

// MaxPhotos is how many photos one incident may carry (the nine a phone's picker offers).
const MaxPhotos = 9

// Photo is a picture staff attached to an incident: of the matter, the work or the result.
// It is kept twice: as sent (for staff, who may need where and when it was taken) and as a
// copy without that metadata (for everyone else; package photo makes it).
type Photo struct {
	ID, IncidentID int64
	EventID        int64 // the step of the history that attached it
	ContentType    string
	Width, Height  int
	Bytes          int // of the copy without metadata
	HadLocation    bool
	At             time.Time
	By             string // who attached it, by name
}

// AttachPhoto records attaching a photo as a step of the history. An incident that ended
// early takes none, nor one that has MaxPhotos already.
func (in *Incident) AttachPhoto(by Actor, now time.Time) (Event, error) {
	switch in.Status {
	case StatusRejected, StatusDuplicate, StatusClosed:
		return Event{}, conflict("%s is %s: it takes no more photos", in.name(), in.Status)
	}
	if len(in.Photos) >= MaxPhotos {
		return Event{}, conflict("%s has %d photos, the most it may carry", in.name(), MaxPhotos)
	}
	return in.step(EvPhoto, by, now, in.Status, ""), nil
}

// PhotoStore keeps incidents' photos.
type PhotoStore interface {
	// AddPhoto stores a photo (as sent, and the copy without metadata) with the step attach
	// makes of it, under the incident's row lock and within scope; both or neither are stored.
	AddPhoto(ctx context.Context, id int64, scope Scope, p Photo, original, clean []byte, attach func(in *Incident) (Event, error)) (Photo, error)
	// PhotoData returns a photo of an incident and its bytes: as sent, or the clean copy.
	PhotoData(ctx context.Context, incident, photo int64, original bool) (Photo, []byte, error)
}
