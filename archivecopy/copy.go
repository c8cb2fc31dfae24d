// Package archivecopy copies a whole archive from one store to another,
// whatever their engines (SQLite → PostgreSQL and back), losslessly: every
// capture, raw body, version, change and provenance, with the same content
// hashes. It reads through relwatch.History and writes through
// relwatch.Loader, so it knows no engine.
//
// A copy is resumable, not atomic: each page is copied in one transaction
// of the destination and read back and compared with the source; a page
// the destination already has with the same history is skipped, so
// running an interrupted copy again finishes it. The outbox
// (the notifications' events and what became of each for each
// destination) goes last, in one transaction, and is read back too; an
// event the destination has already is kept as it is.
package archivecopy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Source is a store a copy can read.
type Source interface {
	relwatch.History
	relwatch.OutboxMover
}

// Destination is a store a copy can write to.
type Destination interface {
	relwatch.History
	relwatch.Loader
	relwatch.OutboxMover
}

// Report says what a copy did.
type Report struct {
	Pages    int // pages in the source
	Copied   int // pages written to the destination
	Skipped  int // pages the destination already had, with the same history
	Captures int // captures copied
	Versions int // versions copied
	Events   int // outbox events copied, with their delivery states
}

// Progress is told after each page.
type Progress func(done, total int, page snapshots.PageKey)

// ErrDiffers means the destination holds a page with another history than
// the source's: the copy stops rather than mix the two.
var ErrDiffers = errors.New("the destination has this page with another history")

