package postgis

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/gridmap"
)

const photoColumns = `p.id, p.incident_id, p.event_id, p.content_type, p.width, p.height, octet_length(p.clean), p.had_location, e.at, e.actor`

func scanPhoto(r pgx.Row, more ...any) (gridmap.Photo, error) {
	var p gridmap.Photo
	err := r.Scan(append([]any{&p.ID, &p.IncidentID, &p.EventID, &p.ContentType, &p.Width, &p.Height, &p.Bytes, &p.HadLocation, &p.At, &p.By}, more...)...)
	return p, err
}

// photosOf lists an incident's photos, without their bytes, in the order attached.
func photosOf(ctx context.Context, q querier, incident int64) ([]gridmap.Photo, error) {
	rows, err := q.Query(ctx, `SELECT `+photoColumns+` FROM incident_photos p JOIN incident_events e ON e.id = p.event_id
WHERE p.incident_id = $1 ORDER BY p.id`, incident)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (gridmap.Photo, error) { return scanPhoto(r) })
}

// AddPhoto stores a photo with the step that attaches it, in one transaction under the
// incident's row lock (see Change).
func (db *DB) AddPhoto(ctx context.Context, id int64, scope gridmap.Scope, p gridmap.Photo, original, clean []byte,
	attach func(in *gridmap.Incident) (gridmap.Event, error)) (gridmap.Photo, error) {
	var photo int64
	err := db.change(ctx, id, scope, attach, func(tx pgx.Tx, in *gridmap.Incident, event int64) error {
		return tx.QueryRow(ctx, `INSERT INTO incident_photos (incident_id, event_id, content_type, width, height, had_location, original, clean)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, id, event, p.ContentType, p.Width, p.Height, p.HadLocation, original, clean).Scan(&photo)
	})
	if err != nil {
		return gridmap.Photo{}, err
	}
	out, _, err := db.PhotoData(ctx, id, photo, false)
	return out, err
}

// PhotoData returns a photo of an incident with its bytes: as sent, or the clean copy.
func (db *DB) PhotoData(ctx context.Context, incident, photo int64, original bool) (gridmap.Photo, []byte, error) {
	col := "p.clean"
	if original {
		col = "p.original"
	}
	var data []byte
	p, err := scanPhoto(db.Pool.QueryRow(ctx, `SELECT `+photoColumns+`, `+col+` FROM incident_photos p JOIN incident_events e ON e.id = p.event_id
WHERE p.incident_id = $1 AND p.id = $2`, incident, photo), &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, nil, gridmap.NotFound("incident %d has no photo %d", incident, photo)
	}
	if err != nil {
		return p, nil, translate(err, "get photo")
	}
	return p, data, nil
}
