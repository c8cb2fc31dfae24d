package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
	firsts := map[int64]bool{}
	for _, v := range h.Versions {
		firsts[v.CaptureID] = true
	}
	bodies := make([]*body, len(h.Captures))
	for i, c := range h.Captures {
		if c.BodyDigest == "" {
			continue
		}
		raw, err := h.Body(ctx, c.BodyDigest)
		if err != nil {
			return fmt.Errorf("load %s: capture %d: %w", h.Page, c.ID, err)
		}
		if bodies[i], err = a.prepareBody(ctx, h.Page, raw, "", firsts[c.ID]); err != nil {
			return err
		}
		if bodies[i].digest != c.BodyDigest {
			return fmt.Errorf("load %s: capture %d: body reads back as %s, not %s", h.Page, c.ID, bodies[i].digest, c.BodyDigest)
		}
	}
	return a.write(ctx, "load "+h.Page.String(), func(tx *sql.Tx) error {
		var pk int64
		err := tx.QueryRowContext(ctx, qPagePK, h.Page.ID, h.Page.Lang).Scan(&pk)
		if err == nil {
			return fmt.Errorf("page %s is already in the archive", h.Page)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO pages (id, lang, url, canonical_url) VALUES (?, ?, ?, ?) RETURNING page_pk`,
			h.Page.ID, h.Page.Lang, h.URL, h.CanonicalURL).Scan(&pk)
		if err != nil {
			return err
		}
		ids := map[int64]int64{} // source capture id → ours
		for i, sc := range h.Captures {
			c := sc.Capture
			var version any
			if sc.Version > 0 {
				version = sc.Version
			}
			id, err := insertCapture(ctx, tx, pk, &c, bodies[i], version)
			if err != nil {
				return fmt.Errorf("capture %d: %w", sc.ID, err)
			}
			ids[sc.ID] = id
		}
		return relwatch.LoadVersions(timelineWriter{ctx, tx, pk}, h, ids)
	})
}
