package archive

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// RecordInOrder stores a successful capture that was not made live just
// now (a Wayback Machine capture, an imported file) at its own time,
// c.Started, among the page's other captures, and rebuilds the page's
// versions, changes, capture outcomes and search index in that order, all
// in one transaction. Versions are therefore numbered in order of
// observation whatever order the captures arrive in; a capture older than
// the page's live ones renumbers the versions after it.
//
// Live captures keep the order they were made in (by capture id: ids only
// grow, clocks jump); the others go by their time among them. The content
// of captures already stored is taken from their versions, so nothing is
// re-parsed; a change between two contents that the archive already holds
// is kept as it is, and compare diffs only the new neighbours.
// snap must be sealed.
func (a *Archive) RecordInOrder(ctx context.Context, c relwatch.Capture, snap snapshots.Snapshot, parserVersion int, compare relwatch.CompareFunc) (relwatch.Placed, error) {
	var p relwatch.Placed
	if err := relwatch.InOrderError(c, snap); err != nil {
		return p, err
	}
	b, err := a.prepareBody(ctx, a.db, c.Page, c.Body, c.BodyDigest, c.BodyGzip, true) // a past capture usually brings a version
	if err != nil {
		return p, err
	}
	err = a.write(ctx, "record "+c.Source+" capture of "+c.Page.String(), func(tx *sql.Tx) error {
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

// ensurePage returns the page's key, creating the page when it is new. A
// past capture never changes the URLs of a page that exists: those are the
// latest live ones.
func ensurePage(ctx context.Context, tx *sql.Tx, c *relwatch.Capture) (int64, error) {
	var pk int64
	err := tx.QueryRowContext(ctx, qPagePK, c.Page.ID, c.Page.Lang).Scan(&pk)
	if errors.Is(err, sql.ErrNoRows) {
		// A new page: its canonical URL is left for its first live
		// capture (a past capture's may be an old alias).
		page := *c
		page.CanonicalURL = ""
		return upsertPage(ctx, tx, &page)
	}
	return pk, err
}

// rebuildInOrder rebuilds a page's timeline after capture newID (whose
// content is snap) was inserted.
func rebuildInOrder(ctx context.Context, tx *sql.Tx, pk, newID int64, snap snapshots.Snapshot, compare relwatch.CompareFunc) (relwatch.Placed, error) {
	versions := map[int]relwatch.StoredVersion{}
	err := eachRow(ctx, tx, `SELECT version, snapshot, parser_version FROM versions WHERE page_pk = ?`, func(r *sql.Rows) error {
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
		WHERE ch.page_pk = ?`, func(r *sql.Rows) error {
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
		WHERE c.page_pk = ? AND c.outcome != 'failed' ORDER BY c.capture_id`, func(r *sql.Rows) error {
		var c relwatch.TimelineCapture
		var source string
		var when int64
		var v sql.NullInt64
		if err := r.Scan(&c.ID, &source, &when, &v, &c.FinalURL, &c.CanonicalURL); err != nil {
			return err
		}
		c.Live, c.Seen, c.OldVersion = source == relwatch.SourceLive, unixNano(when), int(v.Int64)
		caps = append(caps, c)
		return nil
	}, pk)
	if err != nil {
		return relwatch.Placed{}, err
	}
	return relwatch.RebuildInOrder(timelineWriter{ctx, tx, pk}, caps, versions, known, newID, snap, compare)
}

// PastCaptures lists a page's captures from source (relwatch.SourceWayback or
// relwatch.SourceImport), oldest first. A page not in the archive has none.
func (a *Archive) PastCaptures(ctx context.Context, page snapshots.PageKey, source string) ([]relwatch.PastCapture, error) {
	var out []relwatch.PastCapture
	err := a.readTx(ctx, "list "+source+" captures of "+page.String(), func(tx *sql.Tx) error {
		pk, err := pagePK(ctx, tx, page)
		if errors.Is(err, relwatch.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if a.schema < 3 {
			return nil // only live captures before schema 3
		}
		q := qPastCaptures
		if a.schema < 5 {
			q = qPastCapturesOld // read-only on an older archive
		}
		return eachRow(ctx, tx, q, func(r *sql.Rows) error {
			var p relwatch.PastCapture
			var when any
			if err := r.Scan(&when, &p.Source, &p.OriginalURL, &p.OriginalDigest, &p.Origin, &p.BodyDigest, &p.ContentType, &p.Outcome, &p.Error); err != nil {
				return err
			}
			if p.Started, err = captureTime(when); err != nil {
				return fail(relwatch.ErrCorrupt, "capture of %s has a bad time %v", page, when)
			}
			out = append(out, p)
			return nil
		}, pk, source)
	})
	return out, err
}

// VersionsByHash returns the versions of a page whose content hash starts
// with prefix ("sha256:2a511b…" or "2a511b…"), oldest first. The same
// content can come back after an edit is reverted, so one hash may name
// several versions.
func (a *Archive) VersionsByHash(ctx context.Context, page snapshots.PageKey, prefix string) ([]relwatch.VersionInfo, error) {
	var out []relwatch.VersionInfo
	err := a.readTx(ctx, "find versions by hash", func(tx *sql.Tx) (err error) {
		out, err = a.versionsByHashTx(ctx, tx, page, prefix)
		return err
	})
	return out, err
}

func (a *Archive) versionsByHashTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, prefix string) ([]relwatch.VersionInfo, error) {
	if !strings.HasPrefix(prefix, "sha256:") {
		prefix = "sha256:" + prefix
	}
	prefix = strings.ToLower(prefix)
	// Only the matching rows are decoded: a page has thousands of versions
	// and a hash names one or a few.
	f := versionFilter{
		cond: "substr(content_hash, 1, ?) = ?", args: []any{len(prefix), prefix},
		keep: func(v relwatch.VersionInfo) bool { return strings.HasPrefix(v.ContentHash, prefix) },
	}
	return a.someVersionsTx(ctx, tx, page, f)
}
