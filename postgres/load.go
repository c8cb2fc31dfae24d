package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
)

var _ relwatch.Loader = (*Archive)(nil)

// LoadPage stores a page's whole history as it is, in one transaction (for
// `relwatch archive copy`): the page, every capture in order with its
// outcome, version and raw body, every version with its snapshot, times
// and checks, the change into each, and the search index. Nothing is
// re-parsed or re-diffed. The archive must not have the page yet.
func (a *Archive) LoadPage(ctx context.Context, h relwatch.PageHistory) error {
	// Bodies are hashed and compressed before the write transaction, as
	// the Record methods do; a version's body may become a delta.
	bodies, err := relwatch.LoadBodies(ctx, h, func(raw []byte, first bool) (*body, string, error) {
		b, err := a.prepareBody(ctx, raw, "", first)
		if err != nil {
			return nil, "", err
		}
		return b, b.digest, nil
	})
	if err != nil {
		return err
	}
	return a.write(ctx, "load "+h.Page.String(), func(tx pgx.Tx) error {
		var pk int64
		err := tx.QueryRow(ctx, qPagePK, h.Page.ID, h.Page.Lang).Scan(&pk)
		if err == nil {
			return relwatch.AlreadyLoaded(h.Page)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO pages (id, lang, url, canonical_url) VALUES ($1, $2, $3, $4) RETURNING page_pk`,
			h.Page.ID, h.Page.Lang, h.URL, h.CanonicalURL).Scan(&pk)
		if err != nil {
			return err
		}
		return relwatch.LoadCaptures(timelineWriter{ctx, tx, pk}, h, func(i int, sc relwatch.StoredCapture) (int64, error) {
			c := sc.Capture
			var version *int
			if sc.Version > 0 {
				version = &sc.Version
			}
			return insertCapture(ctx, tx, pk, &c, bodies[i], version)
		})
	})
}

var _ relwatch.ConcurrentLoader = (*Archive)(nil)

// LoadConcurrency is how many pages a copy loads at once: half the pool,
// so that each load's transaction and its read-back have a connection.
func (a *Archive) LoadConcurrency() int { return int(a.cfg.MaxConns) / 2 }
