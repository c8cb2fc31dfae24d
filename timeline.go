package relwatch

import (
	"context"

	"github.com/relwatch/relwatch/snapshots"
)

// TimelineSummary is what a page's timeline says of its whole history,
// however many versions it has.
type TimelineSummary struct {
	Versions int // how many the page has
	// ChangesPerYear counts the versions after the first, parser-only
	// changes left out, by the year (UTC) relwatch first saw them.
	ChangesPerYear map[int]int
	// Repeats lists, for each content hash found in several versions (the
	// page came back to earlier content), those versions, oldest first.
	Repeats map[string][]int
}

// TimelineReader is what a store may offer besides History, for a page
// with thousands of versions shown a hundred at a time: some of its
// versions, and a summary of all of them. Front ends use it when the
// store has it (a type assertion) and read Versions otherwise.
type TimelineReader interface {
	// VersionRange is Versions from version from to version to, inclusive.
	VersionRange(ctx context.Context, page snapshots.PageKey, from, to int) ([]VersionInfo, error)
	TimelineSummary(ctx context.Context, page snapshots.PageKey) (TimelineSummary, error)
}

// SummarizeVersions is the TimelineSummary of a page's versions, for a
// store that reads them all anyway.
func SummarizeVersions(versions []VersionInfo) TimelineSummary {
	sum := TimelineSummary{Versions: len(versions), ChangesPerYear: map[int]int{}, Repeats: RepeatedContents(versions)}
	for _, v := range versions {
		if v.Version > 1 && !v.ParserChange {
			sum.ChangesPerYear[v.FirstSeen.UTC().Year()]++
		}
	}
	return sum
}

// RepeatedContents is TimelineSummary.Repeats of versions: for each
// content hash found in several of them, those versions in their order.
func RepeatedContents(versions []VersionInfo) map[string][]int {
	repeats := map[string][]int{}
	// The first version of each content, sized at once; a list only for a
	// content seen again (most are seen once: a list each was most of the
	// cost on a page of thousands of versions).
	first := make(map[string]int, len(versions))
	for _, v := range versions {
		f, seen := first[v.ContentHash]
		switch {
		case !seen:
			first[v.ContentHash] = v.Version
		case repeats[v.ContentHash] == nil:
			repeats[v.ContentHash] = []int{f, v.Version}
		default:
			repeats[v.ContentHash] = append(repeats[v.ContentHash], v.Version)
		}
	}
	return repeats
}
