package archive

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
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

// writeTimeline stores a page's versions from its successful captures in
// order of observation: consecutive captures with the same content hash
// make one version, as they would have in a live run. It fills in each
// capture's newVersion and startsGroup, sets the captures' versions and
// outcomes, stores a change into every version after the first (changeFor
// gets the last capture of the previous version and the first of the new
// one), indexes the versions for search and returns the versions whose
// change is a parser change. The page's old derived rows must be cleared.
func writeTimeline(ctx context.Context, tx *sql.Tx, pk int64, caps []reCapture, changeFor func(prev, cur *reCapture) relwatch.ChangeRecord) ([]int, error) {
	n := 0
	for i := range caps {
		caps[i].startsGroup = i == 0 || caps[i].snap.ContentHash != caps[i-1].snap.ContentHash
		if caps[i].startsGroup {
			n++
		}
		caps[i].newVersion = n
	}
	var parserChanges []int
	var prevSnap snapshots.Snapshot
	for i := 0; i < len(caps); {
		j := i + 1
		for j < len(caps) && !caps[j].startsGroup {
			j++
		}
		first, last := caps[i], caps[j-1]
		v := first.newVersion
		if err := putVersion(ctx, tx, pk, v, first.id, first.snap, first.parser, "", first.seen, last.seen, j-i); err != nil {
			return nil, err
		}
		if v > 1 {
			cr := changeFor(&caps[i-1], &caps[i])
			if cr.ParserChange {
				parserChanges = append(parserChanges, v)
			}
			window := fmtTime(caps[i-1].seen)
			if err := putChange(ctx, tx, pk, v, &cr, first.seen, &window, string(prevSnap.UpdatedRaw), string(first.snap.UpdatedRaw)); err != nil {
				return nil, err
			}
		}
		if err := indexVersion(ctx, tx, pk, v, &first.snap); err != nil {
			return nil, err
		}
		for k := i; k < j; k++ {
			outcome := relwatch.OutcomeUnchanged
			if k == i {
				outcome = relwatch.OutcomeChanged
				if v == 1 {
					outcome = relwatch.OutcomeNew
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE captures SET version = ?, outcome = ? WHERE capture_id = ?`,
				v, outcome, caps[k].id); err != nil {
				return nil, err
			}
		}
		prevSnap = first.snap
		i = j
	}
	return parserChanges, nil
}

// reCapture is one successful capture and what the new parser makes of it.
type reCapture struct {
	id          int64
	oldVersion  int
	seen        time.Time
	snap        snapshots.Snapshot
	parser      int
	newVersion  int
	startsGroup bool
}

func reparsePage(ctx context.Context, tx *sql.Tx, pk int64, key snapshots.PageKey, parse relwatch.ParseFunc, compare relwatch.CompareFunc) (relwatch.PageReparse, error) {
	pr := relwatch.PageReparse{Page: key}
	before, err := versionFingerprints(ctx, tx, pk)
	if err != nil {
		return pr, err
	}
	pr.Before = len(before)

	type row struct {
		reCapture
		bodyID  sql.NullInt64
		ct, url string
		source  string
	}
	var rows []row
	err = eachRow(ctx, tx, `SELECT c.capture_id, c.version, c.started, c.body_id, r.content_type, r.final_url, c.source
		FROM captures c JOIN responses r ON r.response_id = c.response_id
		WHERE c.page_pk = ? AND c.outcome != 'failed' ORDER BY c.capture_id`, func(r *sql.Rows) error {
		var x row
		var ov sql.NullInt64
		var when int64
		if err := r.Scan(&x.id, &ov, &when, &x.bodyID, &x.ct, &x.url, &x.source); err != nil {
			return err
		}
		x.seen = unixNano(when)
		x.oldVersion = int(ov.Int64)
		rows = append(rows, x)
		return nil
	}, pk)
	if err != nil {
		return pr, err
	}
	// Captures from the Wayback Machine or imported files take their place
	// in time among the live ones.
	entries := make([]relwatch.CaptureTime, len(rows))
	for i, x := range rows {
		entries[i] = relwatch.CaptureTime{ID: x.id, Live: x.source == relwatch.SourceLive, Seen: x.seen}
	}
	ordered := make([]row, len(rows))
	for i, j := range relwatch.ObservedOrder(entries) {
		ordered[i] = rows[j]
	}
	rows = ordered

	// Parse each distinct body once.
	type parsed struct {
		snap   snapshots.Snapshot
		parser int
	}
	cache := map[int64]parsed{}
	caps := make([]reCapture, 0, len(rows))
	for i, x := range rows {
		c := x.reCapture
		switch {
		case x.bodyID.Valid:
			p, ok := cache[x.bodyID.Int64]
			if !ok {
				var sb storedBody
				err := sb.scan(tx.QueryRowContext(ctx, qBody+`b.body_id = ?`, x.bodyID.Int64))
				if errors.Is(err, sql.ErrNoRows) {
					return pr, fail(relwatch.ErrCorrupt, "capture %d refers to missing raw body %d", c.id, x.bodyID.Int64)
				}
				if err != nil {
					return pr, err
				}
				raw, err := sb.decode()
				if err != nil {
					return pr, err
				}
				p.snap, p.parser, err = parse(raw, x.ct, x.url)
				if err != nil {
					return pr, fmt.Errorf("parse capture %d (body %s): %w", c.id, sb.digest, err)
				}
				p.snap.Seal()
				cache[x.bodyID.Int64] = p
			}
			c.snap, c.parser = p.snap, p.parser
		case i > 0:
			c.snap, c.parser = caps[i-1].snap, caps[i-1].parser
		default:
			return pr, fmt.Errorf("capture %d is the page's first good capture and has no raw body to parse", c.id)
		}
		caps = append(caps, c)
	}
	pr.Captures = len(rows)

	if err := clearTimeline(ctx, tx, pk); err != nil {
		return pr, err
	}
	pr.ParserChanges, err = writeTimeline(ctx, tx, pk, caps, func(prev, cur *reCapture) relwatch.ChangeRecord {
		cr := compare(prev.snap, cur.snap)
		// The old parser put this capture and the one before it in the
		// same version: the page was not edited there, the parser moved.
		if prev.oldVersion == cur.oldVersion {
			cr.ParserChange = true
		}
		return cr
	})
	if err != nil {
		return pr, err
	}
	pr.After = 0
	if n := len(caps); n > 0 {
		pr.After = caps[n-1].newVersion
	}

	after, err := versionFingerprints(ctx, tx, pk)
	if err != nil {
		return pr, err
	}
	byCapture := map[int64]string{}
	for _, f := range before {
		byCapture[f.capture] = f.snapshot
	}
	for _, f := range after {
		if old, ok := byCapture[f.capture]; !ok || old != f.snapshot {
			pr.Rewritten = append(pr.Rewritten, f.version)
		}
	}
	pr.Changed = !slices.Equal(before, after)
	return pr, nil
}

// versionFingerprint is a version row reduced to what Reparse compares.
type versionFingerprint struct {
	version  int
	capture  int64
	snapshot string // hash of the stored snapshot JSON and parser version
	all      string // hash of everything stored for the version and the change into it
}

func versionFingerprints(ctx context.Context, tx *sql.Tx, pk int64) ([]versionFingerprint, error) {
	var out []versionFingerprint
	err := eachRow(ctx, tx, `SELECT v.version, v.capture_id, v.snapshot, v.parser_version, v.first_seen, v.last_seen, v.checks,
			coalesce(ch.summary, ''), coalesce(ch.parser_change, 0), coalesce(ch.diff, '')
		FROM versions v LEFT JOIN changes ch ON ch.page_pk = v.page_pk AND ch.to_version = v.version
		WHERE v.page_pk = ? ORDER BY v.version`, func(r *sql.Rows) error {
		var f versionFingerprint
		var stored []byte
		var first, last, summary, diff string
		var parser, checks, pc int
		if err := r.Scan(&f.version, &f.capture, &stored, &parser, &first, &last, &checks, &summary, &pc, &diff); err != nil {
			return err
		}
		js, err := snapshotJSON(stored) // rows from before schema 5 hold the JSON uncompressed
		if err != nil {
			return fail(relwatch.ErrCorrupt, "version %d: %v", f.version, err)
		}
		h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", js, parser))
		f.snapshot = hex.EncodeToString(h[:])
		h = sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%d\x00%s\x00%d\x00%s", f.snapshot, first, last, checks, summary, pc, diff))
		f.all = hex.EncodeToString(h[:])
		out = append(out, f)
		return nil
	}, pk)
	return out, err
}