// Copy copies every page of src into dst, then its outbox. Into a
// relwatch.ConcurrentLoader it copies several pages at once (a copy is
// mostly waiting for the destination's round trips); the first page that
// fails stops the others, and each page is in the destination whole or
// not at all.
func Copy(ctx context.Context, src Source, dst Destination, progress Progress) (Report, error) {
	var rep Report
	pages, err := src.Pages(ctx)
	if err != nil {
		return rep, err
	}
	rep.Pages = len(pages)
	have := map[snapshots.PageKey]bool{}
	dpages, err := dst.Pages(ctx)
	if err != nil {
		return rep, err
	}
	for _, p := range dpages {
		have[p.Page] = true
	}
	jobs := 1
	if cl, ok := dst.(relwatch.ConcurrentLoader); ok {
		jobs = max(1, cl.LoadConcurrency())
	}

	var mu sync.Mutex // guards rep and progress
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for _, ps := range pages {
		if gctx.Err() != nil {
			break // a page failed: start no more
		}
		g.Go(func() error {
			copied, h, err := copyPage(gctx, src, dst, ps, have[ps.Page])
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			if copied {
				rep.Copied++
				rep.Captures += len(h.Captures)
				rep.Versions += len(h.Versions)
			} else {
				rep.Skipped++
			}
			if progress != nil {
				progress(rep.Copied+rep.Skipped, len(pages), ps.Page)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return rep, err
	}
	var err2 error
	rep.Events, err2 = copyOutbox(ctx, src, dst)
	return rep, err2
}

// copyPage copies one page and reads it back, or, when the destination
// has it already, checks that it has the same history there. It reports
// whether it wrote the page.
func copyPage(ctx context.Context, src Source, dst Destination, ps relwatch.PageStatus, inDst bool) (bool, relwatch.PageHistory, error) {
	h, err := ReadPage(ctx, src, ps)
	if err != nil {
		return false, h, fmt.Errorf("read %s: %w", ps.Page, err)
	}
	want, err := fingerprint(h)
	if err != nil {
		return false, h, err
	}
	if inDst {
		got, err := pageFingerprint(ctx, dst, ps.Page)
		if err != nil {
			return false, h, fmt.Errorf("read %s in the destination: %w", ps.Page, err)
		}
		if got != want {
			return false, h, fmt.Errorf("page %s: %w (copy into an empty archive, or remove the page there)", ps.Page, ErrDiffers)
		}
		return false, h, nil
	}
	if err := dst.LoadPage(ctx, h); err != nil {
		return false, h, fmt.Errorf("copy %s: %w", ps.Page, err)
	}
	got, err := pageFingerprint(ctx, dst, ps.Page)
	if err != nil {
		return false, h, fmt.Errorf("read %s back: %w", ps.Page, err)
	}
	if got != want {
		return false, h, fmt.Errorf("page %s reads back differently from the destination than from the source (a writer changed the source during the copy?)", ps.Page)
	}
	return true, h, nil
}

// copyOutbox copies the outbox of src into dst and reads it back: every
// event of src must be in dst, and one dst did not have before with the
// same delivery states, so that nothing delivered is sent again and
// nothing pending is lost.
func copyOutbox(ctx context.Context, src, dst relwatch.OutboxMover) (int, error) {
	d, err := src.DumpOutbox(ctx)
	if err != nil {
		return 0, fmt.Errorf("read the outbox: %w", err)
	}
	before, err := dst.DumpOutbox(ctx)
	if err != nil {
		return 0, fmt.Errorf("read the outbox in the destination: %w", err)
	}
	had := map[string]bool{}
	for _, e := range before.Events {
		had[e.Event.ID] = true
	}
	n, err := dst.LoadOutbox(ctx, d)
	if err != nil {
		return 0, fmt.Errorf("copy the outbox: %w", err)
	}
	after, err := dst.DumpOutbox(ctx)
	if err != nil {
		return 0, fmt.Errorf("read the outbox back: %w", err)
	}
	got := map[string]relwatch.OutboxEntry{}
	for _, e := range after.Events {
		got[e.Event.ID] = e
	}
	for _, e := range d.Events {
		g, ok := got[e.Event.ID]
		want := e
		if had[e.Event.ID] {
			want.Deliveries = g.Deliveries // the destination's own states stand
		}
		same, err := sameEntry(g, want)
		if err != nil {
			return 0, err
		}
		if !ok || !same {
			return 0, fmt.Errorf("outbox event %s (%s of %s) reads back differently from the destination than from the source", e.Event.ID, e.Event.Kind, e.Event.Page)
		}
	}
	return n, nil
}

func sameEntry(a, b relwatch.OutboxEntry) (bool, error) {
	ja, err := json.Marshal(a)
	if err != nil {
		return false, err
	}
	jb, err := json.Marshal(b)
	return string(ja) == string(jb), err
}

// ReadPage reads one page's whole history from a store.
func ReadPage(ctx context.Context, src relwatch.History, ps relwatch.PageStatus) (relwatch.PageHistory, error) {
	h := relwatch.PageHistory{Page: ps.Page, URL: ps.URL, CanonicalURL: ps.CanonicalURL, Body: src.RawBody}
	var err error
	if h.Captures, err = src.Captures(ctx, ps.Page); err != nil {
		return h, err
	}
	// A version's capture is the one that starts it: it records the
	// version with the outcome new or changed.
	first := map[int]int64{}
	for _, c := range h.Captures {
		if c.Version > 0 && (c.Outcome == relwatch.OutcomeNew || c.Outcome == relwatch.OutcomeChanged) {
			if _, dup := first[c.Version]; dup {
				return h, fmt.Errorf("version %d starts at two captures (run relwatch check)", c.Version)
			}
			first[c.Version] = c.ID
		}
	}
	vs, err := src.Versions(ctx, ps.Page)
	if err != nil {
		return h, err
	}
	for _, vi := range vs {
		s, err := src.Snapshot(ctx, ps.Page, vi.Version)
		if err != nil {
			return h, err
		}
		id, ok := first[vi.Version]
		if !ok {
			return h, fmt.Errorf("version %d has no capture that starts it (run relwatch check)", vi.Version)
		}
		lv := relwatch.LoadedVersion{Snapshot: s, Checks: vi.Checks, CaptureID: id}
		if vi.Version > 1 {
			cr, window, err := src.Change(ctx, ps.Page, vi.Version)
			if err != nil {
				return h, err
			}
			lv.Change, lv.WindowStart = &cr, window
		}
		h.Versions = append(h.Versions, lv)
	}
	return h, nil
}

// pageFingerprint is the fingerprint of a page as a store holds it.
func pageFingerprint(ctx context.Context, s relwatch.History, page snapshots.PageKey) (string, error) {
	pages, err := s.Pages(ctx)
	if err != nil {
		return "", err
	}
	for _, ps := range pages {
		if ps.Page == page {
			h, err := ReadPage(ctx, s, ps)
			if err != nil {
				return "", err
			}
			return fingerprint(h)
		}
	}
	return "", fmt.Errorf("page %s: %w", page, relwatch.ErrNotFound)
}

// fingerprint is everything a page history says, as JSON, with capture ids
// replaced by positions (each store numbers its own rows).
func fingerprint(h relwatch.PageHistory) (string, error) {
	pos := map[int64]int64{}
	caps := make([]relwatch.StoredCapture, len(h.Captures))
	for i, c := range h.Captures {
		pos[c.ID] = int64(i)
		c.ID = int64(i)
		caps[i] = c
	}
	vs := make([]relwatch.LoadedVersion, len(h.Versions))
	for i, v := range h.Versions {
		v.CaptureID = pos[v.CaptureID]
		vs[i] = v
	}
	b, err := json.Marshal(struct {
		Page              snapshots.PageKey
		URL, CanonicalURL string
		Captures          []relwatch.StoredCapture
		Versions          []relwatch.LoadedVersion
	}{h.Page, h.URL, h.CanonicalURL, caps, vs})
	return string(b), err
}
