package archive

import (
	"context"
	"database/sql"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// qRemovalChecks reads the live checks that decide a page's removals
// (relwatch.DecidingChecks), with what the removal rule needs of each:
// the failed ones, from the partial index captures_failed (schema 9), the
// live check just before and just after each (a step along
// captures_by_page; ordering by page_pk too keeps the plan on that
// index), and the last good one (a walk back from the page's newest
// capture). A page that never failed reads one capture, not all of them.
// An archive older than schema 9, read as it is, gets the same rows
// through a walk of captures_by_page.
const qRemovalChecks = `WITH failed AS (
		SELECT capture_id FROM captures WHERE page_pk = ?1 AND source = 'live' AND outcome = 'failed'
	), picked AS (
		SELECT capture_id FROM failed
		UNION SELECT (SELECT p.capture_id FROM captures p WHERE p.page_pk = ?1 AND p.source = 'live'
			AND p.capture_id < f.capture_id ORDER BY p.page_pk DESC, p.capture_id DESC LIMIT 1) FROM failed f
		UNION SELECT (SELECT n.capture_id FROM captures n WHERE n.page_pk = ?1 AND n.source = 'live'
			AND n.capture_id > f.capture_id ORDER BY n.page_pk, n.capture_id LIMIT 1) FROM failed f
		UNION SELECT (SELECT g.capture_id FROM captures g WHERE g.page_pk = ?1 AND g.source = 'live'
			AND g.outcome <> 'failed' ORDER BY g.page_pk DESC, g.capture_id DESC LIMIT 1)
	)
	SELECT c.started, c.outcome = 'failed', c.error_kind, r.status, coalesce(c.version, 0)
	FROM picked JOIN captures c ON c.capture_id = picked.capture_id JOIN responses r ON r.response_id = c.response_id
	ORDER BY c.capture_id`

// RemovalChecks lists the page's live checks that decide its removals, in
// the order they were made. An archive older than schema 5 (read-only,
// before a writing command migrates it) did not keep the status of a
// failed check: it lists none, so no removal is found in it until then.
func (a *Archive) RemovalChecks(ctx context.Context, page snapshots.PageKey) ([]relwatch.Check, error) {
	if a.schema < 5 {
		return nil, nil
	}
	var out []relwatch.Check
	err := a.readTx(ctx, "list checks of "+page.String(), func(tx *sql.Tx) (err error) {
		out, err = removalChecksTx(ctx, tx, page)
		return err
	})
	return out, err
}

// RemovalChecks is Archive.RemovalChecks in the view.
func (v *View) RemovalChecks(ctx context.Context, page snapshots.PageKey) ([]relwatch.Check, error) {
	if v.a.schema < 5 {
		return nil, nil
	}
	out, err := removalChecksTx(ctx, v.tx, page)
	return out, v.readErr("list checks of "+page.String(), err)
}

func removalChecksTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey) ([]relwatch.Check, error) {
	pk, err := pagePK(ctx, tx, page)
	if err != nil {
		return nil, err
	}
	var out []relwatch.Check
	err = eachRow(ctx, tx, qRemovalChecks, func(r *sql.Rows) error {
		var c relwatch.Check
		var started int64
		if err := r.Scan(&started, &c.Failed, &c.ErrorKind, &c.Status, &c.Version); err != nil {
			return err
		}
		c.Seen = unixNano(started)
		out = append(out, c)
		return nil
	}, pk)
	return out, err
}
