package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// factsSchema is the schema that added version_facts (migration 005).
const factsSchema = 5

// The statements of SourcedSnapshot: a version of a page with where it
// came from and the page's key, in one statement. A new backend's first
// statement on a table reads that table's catalog entries, so the
// provenance comes from version_facts (the columns of the version's first
// capture and its response that qProvenance joins captures and responses
// for, kept by triggers and compared with those tables by check): two
// tables besides pages, not three. The statement always returns one row:
// a NULL page_pk says the page is not there, a NULL version that it has
// no such version, so no second statement is needed to tell which.
const (
	qSourcedHead = `SELECT p.page_pk, v.version, v.snapshot, v.parser_version, v.first_seen, v.last_seen,
			f.source, f.final_url, f.original_url, f.origin
		FROM (SELECT 1) AS one
		LEFT JOIN pages p ON p.id = $1 AND p.lang = $2
		LEFT JOIN LATERAL (SELECT version, snapshot, parser_version, first_seen, last_seen FROM versions
			WHERE page_pk = p.page_pk `
	qSourcedTail = ` LIMIT 1) v ON true
		LEFT JOIN version_facts f ON f.page_pk = p.page_pk AND f.version = v.version`
	qSourcedAt     = qSourcedHead + `AND first_seen <= $3 ORDER BY first_seen DESC, version DESC` + qSourcedTail
	qSourced       = qSourcedHead + `AND version = $3` + qSourcedTail
	qSourcedLatest = qSourcedHead + `ORDER BY version DESC` + qSourcedTail
)

// SourcedSnapshot is SnapshotAt (at not zero) or Snapshot, and
// VersionProvenance, in one statement (relwatch.SourcedReader): what
// `relwatch show` reads, one round trip after connecting.
func (a *Archive) SourcedSnapshot(ctx context.Context, page snapshots.PageKey, version int, at time.Time) (snapshots.Snapshot, *relwatch.Provenance, error) {
	if a.schema < factsSchema {
		return a.unsourcedSnapshot(ctx, page, version, at)
	}
	sql, args := qSourcedLatest, []any{page.ID, page.Lang}
	noVersion := func() error { return relwatch.NoVersion(page, version) }
	switch {
	case !at.IsZero():
		sql, args = qSourcedAt, append(args, ns(at))
		noVersion = func() error { return relwatch.NoVersionAt(page, at) }
	case version != 0:
		sql, args = qSourced, append(args, version)
	}
	var pk *int64
	var v, parser *int
	var js []byte
	var first, last *int64
	var source, finalURL, originalURL, origin *string
	err := a.reads.QueryRow(ctx, sql, args...).Scan(&pk, &v, &js, &parser, &first, &last,
		&source, &finalURL, &originalURL, &origin)
	switch {
	case err != nil:
		return snapshots.Snapshot{}, nil, a.wrap("read snapshot", err)
	case pk == nil:
		return snapshots.Snapshot{}, nil, noPage(page)
	case v == nil:
		return snapshots.Snapshot{}, nil, noVersion()
	}
	s, err := decodeSnapshot(js)
	s, err = relwatch.VersionSnapshot(page, *v, deref(parser), s, err, fromNS(deref(first)), fromNS(deref(last)))
	if err != nil {
		return s, nil, err
	}
	if deref(source) == "" {
		// No capture of the version (version_facts keeps its columns
		// empty then): VersionProvenance's ErrNotFound.
		return s, nil, nil
	}
	return s, &relwatch.Provenance{Source: *source, FinalURL: deref(finalURL), OriginalURL: deref(originalURL), Origin: deref(origin)}, nil
}

// unsourcedSnapshot is SourcedSnapshot on an archive opened read-only
// before migration 005 (no version_facts): the reads one by one.
func (a *Archive) unsourcedSnapshot(ctx context.Context, page snapshots.PageKey, version int, at time.Time) (snapshots.Snapshot, *relwatch.Provenance, error) {
	var s snapshots.Snapshot
	var err error
	if at.IsZero() {
		s, err = a.Snapshot(ctx, page, version)
	} else {
		s, err = a.SnapshotAt(ctx, page, at)
	}
	if err != nil {
		return s, nil, err
	}
	p, err := a.VersionProvenance(ctx, page, s.Version)
	if errors.Is(err, relwatch.ErrNotFound) {
		return s, nil, nil
	}
	if err != nil {
		return s, nil, err
	}
	return s, &p, nil
}

var _ relwatch.SourcedReader = (*Archive)(nil)
