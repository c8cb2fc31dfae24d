package archive

import (
	"context"
	"database/sql"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// qChecks reads what the removal rule needs of a page's live checks: a
// walk of captures_by_page with the small responses row of each.
const qChecks = `SELECT c.started, c.outcome = 'failed', c.error_kind, r.status, coalesce(c.version, 0)
	FROM captures c JOIN responses r ON r.response_id = c.response_id
	WHERE c.page_pk = ? AND c.source = 'live' ORDER BY c.capture_id`

// Checks lists the page's live checks in the order they were made. An
// archive older than schema 5 (read-only, before a writing command
// migrates it) did not keep the status of a failed check: it lists none,
// so no removal is found in it until then.
func (a *Archive) Checks(ctx context.Context, page snapshots.PageKey) ([]relwatch.Check, error) {
	if a.schema < 5 {
		return nil, nil
	}
	var out []relwatch.Check
	err := a.readTx(ctx, "list checks of "+page.String(), func(tx *sql.Tx) (err error) {
		out, err = checksTx(ctx, tx, page)
		return err
	})
	return out, err
}

// Checks is Archive.Checks in the view.
func (v *View) Checks(ctx context.Context, page snapshots.PageKey) ([]relwatch.Check, error) {
	if v.a.schema < 5 {
		return nil, nil
	}
	out, err := checksTx(ctx, v.tx, page)
	return out, v.readErr("list checks of "+page.String(), err)
}

func checksTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey) ([]relwatch.Check, error) {
	pk, err := pagePK(ctx, tx, page)
	if err != nil {
		return nil, err
	}
	var out []relwatch.Check
	err = eachRow(ctx, tx, qChecks, func(r *sql.Rows) error {
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
