package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// RecordInOrder stores a successful capture that was not made live just
// now (a Wayback Machine capture, an imported file) at its own time among
// the page's other captures, and rebuilds the page's versions, changes,
// capture outcomes and search index in that order, in one transaction that
// holds the page's row: the same time order as the SQLite archive's (see
// docs/archive.md, "Time order").
func (a *Archive) RecordInOrder(ctx context.Context, c relwatch.Capture, snap snapshots.Snapshot, parserVersion int, compare relwatch.CompareFunc) (relwatch.Placed, error) {
	var p relwatch.Placed
	if err := relwatch.InOrderError(c, snap); err != nil {
		return p, err
	}
	b, err := a.prepareBody(ctx, c.Body, c.BodyDigest, true)
	if err != nil {
		return p, err
	}
	err = a.write(ctx, "record "+c.Source+" capture of "+c.Page.String(), func(tx pgx.Tx) error {
		pk, err := ensurePage(ctx, tx, &c)
		if err != nil {
			return err
		}
		c.Outcome = relwatch.OutcomeUnchanged // the rebuild below sets it
		id, err := insertCapture(ctx, tx, pk, &c, b, nil)
		if err != nil {
			return err
		}
		snap.ParserVersion = parserVersion
		p, err = rebuildInOrder(ctx, tx, pk, id, snap, compare)
		return err
	})
	return p, err
}

func rebuildInOrder(ctx context.Context, tx pgx.Tx, pk, newID int64, snap snapshots.Snapshot, compare relwatch.CompareFunc) (relwatch.Placed, error) {
	versions := map[int]relwatch.StoredVersion{}
	err := eachRow(ctx, tx, `SELECT version, snapshot, parser_version FROM versions WHERE page_pk = $1`, func(r pgx.Rows) error {
		var v, parser int
		var js []byte
		if err := r.Scan(&v, &js, &parser); err != nil {
			return err
		}
		s, err := decodeSnapshot(js)
		sv, err := relwatch.KnownVersion(v, parser, s, err)
		if err == nil {
			versions[v] = sv
		}
		return err
	}, pk)
	if err != nil {
		return relwatch.Placed{}, err
	}

	// Changes already stored, by the contents they link.
	known := map[relwatch.ChangeKey]relwatch.ChangeRecord{}
	err = eachRow(ctx, tx, `SELECT f.content_hash, t.content_hash, ch.diff, ch.summary, ch.stamp_only, ch.parser_change
		FROM changes ch
		JOIN versions f ON f.page_pk = ch.page_pk AND f.version = ch.from_version
		JOIN versions t ON t.page_pk = ch.page_pk AND t.version = ch.to_version
		WHERE ch.page_pk = $1`, func(r pgx.Rows) error {
		var from, to, diff, summary string
		var stampOnly, parserChange bool
		if err := r.Scan(&from, &to, &diff, &summary, &stampOnly, &parserChange); err != nil {
			return err
		}
		k, cr, err := relwatch.KnownChange(from, to, diff, summary, stampOnly, parserChange)
		if err == nil {
			known[k] = cr
		}
		return err
	}, pk)
	if err != nil {
		return relwatch.Placed{}, err
	}

	var caps []relwatch.TimelineCapture
	err = eachRow(ctx, tx, `SELECT c.capture_id, c.source, c.started, c.version, r.final_url, r.canonical_url
		FROM captures c JOIN responses r ON r.response_id = c.response_id
		WHERE c.page_pk = $1 AND c.outcome != 'failed' ORDER BY c.capture_id`, func(r pgx.Rows) error {
		var c relwatch.TimelineCapture
		var source string
		var when int64
		var v *int
		if err := r.Scan(&c.ID, &source, &when, &v, &c.FinalURL, &c.CanonicalURL); err != nil {
			return err
		}
		c.Live, c.Seen, c.OldVersion = source == relwatch.SourceLive, fromNS(when), deref(v)
		caps = append(caps, c)
		return nil
	}, pk)
	if err != nil {
		return relwatch.Placed{}, err
	}
	return relwatch.RebuildInOrder(timelineWriter{ctx, tx, pk}, caps, versions, known, newID, snap, compare)
}

