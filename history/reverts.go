package history

import (
	"context"
	"fmt"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Reverts finds the versions that brought a page back to earlier content:
// for each such version, the newest earlier version with the same content
// hash. "The page came back to version N." marks are oldest first.
func Reverts(marks []relwatch.VersionMark) map[int]int {
	out := map[int]int{}
	last := make(map[string]int, len(marks)) // content hash → newest version seen so far
	for _, m := range marks {
		if n, ok := last[m.ContentHash]; ok {
			out[m.Version] = n
		}
		last[m.ContentHash] = m.Version
	}
	return out
}

// ChangesPerYear counts a page's changes by the year relwatch first saw
// them: every version after the first, parser-only changes left out.
func ChangesPerYear(marks []relwatch.VersionMark) map[int]int {
	out := map[int]int{}
	for _, m := range marks {
		if m.Version > 1 && !m.ParserChange {
			out[m.FirstSeen.UTC().Year()]++
		}
	}
	return out
}

// Timeline is one stretch of a page's timeline, with what its whole
// history says about it.
type Timeline struct {
	Total    int                    // versions of the page
	Versions []relwatch.VersionInfo // the stretch, oldest first
	Marks    []relwatch.VersionMark // every version, oldest first
	Reverts  map[int]int            // version → the earlier version whose content it has
}

// ReadTimeline reads the n versions of a page before version before (0:
// the newest n), and the marks of all of them. A store that is a
// relwatch.TimelineReader reads only those n in full; another store's
// versions are read whole.
func ReadTimeline(ctx context.Context, h relwatch.History, page snapshots.PageKey, before, n int) (Timeline, error) {
	var t Timeline
	var all []relwatch.VersionInfo
	tr, ok := h.(relwatch.TimelineReader)
	if ok {
		var err error
		if t.Marks, err = tr.VersionMarks(ctx, page); err != nil {
			return t, err
		}
	} else {
		var err error
		if all, err = h.Versions(ctx, page); err != nil {
			return t, err
		}
		for _, v := range all {
			t.Marks = append(t.Marks, relwatch.VersionMark{Version: v.Version, ContentHash: v.ContentHash, FirstSeen: v.FirstSeen, ParserChange: v.ParserChange})
		}
	}
	t.Total = len(t.Marks)
	t.Reverts = Reverts(t.Marks)
	to := t.Total
	if before > 0 {
		to = min(before-1, t.Total)
	}
	from := max(1, to-n+1)
	if to < from {
		return t, nil
	}
	if !ok {
		t.Versions = all[from-1 : to]
		return t, nil
	}
	var err error
	if t.Versions, err = tr.VersionRange(ctx, page, from, to); err != nil {
		return t, fmt.Errorf("%s: versions %d to %d: %w", page, from, to, err)
	}
	return t, nil
}
