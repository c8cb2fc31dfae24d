// Package relwatchtest has an in-memory relwatch.History for tests: pages
// and their versions as a store would hold them, without a database, for
// testing what reads history (the history package, front ends) apart from
// any store.
package relwatchtest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
)

// History is an in-memory relwatch.History: pages with their versions,
// as a store would hold them. Build it with Add and Fail. It is not safe
// for concurrent use while being built.
type History struct {
	pages map[snapshots.PageKey]*fakePage
	// Views counts ReadView calls, for tests of what reads in one view.
	Views int
}

type fakePage struct {
	status   relwatch.PageStatus
	versions []fakeVersion
	checks   []relwatch.Check
}

type fakeVersion struct {
	snap   snapshots.Snapshot
	info   relwatch.VersionInfo
	change relwatch.ChangeRecord
	window *time.Time
}

var _ relwatch.History = (*History)(nil)

// New returns an empty History.
func New() *History { return &History{pages: map[snapshots.PageKey]*fakePage{}} }

// Add archives a new version of a page (ref is <id>/<lang>), first seen
// at, whose change from the version before is what diff.Compare says; the
// previous version was last seen an hour before. A snapshot with a
// content hash keeps it (so a test can make hashes share a prefix); one
// without is sealed. src "" is a live check. It returns the version
// number.
func (f *History) Add(ref string, s snapshots.Snapshot, at time.Time, src relwatch.Provenance) int {
	key, p := f.pageOf(ref)
	s.Page, s.Lang, s.URL = key.String(), key.Lang, p.status.URL
	if s.ContentHash == "" {
		s.Seal()
	}
	n := len(p.versions) + 1
	first, last := at, at
	s.Version, s.FirstSeen, s.LastSeen = n, &first, &last
	v := fakeVersion{snap: s, info: relwatch.VersionInfo{
		Version: n, ContentHash: s.ContentHash, FirstSeen: at, LastSeen: at, Checks: 1,
		UpdatedRaw: string(s.UpdatedRaw), Provenance: cmp.Or(src, relwatch.Provenance{Source: relwatch.SourceLive}),
	}}
	if n > 1 {
		prev := &p.versions[n-2]
		seen := at.Add(-time.Hour)
		prev.info.LastSeen, prev.snap.LastSeen = seen, &seen
		res := diff.Compare(prev.snap, s)
		v.change = relwatch.ChangeRecord{Summary: res.StoredSummary(), StampOnly: res.StampOnly}
		v.window = &seen
		v.info.Summary, v.info.StampOnly, v.info.WindowStart = res.StoredSummary(), res.StampOnly, &seen
	}
	p.versions = append(p.versions, v)
	p.checks = append(p.checks, relwatch.Check{Seen: at, Version: n})
	p.status.Latest, p.status.LatestHash, p.status.UpdatedRaw = n, s.ContentHash, string(s.UpdatedRaw)
	p.status.LastChange, p.status.LastCheck, p.status.LastSuccess = &first, &last, &last
	p.status.LastError, p.status.ConsecutiveFailures = "", 0
	return n
}

// MarkParserChange marks version n of a page as a parser change (what
// relwatch reparse records): the same capture read by a newer parser, not
// an edit of the page.
func (f *History) MarkParserChange(ref string, n int) {
	_, p := f.pageOf(ref)
	v := &p.versions[n-1]
	v.change.ParserChange, v.info.ParserChange = true, true
}

// Fail records a failed check of a page at a time, with its error.
func (f *History) Fail(ref string, at time.Time, message string) {
	f.FailWith(ref, at, "", 0, message)
}

// FailWith records a failed check of a page at a time with its error kind
// and HTTP status (0 for none), as the removal rule reads them.
func (f *History) FailWith(ref string, at time.Time, kind string, status int, message string) {
	_, p := f.pageOf(ref)
	p.status.LastCheck = &at
	p.status.LastError = message
	p.status.ConsecutiveFailures++
	p.checks = append(p.checks, relwatch.Check{Seen: at, Failed: true, ErrorKind: kind, Status: status})
}

// Check records a good check of a page at a time that saw its latest
// version again.
func (f *History) Check(ref string, at time.Time) {
	_, p := f.pageOf(ref)
	n := len(p.versions)
	if n == 0 {
		panic("relwatchtest: Check of a page without versions")
	}
	v := &p.versions[n-1]
	seen := at
	v.info.LastSeen, v.snap.LastSeen = seen, &seen
	v.info.Checks++
	p.checks = append(p.checks, relwatch.Check{Seen: at, Version: n})
	p.status.LastCheck, p.status.LastSuccess = &seen, &seen
	p.status.LastError, p.status.ConsecutiveFailures = "", 0
}

// RemovalChecks lists the checks that decide the page's removals
// (relwatch.DecidingChecks) of those made with Add, Check, Fail and
// FailWith.
func (f *History) RemovalChecks(_ context.Context, key snapshots.PageKey) ([]relwatch.Check, error) {
	p, err := f.page(key)
	if err != nil {
		return nil, err
	}
	return relwatch.DecidingChecks(p.checks), nil
}

// pageOf is the page ref names, added when new. A bad ref is the test's
// own mistake: it panics.
func (f *History) pageOf(ref string) (snapshots.PageKey, *fakePage) {
	key, err := snapshots.ParsePageRef(ref)
	if err != nil || key.Lang == "" {
		panic(fmt.Sprintf("relwatchtest: page %q: want <id>/<lang>", ref))
	}
	p := f.pages[key]
	if p == nil {
		p = &fakePage{status: relwatch.PageStatus{Page: key, URL: "https://example.org/" + key.ID + "/" + key.Lang}}
		f.pages[key] = p
	}
	return key, p
}

