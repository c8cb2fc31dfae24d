package history

import (
	"context"
	"fmt"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Reverts finds the versions that brought a page back to earlier content:
// for each such version, the newest earlier version with the same content
// hash. "The page came back to version N." repeats is a summary's.
func Reverts(repeats map[string][]int) map[int]int {
	out := map[int]int{}
	for _, vs := range repeats {
		for i := 1; i < len(vs); i++ {
			out[vs[i]] = vs[i-1]
		}
	}
	return out
}

// Timeline is one stretch of a page's timeline, with what its whole
// history says about it.
type Timeline struct {
	relwatch.TimelineSummary
	Versions []relwatch.VersionInfo // the stretch, oldest first
	// Before is the version just before the stretch, for the link to the
	// change into its first version; nil at version 1.
	Before  *relwatch.VersionInfo
	Reverts map[int]int // version → the earlier version whose content it has
}

// ReadTimeline reads the n versions of a page before version before (0:
// the newest n), and a summary of all of them. A store that is a
// relwatch.TimelineReader reads only those versions; another store's are
// read whole.
func ReadTimeline(ctx context.Context, h relwatch.History, page snapshots.PageKey, before, n int) (Timeline, error) {
	var t Timeline
	tr, ranged := h.(relwatch.TimelineReader)
	var all []relwatch.VersionInfo
	var err error
	if ranged {
		t.TimelineSummary, err = tr.TimelineSummary(ctx, page)
	} else if all, err = h.Versions(ctx, page); err == nil {
		t.TimelineSummary = relwatch.SummarizeVersions(all)
	}
	if err != nil {
		return t, err
	}
	t.Reverts = Reverts(t.Repeats)
	to := t.TimelineSummary.Versions
	if before > 0 {
		to = min(before-1, to)
	}
	from := max(1, to-n+1)
	if to < from {
		return t, nil
	}
	// One more below the stretch, for its first change's link.
	var rows []relwatch.VersionInfo
	if ranged {
		if rows, err = tr.VersionRange(ctx, page, max(1, from-1), to); err != nil {
			return t, fmt.Errorf("%s: versions %d to %d: %w", page, from, to, err)
		}
	} else {
		rows = all[max(1, from-1)-1 : to]
	}
	if from > 1 && len(rows) > 0 {
		t.Before, rows = &rows[0], rows[1:]
	}
	t.Versions = rows
	return t, nil
}
