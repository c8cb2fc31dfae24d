package archive

import (
	"context"
	"database/sql"
	"errors"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// qLatestParse reads what a live check needs to know of the page's latest
// version when the body it fetched may be one already parsed into it.
const qLatestParse = `SELECT v.version, v.content_hash, coalesce(v.parse_key, ''), coalesce(v.updated_raw, '')
	FROM versions v JOIN pages p ON p.page_pk = v.page_pk
	WHERE p.id = ? AND p.lang = ? ORDER BY v.version DESC LIMIT 1`

// LatestParse is the page's latest version, its content hash, the parse
// key of the last capture parsed into its content (relwatch.Capture.ParseKey;
// "" when none is known) and its update stamp, without reading its
// snapshot. A live check whose own parse key equals that key holds the
// latest version's content and needs no parse.
func (a *Archive) LatestParse(ctx context.Context, page snapshots.PageKey) (relwatch.LatestParse, error) {
	var lp relwatch.LatestParse
	if a.schema < 8 {
		return lp, nil // read-only on an older schema: no keys, every body is parsed
	}
	err := a.db.QueryRowContext(ctx, qLatestParse, page.ID, page.Lang).Scan(&lp.Version, &lp.ContentHash, &lp.ParseKey, &lp.UpdatedRaw)
	if errors.Is(err, sql.ErrNoRows) {
		return relwatch.LatestParse{}, nil
	}
	if err != nil {
		return relwatch.LatestParse{}, a.wrap("read latest version of "+page.String(), err)
	}
	return lp, nil
}
