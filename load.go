package relwatch

import (
	"context"
	"fmt"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// PageHistory is one page's whole history as a store holds it: what
// `relwatch archive copy` moves from one store to another, whatever their
// engines.
type PageHistory struct {
	Page              snapshots.PageKey
	URL, CanonicalURL string
	// Captures in the order they were recorded, each with the version and
	// outcome it has in the page's timeline. ID is the source store's; the
	// versions below refer to their capture by it.
	Captures []StoredCapture
	// Versions 1..N.
	Versions []LoadedVersion
	// Body returns a raw body named by a capture's BodyDigest.
	Body func(ctx context.Context, digest string) ([]byte, error)
}

// LoadedVersion is one version of a PageHistory.
type LoadedVersion struct {
	// Snapshot as History.Snapshot returns it: Version, ParserVersion,
	// FirstSeen and LastSeen set.
	Snapshot  snapshots.Snapshot
	Checks    int
	CaptureID int64 // the capture it came from (its first sighting), by PageHistory.Captures' IDs
	// Change is the change into this version and WindowStart the start of
	// its window; nil for version 1.
	Change      *ChangeRecord
	WindowStart *time.Time
}

// Loader is a store that takes a page's history as it is, without
// recomputing it: every capture, raw body, version and change, with their
// times, outcomes and content hashes. The search index is derived from the
// versions.
type Loader interface {
	// LoadPage stores h in one transaction. The store must not have the
	// page yet.
	LoadPage(ctx context.Context, h PageHistory) error
}

// ConcurrentLoader is a Loader that takes several pages at once, each in a
// transaction and on a connection of its own. A copy into it loads up to
// LoadConcurrency pages at a time; into any other Loader, one.
type ConcurrentLoader interface {
	Loader
	LoadConcurrency() int
}

// LoadVersions writes h's versions, the change into each and their search
// index through w, as LoadPage does in every store once the captures are
// in: ids maps h's capture ids to the store's.
func LoadVersions(w VersionWriter, h PageHistory, ids map[int64]int64) error {
	var prevStamp string
	for _, v := range h.Versions {
		s := v.Snapshot
		id, ok := ids[v.CaptureID]
		if !ok || s.FirstSeen == nil || s.LastSeen == nil {
			return fmt.Errorf("version %d: its capture %d or its times are missing", s.Version, v.CaptureID)
		}
		if err := w.PutVersion(s.Version, id, s, s.ParserVersion, "", *s.FirstSeen, *s.LastSeen, v.Checks); err != nil {
			return fmt.Errorf("version %d: %w", s.Version, err)
		}
		if v.Change != nil {
			if err := w.PutChange(s.Version, v.Change, *s.FirstSeen, v.WindowStart, prevStamp, string(s.UpdatedRaw)); err != nil {
				return fmt.Errorf("change into version %d: %w", s.Version, err)
			}
		}
		if err := w.IndexVersion(s.Version, &s); err != nil {
			return fmt.Errorf("index version %d: %w", s.Version, err)
		}
		prevStamp = string(s.UpdatedRaw)
	}
	return nil
}

// LoadBodies reads the raw body of every capture of h that has one and
// turns it into the store's form B with prepare, before the store's write
// transaction, as the Record methods do. first says whether the capture is
// the first sighting of a version (a store may keep the others as deltas);
// prepare returns the body and its digest, which must be the capture's.
// The result has one entry per capture, the zero B for one with no body.
func LoadBodies[B any](ctx context.Context, h PageHistory, prepare func(raw []byte, first bool) (B, string, error)) ([]B, error) {
	firsts := map[int64]bool{}
	for _, v := range h.Versions {
		firsts[v.CaptureID] = true
	}
	bodies := make([]B, len(h.Captures))
	for i, c := range h.Captures {
		if c.BodyDigest == "" {
			continue
		}
		raw, err := h.Body(ctx, c.BodyDigest)
		if err != nil {
			return nil, fmt.Errorf("load %s: capture %d: %w", h.Page, c.ID, err)
		}
		b, digest, err := prepare(raw, firsts[c.ID])
		if err != nil {
			return nil, err
		}
		if digest != c.BodyDigest {
			return nil, fmt.Errorf("load %s: capture %d: body reads back as %s, not %s", h.Page, c.ID, digest, c.BodyDigest)
		}
		bodies[i] = b
	}
	return bodies, nil
}

// AlreadyLoaded is the error of LoadPage for a page the store has.
func AlreadyLoaded(page snapshots.PageKey) error {
	return fmt.Errorf("page %s is already in the archive", page)
}

// LoadCaptures stores h's captures in order through insert, which gets
// the i-th capture and returns the store's id of it, then the versions
// through w (see LoadVersions).
func LoadCaptures(w VersionWriter, h PageHistory, insert func(i int, sc StoredCapture) (int64, error)) error {
	ids := map[int64]int64{} // source capture id → the store's
	for i, sc := range h.Captures {
		id, err := insert(i, sc)
		if err != nil {
			return fmt.Errorf("capture %d: %w", sc.ID, err)
		}
		ids[sc.ID] = id
	}
	return LoadVersions(w, h, ids)
}