func notFound(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, relwatch.ErrNotFound)...)
}

func (f *History) page(key snapshots.PageKey) (*fakePage, error) {
	p := f.pages[key]
	if p == nil {
		return nil, notFound("page %s", key)
	}
	return p, nil
}

func (f *History) version(key snapshots.PageKey, n int) (*fakeVersion, error) {
	p, err := f.page(key)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		n = len(p.versions)
	}
	if n < 1 || n > len(p.versions) {
		return nil, notFound("page %s has no version %d", key, n)
	}
	return &p.versions[n-1], nil
}

func (f *History) Pages(context.Context) ([]relwatch.PageStatus, error) {
	var out []relwatch.PageStatus
	for _, p := range f.pages {
		out = append(out, p.status)
	}
	slices.SortFunc(out, func(a, b relwatch.PageStatus) int {
		return cmp.Or(cmp.Compare(a.Page.ID, b.Page.ID), cmp.Compare(a.Page.Lang, b.Page.Lang))
	})
	return out, nil
}

// ResolvePage answers an id in several languages with a plain error, as
// the SQLite archive does: the caller finds the languages itself.
func (f *History) ResolvePage(ctx context.Context, ref snapshots.PageKey) (snapshots.PageKey, error) {
	if ref.Lang != "" {
		_, err := f.page(ref)
		return ref, err
	}
	var langs []string
	for k := range f.pages {
		if k.ID == ref.ID {
			langs = append(langs, k.Lang)
		}
	}
	switch len(langs) {
	case 0:
		return snapshots.PageKey{}, notFound("page %s", ref.ID)
	case 1:
		return snapshots.PageKey{ID: ref.ID, Lang: langs[0]}, nil
	}
	return snapshots.PageKey{}, fmt.Errorf("page %s is in several languages", ref.ID)
}

func (f *History) Versions(_ context.Context, key snapshots.PageKey) ([]relwatch.VersionInfo, error) {
	p, err := f.page(key)
	if err != nil {
		return nil, err
	}
	out := make([]relwatch.VersionInfo, len(p.versions))
	for i, v := range p.versions {
		out[i] = v.info
	}
	return out, nil
}

func (f *History) VersionsByHash(ctx context.Context, key snapshots.PageKey, prefix string) ([]relwatch.VersionInfo, error) {
	all, err := f.Versions(ctx, key)
	var out []relwatch.VersionInfo
	for _, v := range all {
		if strings.HasPrefix(strings.TrimPrefix(v.ContentHash, "sha256:"), prefix) {
			out = append(out, v)
		}
	}
	return out, err
}

func (f *History) Snapshot(_ context.Context, key snapshots.PageKey, n int) (snapshots.Snapshot, error) {
	v, err := f.version(key, n)
	if err != nil {
		return snapshots.Snapshot{}, err
	}
	return v.snap, nil
}

func (f *History) SnapshotAt(_ context.Context, key snapshots.PageKey, t time.Time) (snapshots.Snapshot, error) {
	p, err := f.page(key)
	if err != nil {
		return snapshots.Snapshot{}, err
	}
	for i := len(p.versions) - 1; i >= 0; i-- {
		if !p.versions[i].info.FirstSeen.After(t) {
			return p.versions[i].snap, nil
		}
	}
	return snapshots.Snapshot{}, notFound("page %s has no version at %s", key, t)
}

func (f *History) VersionProvenance(_ context.Context, key snapshots.PageKey, n int) (relwatch.Provenance, error) {
	v, err := f.version(key, n)
	if err != nil {
		return relwatch.Provenance{}, err
	}
	return v.info.Provenance, nil
}

func (f *History) Change(_ context.Context, key snapshots.PageKey, to int) (relwatch.ChangeRecord, *time.Time, error) {
	v, err := f.version(key, to)
	if err != nil || to < 2 {
		return relwatch.ChangeRecord{}, nil, cmp.Or(err, notFound("page %s: no change into version %d", key, to))
	}
	return v.change, v.window, nil
}

// Search finds the texts containing query (case sensitive: the fake does
// not fold accents) among those relwatch.SearchBlocks lists, one hit per
// distinct kind, path and text.
func (f *History) Search(_ context.Context, query string, only *snapshots.PageKey) ([]relwatch.Hit, error) {
	var hits []relwatch.Hit
	for key, p := range f.pages {
		if only != nil && key != *only {
			continue
		}
		byBlock := map[string]int{}
		for _, v := range p.versions {
			for _, b := range relwatch.SearchBlocks(&v.snap) {
				if !strings.Contains(b.Text, query) {
					continue
				}
				k := b.Kind + "\x00" + strings.Join(b.Path, "\x00") + "\x00\x00" + b.Text
				i, ok := byBlock[k]
				if !ok {
					i = len(hits)
					byBlock[k] = i
					hits = append(hits, relwatch.Hit{Page: key.String(), Kind: b.Kind, Path: slices.Clone(b.Path), Text: b.Text, FirstSeen: v.info.FirstSeen})
				}
				if h := &hits[i]; !slices.Contains(h.Versions, v.info.Version) {
					h.Versions = append(h.Versions, v.info.Version)
					h.LastSeen = v.info.LastSeen
				}
			}
		}
	}
	return hits, nil
}

func (f *History) ReadView(_ context.Context, fn func(relwatch.Reader) error) error {
	f.Views++
	return fn(f)
}

// The fake keeps no raw captures.

func (f *History) RawBody(_ context.Context, digest string) ([]byte, error) {
	return nil, notFound("raw body %s", digest)
}

func (f *History) Captures(_ context.Context, page snapshots.PageKey) ([]relwatch.StoredCapture, error) {
	return nil, notFound("captures of %s", page)
}
