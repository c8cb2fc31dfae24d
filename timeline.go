package relwatch

import (
	"context"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// VersionMark is what a page's timeline needs of every one of its
// versions, at a fraction of the cost of a VersionInfo: to find reverts
// (a content hash seen before) and to count changes per year.
type VersionMark struct {
	Version      int
	ContentHash  string
	FirstSeen    time.Time
	ParserChange bool // the version exists only because a newer parser read the capture
}

// TimelineReader is what a store may offer besides History, for a page
// with thousands of versions shown a hundred at a time: some of its
// versions, and the marks of all of them. Front ends use it when the store
// has it (a type assertion) and read Versions otherwise.
type TimelineReader interface {
	// VersionRange is Versions from version from to version to, inclusive.
	VersionRange(ctx context.Context, page snapshots.PageKey, from, to int) ([]VersionInfo, error)
	// VersionMarks lists the marks of every version, oldest first.
	VersionMarks(ctx context.Context, page snapshots.PageKey) ([]VersionMark, error)
}
