package archive

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// Reparse runs parse over the raw bodies of every successful capture of one
// page (or of all pages when page is nil) and rebuilds versions, changes,
// the captures' outcomes and the search index from the results, all in one
// transaction. With dryRun the transaction is rolled back: the report says
// exactly what a real run would do.
//
// Consecutive captures whose parse gives the same content hash make one
// version, as they would have in a live run. A capture without a body (a
// 304 answer) saw whatever the capture before it saw.
func (a *Archive) Reparse(ctx context.Context, page *snapshots.PageKey, parse relwatch.ParseFunc, compare relwatch.CompareFunc, dryRun bool) (relwatch.ReparseReport, error) {
	rep := relwatch.ReparseReport{DryRun: dryRun}
	if a.mode != ReadWrite {
		return rep, fmt.Errorf("reparse: archive %s is open read-only", a.path)
	}
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return rep, a.wrap("reparse", err)
	}
	defer tx.Rollback()

	q := `SELECT page_pk, id, lang FROM pages ORDER BY id, lang`
	var args []any
	if page != nil {
		q = `SELECT page_pk, id, lang FROM pages WHERE id = ? AND lang = ?`
		args = []any{page.ID, page.Lang}
	}
	type pg struct {
		pk  int64
		key snapshots.PageKey
	}
	var pages []pg
	err = eachRow(ctx, tx, q, func(r *sql.Rows) error {
		var p pg
		err := r.Scan(&p.pk, &p.key.ID, &p.key.Lang)
		pages = append(pages, p)
		return err
	}, args...)
	if err != nil {
		return rep, a.wrap("reparse", err)
	}
	if page != nil && len(pages) == 0 {
		return rep, fmt.Errorf("reparse: page %s: %w", page, relwatch.ErrNotFound)
	}
	for _, p := range pages {
		pr, err := reparsePage(ctx, tx, p.pk, p.key, parse, compare)
		if err != nil {
			return rep, a.wrap("reparse "+p.key.String(), err)
		}
		rep.Pages = append(rep.Pages, pr)
	}
	if dryRun {
		return rep, nil // the deferred Rollback undoes it all
	}
	if err := tx.Commit(); err != nil {
		return rep, a.wrap("reparse", err)
	}
	return rep, nil
}

// clearTimeline removes a page's derived rows (search index, changes,
// versions), children first for the foreign keys.
func clearTimeline(ctx context.Context, tx *sql.Tx, pk int64) error {
	if err := dropIndex(ctx, tx, pk); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM changes WHERE page_pk = ?`,
		`DELETE FROM versions WHERE page_pk = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, pk); err != nil {
			return err
		}
	}
	return nil
}

// timelineWriter writes page pk's versions in transaction tx: a rebuilt
// timeline (relwatch.WriteTimeline) or a loaded history
// (relwatch.LoadVersions).
type timelineWriter struct {
	ctx context.Context
	tx  *sql.Tx
	pk  int64
}

func (w timelineWriter) Clear() error { return clearTimeline(w.ctx, w.tx, w.pk) }

func (w timelineWriter) PutVersion(v int, captureID int64, snap snapshots.Snapshot, parser int, parseKey string, first, last time.Time, checks int) error {
	return putVersion(w.ctx, w.tx, w.pk, v, captureID, snap, parser, parseKey, first, last, checks)
}

func (w timelineWriter) PutChange(v int, cr *relwatch.ChangeRecord, observed time.Time, window *time.Time, stampBefore, stampAfter string) error {
	var start *string
	if window != nil {
		t := fmtTime(*window)
		start = &t
	}
	return putChange(w.ctx, w.tx, w.pk, v, cr, observed, start, stampBefore, stampAfter)
}

func (w timelineWriter) IndexVersion(v int, snap *snapshots.Snapshot) error {
	return indexVersion(w.ctx, w.tx, w.pk, v, snap, nil)
}

