package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// qChecks reads what the removal rule needs of a page's live checks.
const qChecks = `SELECT c.started, c.outcome = 'failed', c.error_kind, r.status, coalesce(c.version, 0)
	FROM captures c JOIN responses r ON r.response_id = c.response_id
	WHERE c.page_pk = $1 AND c.source = 'live' ORDER BY c.capture_id`

// Checks lists the page's live checks in the order they were made.
func (a *Archive) Checks(ctx context.Context, page snapshots.PageKey) ([]relwatch.Check, error) {
	var out []relwatch.Check
	err := a.readTx(ctx, "list checks of "+page.String(), func(tx pgx.Tx) (err error) {
		out, err = checksTx(ctx, tx, page)
		return err
	})
	return out, err
}

// Checks is Archive.Checks in the view.
func (v *View) Checks(ctx context.Context, page snapshots.PageKey) ([]relwatch.Check, error) {
	out, err := checksTx(ctx, v.tx, page)
	return out, v.a.wrap("list checks of "+page.String(), err)
}

func checksTx(ctx context.Context, q querier, page snapshots.PageKey) ([]relwatch.Check, error) {
	pk, err := pagePK(ctx, q, page)
	if err != nil {
		return nil, err
	}
	var out []relwatch.Check
	err = eachRow(ctx, q, qChecks, func(r pgx.Rows) error {
		var c relwatch.Check
		var started int64
		if err := r.Scan(&started, &c.Failed, &c.ErrorKind, &c.Status, &c.Version); err != nil {
			return err
		}
		c.Seen = fromNS(started)
		out = append(out, c)
		return nil
	}, pk)
	return out, err
}
