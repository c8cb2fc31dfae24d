package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

// twoOpenings opens one test archive twice, read-write, as two processes
// would.
func twoOpenings(t *testing.T) (*Archive, *Archive) {
	dsn := TestDSN(t)
	var as [2]*Archive
	for i := range as {
		a, err := Open(context.Background(), dsn, ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		as[i] = a
	}
	return as[0], as[1]
}

// TestClaimsShareOneSession: a run holds the claims of more hosts than
// the pool has connections (they share one session), a claim is exclusive
// within the process as well as between processes, and a released claim
// can be taken by another run.
func TestClaimsShareOneSession(t *testing.T) {
	ctx := context.Background()
	run, other := twoOpenings(t)

	hosts := 3 * int(run.cfg.MaxConns)
	releases := make([]func() error, hosts)
	for i := range hosts {
		release, err := run.ClaimHost(ctx, fmt.Sprintf("host-%d.example:80", i))
		if err != nil {
			t.Fatalf("claim %d of %d: %v", i+1, hosts, err)
		}
		releases[i] = release
	}
	// The pool still serves reads and the writer lock.
	if _, err := run.Pages(ctx); err != nil {
		t.Fatalf("read while holding %d claims: %v", hosts, err)
	}
	unlock, err := run.Lock(ctx, 0)
	if err != nil {
		t.Fatalf("writer lock while holding %d claims: %v", hosts, err)
	}
	if _, err := other.Lock(ctx, 0); err == nil {
		t.Error("another run took the writer lock that this one holds")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}

	for _, a := range []*Archive{run, other} {
		if _, err := a.ClaimHost(ctx, "host-0.example:80"); !errors.Is(err, relwatch.ErrClaimed) {
			t.Errorf("a second claim of a held host: %v, want ErrClaimed", err)
		}
	}
	for i, release := range releases {
		if err := release(); err != nil {
			t.Fatalf("release %d: %v", i, err)
		}
	}
	release, err := other.ClaimHost(ctx, "host-0.example:80")
	if err != nil {
		t.Fatalf("claim a released host: %v", err)
	}
	if _, err := run.ClaimHost(ctx, "host-0.example:80"); !errors.Is(err, relwatch.ErrClaimed) {
		t.Errorf("claim of a host another run holds: %v, want ErrClaimed", err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if run.locks.conn != nil || other.locks.conn != nil {
		t.Error("a session without locks keeps its connection")
	}
}

// TestJoinRunCountsTheOthers: each run in progress counts the other
// processes' runs, not its own process's, and a run that leaves is no
// longer counted.
func TestJoinRunCountsTheOthers(t *testing.T) {
	ctx := context.Background()
	join := func(a *Archive) (func(context.Context) (int, error), func() error) {
		others, leave, err := a.JoinRun(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return others, leave
	}
	count := func(others func(context.Context) (int, error), want int) {
		t.Helper()
		if n, err := others(ctx); err != nil || n != want {
			t.Errorf("others = %d, %v; want %d", n, err, want)
		}
	}
	one, two := twoOpenings(t)
	othersOne, leaveOne := join(one)
	count(othersOne, 0)
	_, leaveJob := join(one) // a second run of the same process
	count(othersOne, 0)
	othersTwo, leaveTwo := join(two)
	count(othersOne, 1)
	count(othersTwo, 1)
	if err := leaveJob(); err != nil {
		t.Fatal(err)
	}
	count(othersTwo, 1)
	if err := leaveOne(); err != nil {
		t.Fatal(err)
	}
	count(othersTwo, 0)
	if err := leaveTwo(); err != nil {
		t.Fatal(err)
	}
	if one.locks.conn != nil || two.locks.conn != nil {
		t.Error("a session without runs keeps its connection")
	}
}

// TestLockAfterALostSession: when the server ends the session that holds
// a run's claims, they are gone; once the run has seen that, the host can
// be claimed again, and the release of the lost claim does not give up
// the new one.
func TestLockAfterALostSession(t *testing.T) {
	ctx := context.Background()
	run, other := twoOpenings(t)
	releaseLost, err := run.ClaimHost(ctx, "a.example:80")
	if err != nil {
		t.Fatal(err)
	}
	pid := run.locks.conn.Conn().PgConn().PID()
	if _, err := other.pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	for gone := false; !gone; {
		if err := other.pool.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)`, pid).Scan(&gone); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := run.ClaimHost(ctx, "b.example:80"); err == nil {
		t.Fatal("a claim in the lost session succeeded")
	}
	release, err := run.ClaimHost(ctx, "a.example:80")
	if err != nil {
		t.Fatalf("claim after the session was lost: %v", err)
	}
	if err := releaseLost(); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ClaimHost(ctx, "a.example:80"); !errors.Is(err, relwatch.ErrClaimed) {
		t.Errorf("after the lost claim's release, another run claims the host: %v; want ErrClaimed", err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
}

// TestCloseWithLocksHeld: closing an archive whose locks are still held
// ends them and does not wait for their release.
func TestCloseWithLocksHeld(t *testing.T) {
	ctx := context.Background()
	run, other := twoOpenings(t)
	if _, err := run.ClaimHost(ctx, "a.example:80"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run.JoinRun(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- run.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close waits for the locks' release")
	}
	// The server ends the session's locks once its backend has seen the
	// connection close.
	deadline := time.Now().Add(10 * time.Second)
	for {
		release, err := other.ClaimHost(ctx, "a.example:80")
		if err == nil {
			release()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("claim after the holder closed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