func (w timelineWriter) SetOutcomes(caps []relwatch.TimelineCapture) error {
	for i := range caps {
		if _, err := w.tx.ExecContext(w.ctx, `UPDATE captures SET version = ?, outcome = ? WHERE capture_id = ?`,
			caps[i].NewVersion, caps[i].Outcome(), caps[i].ID); err != nil {
			return err
		}
	}
	return nil
}

func reparsePage(ctx context.Context, tx *sql.Tx, pk int64, key snapshots.PageKey, parse relwatch.ParseFunc, compare relwatch.CompareFunc) (relwatch.PageReparse, error) {
	pr := relwatch.PageReparse{Page: key}
	before, err := versionFingerprints(ctx, tx, pk)
	if err != nil {
		return pr, err
	}
	pr.Before = len(before)

	var rows []relwatch.ReparseCapture
	err = eachRow(ctx, tx, `SELECT c.capture_id, c.version, c.started, c.body_id, r.content_type, r.final_url, c.source
		FROM captures c JOIN responses r ON r.response_id = c.response_id
		WHERE c.page_pk = ? AND c.outcome != 'failed' ORDER BY c.capture_id`, func(r *sql.Rows) error {
		var x relwatch.ReparseCapture
		var ov, body sql.NullInt64
		var when int64
		var source string
		if err := r.Scan(&x.ID, &ov, &when, &body, &x.ContentType, &x.URL, &source); err != nil {
			return err
		}
		x.Live, x.Seen, x.OldVersion, x.BodyID = source == relwatch.SourceLive, unixNano(when), int(ov.Int64), body.Int64
		rows = append(rows, x)
		return nil
	}, pk)
	if err != nil {
		return pr, err
	}
	// Captures from the Wayback Machine or imported files take their place
	// in time among the live ones; each distinct body is parsed once.
	err = relwatch.RebuildReparsed(timelineWriter{ctx, tx, pk}, &pr, rows, func(capture, bodyID int64) ([]byte, string, error) {
		var sb storedBody
		err := sb.scan(tx.QueryRowContext(ctx, qBody+`b.body_id = ?`, bodyID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", fail(relwatch.ErrCorrupt, "capture %d refers to missing raw body %d", capture, bodyID)
		}
		if err != nil {
			return nil, "", err
		}
		raw, err := sb.decode()
		return raw, sb.digest, err
	}, parse, compare)
	if err != nil {
		return pr, err
	}
	after, err := versionFingerprints(ctx, tx, pk)
	if err != nil {
		return pr, err
	}
	pr.Rewritten, pr.Changed = relwatch.Rewritten(before, after)
	return pr, nil
}

// versionFingerprints reads a page's versions as Reparse compares them.
func versionFingerprints(ctx context.Context, tx *sql.Tx, pk int64) ([]relwatch.VersionFingerprint, error) {
	var out []relwatch.VersionFingerprint
	err := eachRow(ctx, tx, `SELECT v.version, v.capture_id, v.snapshot, v.parser_version, v.first_seen, v.last_seen, v.checks,
			coalesce(ch.summary, ''), coalesce(ch.parser_change, 0), coalesce(ch.diff, '')
		FROM versions v LEFT JOIN changes ch ON ch.page_pk = v.page_pk AND ch.to_version = v.version
		WHERE v.page_pk = ? ORDER BY v.version`, func(r *sql.Rows) error {
		var f relwatch.VersionFingerprint
		var stored []byte
		var first, last, summary, diff string
		var parser, checks, pc int
		if err := r.Scan(&f.Version, &f.Capture, &stored, &parser, &first, &last, &checks, &summary, &pc, &diff); err != nil {
			return err
		}
		js, err := snapshotJSON(stored) // rows from before schema 5 hold the JSON uncompressed
		if err != nil {
			return fail(relwatch.ErrCorrupt, "version %d: %v", f.Version, err)
		}
		h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", js, parser))
		f.Snapshot = hex.EncodeToString(h[:])
		h = sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%d\x00%s\x00%d\x00%s", f.Snapshot, first, last, checks, summary, pc, diff))
		f.All = hex.EncodeToString(h[:])
		out = append(out, f)
		return nil
	}, pk)
	return out, err
}
