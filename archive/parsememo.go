package archive

import (
	"context"
	"database/sql"
	"errors"

	"github.com/relwatch/relwatch/snapshots"
)

// The parse memo lets a scrape skip parsing a body it has parsed before.
// Parsing is deterministic: the same bytes, content type, URL, parser
// version and selectors give the same snapshot. The caller sums these up in
// a key (scraper.ParseKey) and sets Capture.ParseKey; RecordUnchanged and
// RecordVersion then remember, on the page's row, that key and the content
// hash the parse gave. The next check whose key is the same, while that
// content is still the page's latest version, is unchanged without a parse.
//
// The memo only ever skips work: a key from a new parser, other selectors
// or other bytes does not match, and a version added since (a change, a
// backfill, a reparse) has another content hash, so the page is parsed.

// ParseMemo reports whether key is the page's remembered parse key and its
// content is still the latest version; if so it returns that version.
func (a *Archive) ParseMemo(ctx context.Context, page snapshots.PageKey, key string) (version int, ok bool, err error) {
	if key == "" {
		return 0, false, nil
	}
	err = a.readTx(ctx, "read parse memo of "+page.String(), func(tx *sql.Tx) error {
		var memoKey, memoHash, latestHash string
		err := tx.QueryRowContext(ctx, `SELECT p.parse_key, p.parse_hash, v.version, v.content_hash
			FROM pages p JOIN versions v ON v.page_pk = p.page_pk
			WHERE p.id = ? AND p.lang = ? ORDER BY v.version DESC LIMIT 1`,
			page.ID, page.Lang).Scan(&memoKey, &memoHash, &version, &latestHash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		ok = err == nil && memoKey == key && memoHash == latestHash
		return err
	})
	if err != nil || !ok {
		return 0, false, err
	}
	return version, true, nil
}

// rememberParse stores c.ParseKey and the content hash of version as the
// page's parse memo, in the transaction that records the capture.
func rememberParse(ctx context.Context, tx *sql.Tx, pk int64, c *Capture, version int) error {
	if c.ParseKey == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE pages SET parse_key = ?,
		parse_hash = (SELECT content_hash FROM versions WHERE page_pk = ? AND version = ?)
		WHERE page_pk = ?`, c.ParseKey, pk, version, pk)
	return err
}
