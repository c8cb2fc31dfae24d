package relwatch

import (
	"context"
	"errors"

	"github.com/relwatch/relwatch/snapshots"
)

// ErrClaimed means another run holds the claim: it is checking that host
// now.
var ErrClaimed = errors.New("claimed by another run")

// KindClaimed is the error kind of a page a run skipped because another
// run checks it.
const KindClaimed = "claimed"

// Claimer is a store that several scrapes may write at once (PostgreSQL):
// instead of the whole-archive writer lock, each run claims the hosts it
// checks, one run per host at a time, so that between them every page is
// checked once and no host gets two requests at once.
type Claimer interface {
	// RoundMark marks the start of a run in the archive's order of
	// captures, for CheckedSince.
	RoundMark(ctx context.Context) (int64, error)
	// ClaimHost claims a host ("host:port") for this run. It does not
	// wait: a host another run holds gives an error wrapping ErrClaimed
	// that says who holds it. A run that dies loses its claims.
	ClaimHost(ctx context.Context, host string) (release func() error, err error)
	// CheckedSince reports whether the page has a live capture recorded
	// after mark (by another run: this one has not checked it yet).
	CheckedSince(ctx context.Context, page snapshots.PageKey, mark int64) (bool, error)
	// JoinRun counts the caller among the runs in progress on the archive
	// (scrapes, worker jobs) until leave is called or its process dies.
	// Others then says how many other runs are in progress: a change left
	// unreported in the outbox may be one of theirs, still to be reported
	// by its own run, rather than a dead run's.
	JoinRun(ctx context.Context) (others func(context.Context) (int, error), leave func() error, err error)
}
