package web

import (
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/photo"
)

// photoJSON is a photo of an incident as the API lists it; its url answers with the image.
type photoJSON struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url"`
	ContentType string    `json:"content_type"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Bytes       int       `json:"bytes"`
	At          time.Time `json:"at"`
	By          string    `json:"by,omitempty"` // only for authorised callers
	// LocationRemoved: the photo carried where it was taken, and this caller gets the copy
	// without it.
	LocationRemoved bool `json:"location_removed,omitempty"`
}

func toPhotoJSON(p gridmap.Photo, withPersonal bool) photoJSON {
	out := photoJSON{ID: p.ID, URL: fmt.Sprintf("api/v1/incidents/%d/photos/%d", p.IncidentID, p.ID), ContentType: p.ContentType,
		Width: p.Width, Height: p.Height, Bytes: p.Bytes, At: p.At, LocationRemoved: p.HadLocation && !withPersonal}
	if withPersonal {
		out.By = p.By
	}
	return out
}

// addPhoto: POST /api/v1/incidents/{id}/photos, the body a JPEG or PNG (Content-Type
// image/jpeg or image/png) — a photo of the matter, the work or the result, attached as a step
// of the history by staff who may work the incident. Checked (package photo) before anything
// is stored: the answer is the photo as listed, 201.
func (s *Server) addPhoto(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	id, err := parseID(c)
	if err != nil {
		return err
	}
	declared := mediaType(c)
	if declared != photo.JPEG && declared != photo.PNG {
		return &gridmap.Error{Code: gridmap.EInvalid, Field: "Content-Type", Message: fmt.Sprintf("Content-Type %q is not accepted; send the photo as image/jpeg or image/png", declared)}
	}
	body := c.Body()
	if len(body) > photo.MaxBytes {
		return &gridmap.Error{Code: gridmap.ETooLarge, Field: "body", Message: fmt.Sprintf("the photo is %d bytes; at most %d are accepted", len(body), photo.MaxBytes)}
	}
	checked, err := photo.Check(body)
	var refused *photo.Error
	if errors.As(err, &refused) {
		return gridmap.Invalid("body", "%s", refused.Reason)
	}
	if err != nil {
		return err
	}
	if checked.ContentType != declared {
		return gridmap.Invalid("Content-Type", "Content-Type says %s but the photo is %s", declared, checked.ContentType)
	}
	p := principal(c)
	// The body is fiber's buffer: pgx copies it into the query before the handler returns.
	ph, err := s.deps.Photos.AddPhoto(c.UserContext(), id, stepScope(p, gridmap.ActWork),
		gridmap.Photo{ContentType: checked.ContentType, Width: checked.Width, Height: checked.Height, HadLocation: checked.HadLocation},
		body, checked.Clean, func(in *gridmap.Incident) (gridmap.Event, error) {
			if !mayRead(p, in) {
				return gridmap.Event{}, notFoundOutside("incident %d not found", id)
			}
			return in.AttachPhoto(p.ActorFor(gridmap.ActWork), s.now())
		})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toPhotoJSON(ph, true))
}

// getPhoto: GET /api/v1/incidents/{id}/photos/{photo} — the image: as sent to staff who may see
// personal data, else the copy without where and when it was taken.
func (s *Server) getPhoto(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	n, err := pathID(c, "photo", "photo")
	if err != nil {
		return err
	}
	in, err := s.readableIncident(c)
	if err != nil {
		return err
	}
	id, original := in.ID, personalFor(principal(c), &in)
	ph, data, err := s.deps.Photos.PhotoData(c.UserContext(), id, n, original)
	if err != nil {
		return err
	}
	ext := "jpg"
	if ph.ContentType == photo.PNG {
		ext = "png"
	}
	// A photo never changes, but who may see which copy does: kept by the browser alone.
	c.Set(fiber.HeaderCacheControl, "private, max-age=86400")
	c.Set(fiber.HeaderVary, "Authorization, Cookie")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="incident-%d-photo-%d.%s"`, id, n, ext))
	c.Set(fiber.HeaderContentType, ph.ContentType)
	return c.Send(data)
}
