package relwatch

import (
	"context"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// Reader answers the reads that must fit together: a feed or an export
// reads pages, then each page's versions, snapshots and changes, and they
// must all come from the same moment of the archive. A Reader handed out
// by History.ReadView is such a moment; a History is one too, read by
// read.
//
// Reads of a page or version that is not there return an error wrapping
// ErrNotFound. Version 0 means the latest.
type Reader interface {
	Pages(ctx context.Context) ([]PageStatus, error)
	Versions(ctx context.Context, page snapshots.PageKey) ([]VersionInfo, error)
	Snapshot(ctx context.Context, page snapshots.PageKey, version int) (snapshots.Snapshot, error)
	// Change is the change into version to, and the start of its window
	// (the last check that still saw the version before).
	Change(ctx context.Context, page snapshots.PageKey, to int) (ChangeRecord, *time.Time, error)
	VersionProvenance(ctx context.Context, page snapshots.PageKey, version int) (Provenance, error)
	// VersionsByHash lists the versions whose content hash starts with
	// prefix ("sha256:…", or its hex alone).
	VersionsByHash(ctx context.Context, page snapshots.PageKey, prefix string) ([]VersionInfo, error)
	// RemovalChecks lists the page's live checks that decide its removals
	// (DecidingChecks: the failed ones, the good ones next to a failed
	// one, the last good one) in the order they were made, with what the
	// removal rule (Removals) reads of each.
	RemovalChecks(ctx context.Context, page snapshots.PageKey) ([]Check, error)
}

// History is the read side of a whole archive.
type History interface {
	Reader
	// ResolvePage completes a page reference: an id alone names the page's
	// only language.
	ResolvePage(ctx context.Context, ref snapshots.PageKey) (snapshots.PageKey, error)
	// SnapshotAt is the version current at t: the last one first seen at
	// or before t.
	SnapshotAt(ctx context.Context, page snapshots.PageKey, t time.Time) (snapshots.Snapshot, error)
	// Search finds text in every version (of one page when page is not
	// nil), accent- and case-insensitively.
	Search(ctx context.Context, query string, page *snapshots.PageKey) ([]Hit, error)
	// ReadView runs fn with a Reader that sees one consistent moment of the
	// archive, whatever is written meanwhile. It never waits for a writer.
	ReadView(ctx context.Context, fn func(Reader) error) error
	// RawBody is a stored raw body, by its digest ("sha256:…").
	RawBody(ctx context.Context, digest string) ([]byte, error)
	// Captures lists every capture of a page in the order recorded.
	Captures(ctx context.Context, page snapshots.PageKey) ([]StoredCapture, error)
}

// SourcedReader is a History that reads a version together with where it
// came from, and looks its page up, in one read: on a server a show is
// then one round trip after connecting, not three (the page, the version,
// its provenance). history.FindPageVersion uses it when the store has it;
// the answers are those of ResolvePage (for a full key), Snapshot or
// SnapshotAt, and VersionProvenance, with the same errors.
type SourcedReader interface {
	// SourcedSnapshot is the version current at at when at is not zero,
	// else version (0: the latest), of page, a full key; source is nil
	// when the archive has no capture of the version (VersionProvenance's
	// ErrNotFound).
	SourcedSnapshot(ctx context.Context, page snapshots.PageKey, version int, at time.Time) (s snapshots.Snapshot, source *Provenance, err error)
}

// VersionStreamer is a History that hands over a page's versions as it
// reads them, oldest first, a batch at a time, instead of all of them at
// the end: a listing of thousands of versions is then written while the
// rest is read, and never held whole (a megabyte, a page fault each 4 KiB).
// The versions are Versions', in one read; history.WriteLog uses it when
// the store has it.
type VersionStreamer interface {
	// EachVersion calls fn with each next batch of the page's versions.
	// The batch is the store's again when fn returns, and fn must not
	// read the store (it may run while the store is still reading). An
	// error of fn ends the read and is returned.
	EachVersion(ctx context.Context, page snapshots.PageKey, fn func([]VersionInfo) error) error
}

// Recorder records checks: the write side that track drives. Every method
// is one transaction: a crash leaves the archive as it was before or as
// it is after.
type Recorder interface {
	// CheckStates reads what a live check of each page needs, for all of
	// a run's pages in one read. A page the archive does not have is not
	// in the map (its state is the zero CheckState): a live check of it
	// then reads nothing more of the page (it has no version).
	CheckStates(ctx context.Context, pages []snapshots.PageKey) (map[snapshots.PageKey]CheckState, error)
	RecordFailure(ctx context.Context, c Capture) error
	RecordUnchanged(ctx context.Context, c Capture, version int) error
	// RecordVersion stores a new version of the page and the change into
	// it (nil for the first), and returns its number. snap must be sealed.
	RecordVersion(ctx context.Context, c Capture, snap snapshots.Snapshot, parserVersion int, change *ChangeRecord) (int, error)
	// RecordGroup records several checks, unchanged ones and new versions,
	// in the order given, in one transaction: what RecordUnchanged or
	// RecordVersion does for each, with one commit (one sync to disk) for
	// all of them. It returns each check's version: the one it saw, or the
	// new one's number. A crash loses the whole group or nothing of it.
	RecordGroup(ctx context.Context, checks []Checked) ([]int, error)
	// RecordInOrder stores a past capture (Wayback, import) at its own time
	// among the page's captures, renumbering later versions.
	RecordInOrder(ctx context.Context, c Capture, snap snapshots.Snapshot, parserVersion int, compare CompareFunc) (Placed, error)
	// PastCaptures lists a page's captures from one source, oldest first.
	PastCaptures(ctx context.Context, page snapshots.PageKey, source string) ([]PastCapture, error)
}

// Store is a whole archive as the CLI opens it.
type Store interface {
	History
	Recorder
	Outbox
	OutboxMover
	// Lock takes the archive's writer lock, waiting up to wait; it fails
	// with a *LockedError when another run holds it.
	Lock(ctx context.Context, wait time.Duration) (unlock func() error, err error)
	// Check verifies the whole archive; problems are not errors.
	Check(ctx context.Context) ([]Problem, error)
	// Reparse rebuilds versions and changes from the stored raw bodies.
	Reparse(ctx context.Context, page *snapshots.PageKey, parse ParseFunc, compare CompareFunc, dryRun bool) (ReparseReport, error)
	// Path names the archive in messages (a file, or a redacted DSN).
	Path() string
	Close() error
}
