package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// qRemovalChecks reads the live checks that decide a page's removals
// (relwatch.DecidingChecks), with what the removal rule needs of each:
// the failed ones, from the partial index captures_failed (migration
// 006), the live check just before and just after each (a step along
// captures_by_page, which the planner takes once the archive holds more
// than one page; with one, a walk of the primary key reads the same
// rows), and the last good one (a walk back from the page's newest capture). A
// page that never failed reads one capture, not all of them. The page is
// named by id ($1) and language ($2), looked up inside the statement (as
// qVersions does).
const qRemovalChecks = `WITH pk AS MATERIALIZED (` + qPagePK + `), failed AS (
		SELECT capture_id FROM captures WHERE page_pk = (SELECT page_pk FROM pk) AND source = 'live' AND outcome = 'failed'
	), picked AS (
		SELECT capture_id FROM failed
		UNION SELECT (SELECT p.capture_id FROM captures p WHERE p.page_pk = (SELECT page_pk FROM pk) AND p.source = 'live'
			AND p.capture_id < f.capture_id ORDER BY p.page_pk DESC, p.capture_id DESC LIMIT 1) FROM failed f
		UNION SELECT (SELECT n.capture_id FROM captures n WHERE n.page_pk = (SELECT page_pk FROM pk) AND n.source = 'live'
			AND n.capture_id > f.capture_id ORDER BY n.page_pk, n.capture_id LIMIT 1) FROM failed f
		UNION SELECT (SELECT g.capture_id FROM captures g WHERE g.page_pk = (SELECT page_pk FROM pk) AND g.source = 'live'
			AND g.outcome <> 'failed' ORDER BY g.page_pk DESC, g.capture_id DESC LIMIT 1)
	)
	SELECT c.started, c.outcome = 'failed', c.error_kind, r.status, coalesce(c.version, 0)
	FROM picked JOIN captures c ON c.capture_id = picked.capture_id JOIN responses r ON r.response_id = c.response_id
	ORDER BY c.capture_id`

// RemovalChecks lists the page's live checks that decide its removals, in
// the order they were made.
func (a *Archive) RemovalChecks(ctx context.Context, page snapshots.PageKey) ([]relwatch.Check, error) {
	// One statement: no transaction.
	out, err := removalChecksTx(ctx, a.reads, page)
	return out, a.wrap("list checks of "+page.String(), err)
}

// RemovalChecks is Archive.RemovalChecks in the view.
func (v *View) RemovalChecks(ctx context.Context, page snapshots.PageKey) ([]relwatch.Check, error) {
	out, err := removalChecksTx(ctx, v.tx, page)
	return out, v.a.wrap("list checks of "+page.String(), err)
}

func removalChecksTx(ctx context.Context, q querier, page snapshots.PageKey) ([]relwatch.Check, error) {
	var out []relwatch.Check
	err := eachRow(ctx, q, qRemovalChecks, func(r pgx.Rows) error {
		var c relwatch.Check
		var started int64
		if err := r.Scan(&started, &c.Failed, &c.ErrorKind, &c.Status, &c.Version); err != nil {
			return err
		}
		c.Seen = fromNS(started)
		out = append(out, c)
		return nil
	}, page.ID, page.Lang)
	if err == nil && len(out) == 0 {
		_, err = pagePK(ctx, q, page) // no such page, or a page without live checks
	}
	return out, err
}