// clearTimeline removes a page's derived rows (search index, changes,
// versions), children first for the foreign keys.
func clearTimeline(ctx context.Context, tx pgx.Tx, pk int64) error {
	if err := dropIndex(ctx, tx, pk); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM changes WHERE page_pk = $1`,
		`DELETE FROM versions WHERE page_pk = $1`,
	} {
		if _, err := tx.Exec(ctx, q, pk); err != nil {
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
	tx  pgx.Tx
	pk  int64
}

func (w timelineWriter) Clear() error { return clearTimeline(w.ctx, w.tx, w.pk) }

func (w timelineWriter) PutVersion(v int, captureID int64, snap snapshots.Snapshot, parser int, parseKey string, first, last time.Time, checks int) error {
	return putVersion(w.ctx, w.tx, w.pk, v, captureID, snap, parser, parseKey, first, last, checks)
}

func (w timelineWriter) PutChange(v int, cr *relwatch.ChangeRecord, observed time.Time, window *time.Time, stampBefore, stampAfter string) error {
	var start *int64
	if window != nil {
		t := ns(*window)
		start = &t
	}
	return putChange(w.ctx, w.tx, w.pk, v, cr, observed, start, stampBefore, stampAfter)
}

func (w timelineWriter) IndexVersion(v int, snap *snapshots.Snapshot) error {
	return indexVersion(w.ctx, w.tx, w.pk, v, snap)
}

// SetOutcomes sets every capture's version and outcome in one statement.
func (w timelineWriter) SetOutcomes(caps []relwatch.TimelineCapture) error {
	ids, vs, outcomes := make([]int64, len(caps)), make([]int32, len(caps)), make([]string, len(caps))
	for i := range caps {
		ids[i], vs[i], outcomes[i] = caps[i].ID, int32(caps[i].NewVersion), caps[i].Outcome()
	}
	_, err := w.tx.Exec(w.ctx, `UPDATE captures c SET version = u.version, outcome = u.outcome
		FROM unnest($1::bigint[], $2::int[], $3::text[]) AS u (id, version, outcome) WHERE c.capture_id = u.id`,
		ids, vs, outcomes)
	return err
}

// Reparse runs parse over the raw bodies of every successful capture of one
// page (or of all pages when page is nil) and rebuilds versions, changes,
// the captures' outcomes and the search index from the results, all in one
// transaction that holds the pages' rows. With dryRun the transaction is
// rolled back: the report says exactly what a real run would do.
func (a *Archive) Reparse(ctx context.Context, page *snapshots.PageKey, parse relwatch.ParseFunc, compare relwatch.CompareFunc, dryRun bool) (relwatch.ReparseReport, error) {
	rep := relwatch.ReparseReport{DryRun: dryRun}
	if a.mode != ReadWrite {
		return rep, fmt.Errorf("reparse: archive %s is open read-only", a.name)
	}
	tx, err := a.pool.Begin(ctx)
	if err != nil {
		return rep, a.wrap("reparse", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))

	q := `SELECT page_pk, id, lang FROM pages ORDER BY id COLLATE "C", lang COLLATE "C" FOR UPDATE`
	var args []any
	if page != nil {
		q = `SELECT page_pk, id, lang FROM pages WHERE id = $1 AND lang = $2 FOR UPDATE`
		args = []any{page.ID, page.Lang}
	}
	type pg struct {
		pk  int64
		key snapshots.PageKey
	}
	var pages []pg
	err = eachRow(ctx, tx, q, func(r pgx.Rows) error {
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
	if err := tx.Commit(ctx); err != nil {
		return rep, a.wrap("reparse", err)
	}
	return rep, nil
}

func reparsePage(ctx context.Context, tx pgx.Tx, pk int64, key snapshots.PageKey, parse relwatch.ParseFunc, compare relwatch.CompareFunc) (relwatch.PageReparse, error) {
	pr := relwatch.PageReparse{Page: key}
	before, err := versionFingerprints(ctx, tx, pk)
	if err != nil {
		return pr, err
	}
	pr.Before = len(before)

	var rows []relwatch.ReparseCapture
	err = eachRow(ctx, tx, `SELECT c.capture_id, c.version, c.started, c.body_id, r.content_type, r.final_url, c.source
		FROM captures c JOIN responses r ON r.response_id = c.response_id
		WHERE c.page_pk = $1 AND c.outcome != 'failed' ORDER BY c.capture_id`, func(r pgx.Rows) error {
		var x relwatch.ReparseCapture
		var ov *int
		var body *int64
		var when int64
		var source string
		if err := r.Scan(&x.ID, &ov, &when, &body, &x.ContentType, &x.URL, &source); err != nil {
			return err
		}
		x.Live, x.Seen, x.OldVersion, x.BodyID = source == relwatch.SourceLive, fromNS(when), deref(ov), deref(body)
		rows = append(rows, x)
		return nil
	}, pk)
	if err != nil {
		return pr, err
	}
	err = relwatch.RebuildReparsed(timelineWriter{ctx, tx, pk}, &pr, rows, func(capture, bodyID int64) ([]byte, string, error) {
		var sb storedBody
		err := sb.scan(tx.QueryRow(ctx, qBody+`b.body_id = $1`, bodyID))
		if errors.Is(err, pgx.ErrNoRows) {
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
func versionFingerprints(ctx context.Context, tx pgx.Tx, pk int64) ([]relwatch.VersionFingerprint, error) {
	var out []relwatch.VersionFingerprint
	err := eachRow(ctx, tx, `SELECT v.version, v.capture_id, v.snapshot, v.parser_version, v.first_seen, v.last_seen, v.checks,
			coalesce(ch.summary, ''), coalesce(ch.parser_change, false), coalesce(ch.diff, '')
		FROM versions v LEFT JOIN changes ch ON ch.page_pk = v.page_pk AND ch.to_version = v.version
		WHERE v.page_pk = $1 ORDER BY v.version`, func(r pgx.Rows) error {
		var f relwatch.VersionFingerprint
		var stored []byte
		var summary, diff string
		var first, last int64
		var parser, checks int
		var pc bool
		if err := r.Scan(&f.Version, &f.Capture, &stored, &parser, &first, &last, &checks, &summary, &pc, &diff); err != nil {
			return err
		}
		js, err := snapshotJSON(stored)
		if err != nil {
			return fail(relwatch.ErrCorrupt, "version %d: %v", f.Version, err)
		}
		h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", js, parser))
		f.Snapshot = hex.EncodeToString(h[:])
		h = sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d\x00%d\x00%s\x00%t\x00%s", f.Snapshot, first, last, checks, summary, pc, diff))
		f.All = hex.EncodeToString(h[:])
		out = append(out, f)
		return nil
	}, pk)
	return out, err
}
