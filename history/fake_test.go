package history

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

// fakeArchive is an in-memory relwatch.History: pages with their versions, as the
// SQLite archive would hold them, without SQLite. Build it with add.
type fakeArchive struct {
	pages map[snapshots.PageKey]*fakePage
	views int // ReadView calls
}

type fakePage struct {
	status   relwatch.PageStatus
	versions []fakeVersion
}

type fakeVersion struct {
	snap   snapshots.Snapshot
	info   relwatch.VersionInfo
	change relwatch.ChangeRecord
	window *time.Time
}

var _ relwatch.History = (*fakeArchive)(nil)

func newFake() *fakeArchive { return &fakeArchive{pages: map[snapshots.PageKey]*fakePage{}} }

// add archives a new version of a page, first seen at, whose change from
// the version before is what diff.Compare says; the previous version was
// last seen an hour before. It returns the version number.
func (f *fakeArchive) add(ref string, s snapshots.Snapshot, at time.Time, src relwatch.Provenance) int {
	key, err := snapshots.ParsePageRef(ref)
	if err != nil {
		panic(err)
	}
	p := f.pages[key]
	if p == nil {
		p = &fakePage{status: relwatch.PageStatus{Page: key, URL: "https://example.org/" + key.ID + "/" + key.Lang}}
		f.pages[key] = p
	}
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
		v.change = relwatch.ChangeRecord{Summary: res.Summary, StampOnly: res.StampOnly}
		v.window = &seen
		v.info.Summary, v.info.StampOnly, v.info.WindowStart = res.Summary, res.StampOnly, &seen
	}
	p.versions = append(p.versions, v)
	p.status.Latest, p.status.LatestHash, p.status.UpdatedRaw = n, s.ContentHash, string(s.UpdatedRaw)
	p.status.LastChange, p.status.LastCheck, p.status.LastSuccess = &first, &last, &last
	return n
}

func notFound(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, relwatch.ErrNotFound)...)
}

func (f *fakeArchive) page(key snapshots.PageKey) (*fakePage, error) {
	p := f.pages[key]
	if p == nil {
		return nil, notFound("page %s", key)
	}
	return p, nil
}

func (f *fakeArchive) version(key snapshots.PageKey, n int) (*fakeVersion, error) {
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

func (f *fakeArchive) Pages(context.Context) ([]relwatch.PageStatus, error) {
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
// the SQLite archive does: history must find the languages itself.
func (f *fakeArchive) ResolvePage(ctx context.Context, ref snapshots.PageKey) (snapshots.PageKey, error) {
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

func (f *fakeArchive) Versions(_ context.Context, key snapshots.PageKey) ([]relwatch.VersionInfo, error) {
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

func (f *fakeArchive) VersionsByHash(ctx context.Context, key snapshots.PageKey, prefix string) ([]relwatch.VersionInfo, error) {
	all, err := f.Versions(ctx, key)
	var out []relwatch.VersionInfo
	for _, v := range all {
		if strings.HasPrefix(strings.TrimPrefix(v.ContentHash, "sha256:"), prefix) {
			out = append(out, v)
		}
	}
	return out, err
}

func (f *fakeArchive) Snapshot(_ context.Context, key snapshots.PageKey, n int) (snapshots.Snapshot, error) {
	v, err := f.version(key, n)
	if err != nil {
		return snapshots.Snapshot{}, err
	}
	return v.snap, nil
}

func (f *fakeArchive) SnapshotAt(_ context.Context, key snapshots.PageKey, t time.Time) (snapshots.Snapshot, error) {
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

func (f *fakeArchive) VersionProvenance(_ context.Context, key snapshots.PageKey, n int) (relwatch.Provenance, error) {
	v, err := f.version(key, n)
	if err != nil {
		return relwatch.Provenance{}, err
	}
	return v.info.Provenance, nil
}

func (f *fakeArchive) Change(_ context.Context, key snapshots.PageKey, to int) (relwatch.ChangeRecord, *time.Time, error) {
	v, err := f.version(key, to)
	if err != nil || to < 2 {
		return relwatch.ChangeRecord{}, nil, cmp.Or(err, notFound("page %s: no change into version %d", key, to))
	}
	return v.change, v.window, nil
}

// Search finds the paragraphs and bullets containing query (case
// sensitive: the fake does not fold accents), one hit per distinct text.
func (f *fakeArchive) Search(_ context.Context, query string, only *snapshots.PageKey) ([]relwatch.Hit, error) {
	var hits []relwatch.Hit
	for key, p := range f.pages {
		if only != nil && key != *only {
			continue
		}
		byText := map[string]int{}
		for _, v := range p.versions {
			snapshots.Walk(v.snap.Sections, func(path []string, s *snapshots.Section) {
				for _, b := range s.Blocks {
					if !strings.Contains(b.Text, query) {
						continue
					}
					i, ok := byText[b.Text]
					if !ok {
						i = len(hits)
						byText[b.Text] = i
						hits = append(hits, relwatch.Hit{Page: key.String(), Path: slices.Clone(path), Text: b.Text, FirstSeen: v.info.FirstSeen})
					}
					if h := &hits[i]; !slices.Contains(h.Versions, v.info.Version) {
						h.Versions = append(h.Versions, v.info.Version)
						h.LastSeen = v.info.LastSeen
					}
				}
			})
		}
	}
	return hits, nil
}

func (f *fakeArchive) ReadView(_ context.Context, fn func(relwatch.Reader) error) error {
	f.views++
	return fn(f)
}

// The fake keeps no raw captures: history never reads them.

func (f *fakeArchive) RawBody(_ context.Context, digest string) ([]byte, error) {
	return nil, notFound("raw body %s", digest)
}

func (f *fakeArchive) Captures(_ context.Context, page snapshots.PageKey) ([]relwatch.StoredCapture, error) {
	return nil, notFound("captures of %s", page)
}
