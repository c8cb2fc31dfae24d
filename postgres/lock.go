package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Advisory lock keys: relwatch's locks use the two-key form with this
// first key ("rw" + 1), so that they cannot collide with another
// program's single-key locks on the same database.
const lockSpace = 0x72770001

// writerKey is the second key of the whole-archive writer lock; a page's
// claim uses hashtext of the page key, which may be any other integer.
const writerKey = 0

// Lock takes the whole-archive writer lock, as the SQLite archive's Lock
// does for a file: a session advisory lock held on a connection of its own
// until unlock is called, or until the process dies and the server drops
// the connection. It waits up to wait, then returns a *relwatch.LockedError
// naming the holder's pid (from its application_name) and since when it
// holds the lock. Concurrent scrapes on PostgreSQL do not need it: they
// claim pages (Claim).
func (a *Archive) Lock(ctx context.Context, wait time.Duration) (unlock func() error, err error) {
	if a.mode != ReadWrite {
		return nil, fmt.Errorf("lock archive %s: open read-only", a.name)
	}
	c, ok, err := a.tryLock(ctx, writerKey, wait)
	if err != nil {
		return nil, fmt.Errorf("lock archive %s: %w", a.name, err)
	}
	if !ok {
		return nil, a.holder(ctx, writerKey)
	}
	return func() error { return a.release(c, writerKey) }, nil
}

// tryLock takes the advisory lock (lockSpace, key) on a connection taken
// from the pool for as long as the lock is held, retrying until wait has
// passed. The connection's application_name says who holds it.
func (a *Archive) tryLock(ctx context.Context, key int32, wait time.Duration) (*pgxpool.Conn, bool, error) {
	c, err := a.pool.Acquire(ctx)
	if err != nil {
		return nil, false, a.wrap("lock", err)
	}
	name := fmt.Sprintf("relwatch pid=%d since=%s", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	if _, err := c.Exec(ctx, `SELECT set_config('application_name', $1, false)`, name); err != nil {
		c.Release()
		return nil, false, a.wrap("lock", err)
	}
	deadline := time.Now().Add(wait)
	for {
		var ok bool
		if err := c.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, int32(lockSpace), key).Scan(&ok); err != nil {
			c.Release()
			return nil, false, a.wrap("lock", err)
		}
		if ok {
			return c, true, nil
		}
		if !time.Now().Before(deadline) {
			c.Release()
			return nil, false, nil
		}
		select {
		case <-ctx.Done():
			c.Release()
			return nil, false, ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// release gives the lock up and the connection back.
func (a *Archive) release(c *pgxpool.Conn, key int32) error {
	defer c.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var ok bool
	if err := c.QueryRow(ctx, `SELECT pg_advisory_unlock($1, $2)`, int32(lockSpace), key).Scan(&ok); err != nil {
		// The lock dies with the connection: close it rather than hand a
		// connection that may still hold it back to the pool.
		c.Conn().Close(ctx)
		return a.wrap("unlock", err)
	}
	c.Exec(ctx, `SELECT set_config('application_name', $1, false)`, a.cfg.ConnConfig.RuntimeParams["application_name"])
	return nil
}

// holder says who holds the lock (lockSpace, key).
func (a *Archive) holder(ctx context.Context, key int32) *relwatch.LockedError {
	le := &relwatch.LockedError{Path: a.name}
	var app string
	err := a.pool.QueryRow(ctx, `SELECT coalesce(s.application_name, '') FROM pg_locks l
		JOIN pg_stat_activity s ON s.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 2
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		LIMIT 1`, int64(lockSpace), int64(uint32(key))).Scan(&app)
	if err != nil {
		return le
	}
	for _, f := range strings.Fields(app) {
		if v, ok := strings.CutPrefix(f, "pid="); ok {
			le.PID, _ = strconv.Atoi(v)
		}
		if v, ok := strings.CutPrefix(f, "since="); ok {
			le.Since, _ = time.Parse(time.RFC3339, v)
		}
	}
	return le
}

// ErrClaimed is returned by Claim when another process is checking the
// page.
var ErrClaimed = errors.New("page claimed by another process")

// Claim takes a claim on one page for the length of its check: an
// advisory lock keyed by the page, held on a connection of its own, so
// that several scrapes of one archive check each page once between them.
// It does not wait: a page another process holds gives ErrClaimed, wrapped
// with who holds it. release gives the claim up; a process that dies loses
// its claims with its connections.
func (a *Archive) Claim(ctx context.Context, page snapshots.PageKey) (release func() error, err error) {
	if a.mode != ReadWrite {
		return nil, fmt.Errorf("claim page %s: archive %s is open read-only", page, a.name)
	}
	key, err := a.pageKey(ctx, page)
	if err != nil {
		return nil, err
	}
	c, ok, err := a.tryLock(ctx, key, 0)
	if err != nil {
		return nil, fmt.Errorf("claim page %s: %w", page, err)
	}
	if !ok {
		h := a.holder(ctx, key)
		if h.PID != 0 {
			return nil, fmt.Errorf("page %s is being checked by pid %d: %w", page, h.PID, ErrClaimed)
		}
		return nil, fmt.Errorf("page %s is being checked by another process: %w", page, ErrClaimed)
	}
	return func() error { return a.release(c, key) }, nil
}

// pageKey is the second advisory lock key of a page's claim: a hash of
// its key that is never writerKey.
func (a *Archive) pageKey(ctx context.Context, page snapshots.PageKey) (int32, error) {
	var k int32
	if err := a.pool.QueryRow(ctx, `SELECT hashtext($1)`, "page "+page.String()).Scan(&k); err != nil {
		return 0, a.wrap("claim page "+page.String(), err)
	}
	if k == writerKey {
		k = 1
	}
	return k, nil
}
