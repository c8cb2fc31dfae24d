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
