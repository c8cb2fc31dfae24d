package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	if snap.ContentHash == "" || !snap.VerifyHash() {
		return p, fmt.Errorf("record capture of %s: snapshot is not sealed (content hash missing or wrong)", c.Page)
	}
	if c.Source == "" || c.Source == relwatch.SourceLive {
		return p, fmt.Errorf("record capture of %s in time order: source %q is not a past capture", c.Page, c.Source)
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

// reCapture is one successful capture and the content it has in a rebuilt
// timeline.
type reCapture struct {
	id          int64
	oldVersion  int
	seen        time.Time
	snap        snapshots.Snapshot
	parser      int
	newVersion  int
	startsGroup bool
}

func rebuildInOrder(ctx context.Context, tx pgx.Tx, pk, newID int64, snap snapshots.Snapshot, compare relwatch.CompareFunc) (relwatch.Placed, error) {
	type stored struct {
		snap   snapshots.Snapshot
		parser int
	}
	versions := map[int]stored{}
	err := eachRow(ctx, tx, `SELECT version, snapshot, parser_version FROM versions WHERE page_pk = $1`, func(r pgx.Rows) error {
		var v, parser int
		var js []byte
		if err := r.Scan(&v, &js, &parser); err != nil {
			return err
		}
		s, err := decodeSnapshot(js)
		if err != nil {
			return fail(relwatch.ErrCorrupt, "version %d: %v", v, err)
		}
		versions[v] = stored{s, parser}
		return nil
	}, pk)
	if err != nil {
		return relwatch.Placed{}, err
	}

	// Changes already stored, by the contents they link.
	known := map[[2]string]relwatch.ChangeRecord{}
	err = eachRow(ctx, tx, `SELECT f.content_hash, t.content_hash, ch.diff, ch.summary, ch.stamp_only, ch.parser_change
		FROM changes ch
		JOIN versions f ON f.page_pk = ch.page_pk AND f.version = ch.from_version
		JOIN versions t ON t.page_pk = ch.page_pk AND t.version = ch.to_version
		WHERE ch.page_pk = $1`, func(r pgx.Rows) error {
		var from, to, diff, summary string
		var cr relwatch.ChangeRecord
		if err := r.Scan(&from, &to, &diff, &summary, &cr.StampOnly, &cr.ParserChange); err != nil {
			return err
		}
		cr.DiffJSON = []byte(diff)
		if err := json.Unmarshal([]byte(summary), &cr.Summary); err != nil {
			return fail(relwatch.ErrCorrupt, "change %s → %s: bad summary", from, to)
		}
		known[[2]string{from, to}] = cr
		return nil
	}, pk)
	if err != nil {
		return relwatch.Placed{}, err
	}

	var entries []relwatch.CaptureTime
	var caps []reCapture
	err = eachRow(ctx, tx, `SELECT c.capture_id, c.source, c.started, c.version, r.final_url, r.canonical_url
		FROM captures c JOIN responses r ON r.response_id = c.response_id
		WHERE c.page_pk = $1 AND c.outcome != 'failed' ORDER BY c.capture_id`, func(r pgx.Rows) error {
		var c reCapture
		var source, finalURL, canonical string
		var when int64
		var v *int
		if err := r.Scan(&c.id, &source, &when, &v, &finalURL, &canonical); err != nil {
			return err
		}
		c.seen = fromNS(when)
		c.oldVersion = deref(v)
		if c.id == newID {
			c.snap, c.parser = snap, snap.ParserVersion
		} else {
			s, ok := versions[c.oldVersion]
			if !ok {
				return fail(relwatch.ErrCorrupt, "capture %d refers to missing version %d", c.id, c.oldVersion)
			}
			c.snap, c.parser = s.snap, s.parser
			// The version's JSON names its first capture's URLs; this
			// capture may become the first of its version.
			if finalURL != "" {
				c.snap.FinalURL = finalURL
			}
			if canonical != "" {
				c.snap.CanonicalURL = canonical
			}
		}
		caps = append(caps, c)
		entries = append(entries, relwatch.CaptureTime{ID: c.id, Live: source == relwatch.SourceLive, Seen: c.seen})
		return nil
	}, pk)
	if err != nil {
		return relwatch.Placed{}, err
	}
	order := relwatch.ObservedOrder(entries)
	ordered := make([]reCapture, len(caps))
	for i, j := range order {
		ordered[i] = caps[j]
	}

	if err := clearTimeline(ctx, tx, pk); err != nil {
		return relwatch.Placed{}, err
	}
	_, err = writeTimeline(ctx, tx, pk, ordered, func(prev, cur *reCapture) relwatch.ChangeRecord {
		if cr, ok := known[[2]string{prev.snap.ContentHash, cur.snap.ContentHash}]; ok {
			return cr
		}
		return compare(prev.snap, cur.snap)
	})
	if err != nil {
		return relwatch.Placed{}, err
	}
	var p relwatch.Placed
	for i, c := range ordered {
		if c.id != newID {
			continue
		}
		p.Version, p.Outcome = c.newVersion, relwatch.OutcomeUnchanged
		if c.startsGroup {
			p.Outcome = relwatch.OutcomeChanged
			if c.newVersion == 1 {
				p.Outcome = relwatch.OutcomeNew
			}
		}
		for _, later := range ordered[i+1:] {
			if later.oldVersion != later.newVersion {
				p.Shifted = true
			}
		}
	}
	return p, nil
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

// writeTimeline stores a page's versions from its successful captures in
// order of observation (see the SQLite archive's writeTimeline): it fills
// in each capture's newVersion and startsGroup, sets the captures' versions
// and outcomes, stores a change into every version after the first,
// indexes the versions and returns the versions whose change is a parser
// change. The page's old derived rows must be cleared.
func writeTimeline(ctx context.Context, tx pgx.Tx, pk int64, caps []reCapture, changeFor func(prev, cur *reCapture) relwatch.ChangeRecord) ([]int, error) {
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
	var ids []int64
	var vs []int32
	var outcomes []string
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
			window := ns(caps[i-1].seen)
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
			ids, vs, outcomes = append(ids, caps[k].id), append(vs, int32(v)), append(outcomes, outcome)
		}
		prevSnap = first.snap
		i = j
	}
	// One statement for all the captures' new versions and outcomes.
	_, err := tx.Exec(ctx, `UPDATE captures c SET version = u.version, outcome = u.outcome
		FROM unnest($1::bigint[], $2::int[], $3::text[]) AS u (id, version, outcome) WHERE c.capture_id = u.id`,
		ids, vs, outcomes)
	if err != nil {
		return nil, err
	}
	return parserChanges, nil
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

	type row struct {
		reCapture
		bodyID  *int64
		ct, url string
		source  string
	}
	var rows []row
	err = eachRow(ctx, tx, `SELECT c.capture_id, c.version, c.started, c.body_id, r.content_type, r.final_url, c.source
		FROM captures c JOIN responses r ON r.response_id = c.response_id
		WHERE c.page_pk = $1 AND c.outcome != 'failed' ORDER BY c.capture_id`, func(r pgx.Rows) error {
		var x row
		var ov *int
		var when int64
		if err := r.Scan(&x.id, &ov, &when, &x.bodyID, &x.ct, &x.url, &x.source); err != nil {
			return err
		}
		x.seen = fromNS(when)
		x.oldVersion = deref(ov)
		rows = append(rows, x)
		return nil
	}, pk)
	if err != nil {
		return pr, err
	}
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
		case x.bodyID != nil:
			p, ok := cache[*x.bodyID]
			if !ok {
				var sb storedBody
				err := sb.scan(tx.QueryRow(ctx, qBody+`b.body_id = $1`, *x.bodyID))
				if errors.Is(err, pgx.ErrNoRows) {
					return pr, fail(relwatch.ErrCorrupt, "capture %d refers to missing raw body %d", c.id, *x.bodyID)
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
				cache[*x.bodyID] = p
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
	snapshot string // hash of the snapshot JSON and parser version
	all      string // hash of everything stored for the version and the change into it
}

func versionFingerprints(ctx context.Context, tx pgx.Tx, pk int64) ([]versionFingerprint, error) {
	var out []versionFingerprint
	err := eachRow(ctx, tx, `SELECT v.version, v.capture_id, v.snapshot, v.parser_version, v.first_seen, v.last_seen, v.checks,
			coalesce(ch.summary, ''), coalesce(ch.parser_change, false), coalesce(ch.diff, '')
		FROM versions v LEFT JOIN changes ch ON ch.page_pk = v.page_pk AND ch.to_version = v.version
		WHERE v.page_pk = $1 ORDER BY v.version`, func(r pgx.Rows) error {
		var f versionFingerprint
		var stored []byte
		var summary, diff string
		var first, last int64
		var parser, checks int
		var pc bool
		if err := r.Scan(&f.version, &f.capture, &stored, &parser, &first, &last, &checks, &summary, &pc, &diff); err != nil {
			return err
		}
		js, err := snapshotJSON(stored)
		if err != nil {
			return fail(relwatch.ErrCorrupt, "version %d: %v", f.version, err)
		}
		h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", js, parser))
		f.snapshot = hex.EncodeToString(h[:])
		h = sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d\x00%d\x00%s\x00%t\x00%s", f.snapshot, first, last, checks, summary, pc, diff))
		f.all = hex.EncodeToString(h[:])
		out = append(out, f)
		return nil
	}, pk)
	return out, err
}
