package archive

import (
	"context"
	"database/sql"
	"errors"

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
		b, err := a.prepareBody(ctx, a.db, h.Page, raw, "", nil, first)
		if err != nil {
			return nil, "", err
		}
		return b, b.digest, nil
	})
	if err != nil {
		return err
	}
	return a.write(ctx, "load "+h.Page.String(), func(tx *sql.Tx) error {
		var pk int64
		err := tx.QueryRowContext(ctx, qPagePK, h.Page.ID, h.Page.Lang).Scan(&pk)
		if err == nil {
			return relwatch.AlreadyLoaded(h.Page)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO pages (id, lang, url, canonical_url) VALUES (?, ?, ?, ?) RETURNING page_pk`,
			h.Page.ID, h.Page.Lang, h.URL, h.CanonicalURL).Scan(&pk)
		if err != nil {
			return err
		}
		return relwatch.LoadCaptures(timelineWriter{ctx, tx, pk}, h, func(i int, sc relwatch.StoredCapture) (int64, error) {
			c := sc.Capture
			var version any
			if sc.Version > 0 {
				version = sc.Version
			}
			return insertCapture(ctx, tx, pk, &c, bodies[i], version)
		})
	})
}
