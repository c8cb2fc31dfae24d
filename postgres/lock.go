package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Advisory lock keys: relwatch's locks use the two-key form with this
// first key ("rw" + 1), so that they cannot collide with another
// program's single-key locks on the same database.
const lockSpace = 0x72770001

// writerKey is the second key of the whole-archive writer lock; a host's
// claim uses hashtext of the host, which may be any other integer.
const writerKey = 0

// Lock takes the whole-archive writer lock, as the SQLite archive's Lock
// does for a file: a session advisory lock held until unlock is called, or
// until the process dies and the server drops the connection. It waits up
// to wait, then returns a *relwatch.LockedError naming the holder's pid
// (from its application_name) and since when it holds its locks.
// Concurrent scrapes on PostgreSQL do not need it: they claim hosts
// (ClaimHost).
func (a *Archive) Lock(ctx context.Context, wait time.Duration) (unlock func() error, err error) {
	if a.mode != ReadWrite {
		return nil, fmt.Errorf("lock archive %s: open read-only", a.name)
	}
	ok, gen, err := a.tryLock(ctx, writerKey, wait)
	if err != nil {
		return nil, fmt.Errorf("lock archive %s: %w", a.name, err)
	}
	if !ok {
		return nil, a.holder(ctx, writerKey)
	}
	return func() error { return a.locks.release(a, writerKey, gen) }, nil
}

// runKey is the second key of the shared advisory lock every run in
// progress holds (JoinRun); it is in a lock space of its own, so that no
// host's claim can have its key.
const (
	runSpace = lockSpace + 1
	runKey   = 0
)

// JoinRun counts this run among the runs in progress: a shared advisory
// lock, held by the process's lock session until leave.
func (a *Archive) JoinRun(ctx context.Context) (others func(context.Context) (int, error), leave func() error, err error) {
	gen, err := a.locks.join(ctx, a)
	if err != nil {
		return nil, nil, fmt.Errorf("join the runs on archive %s: %w", a.name, err)
	}
	return a.locks.others, func() error { return a.locks.leave(a, gen) }, nil
}

// lockSession is the database session that holds an Archive's advisory
// locks: one connection of the pool, taken with the first lock and given
// back with the last, so that a run claiming every host of a long watch
// list needs one connection for its claims, not one a host (the pool has
// eight). Its application_name says who holds them. A lock is exclusive
// within the process too: held says which keys are taken, since the
// server would grant a session the same lock twice. A lost session loses
// its locks; gen numbers the sessions, so that the release of a lock the
// last one held cannot give up one taken since.
type lockSession struct {
	mu   sync.Mutex
	conn *pgxpool.Conn
	gen  uint64
	held map[int32]bool
	runs int // the process's runs in progress (JoinRun), one shared lock each
}

// acquire makes sure the session has its connection; s.mu is held.
func (s *lockSession) acquire(ctx context.Context, a *Archive) error {
	if s.conn != nil {
		return nil
	}
	c, err := a.pool.Acquire(ctx)
	if err != nil {
		return a.wrap("lock", err)
	}
	name := fmt.Sprintf("relwatch pid=%d since=%s", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	if _, err := c.Exec(ctx, `SELECT set_config('application_name', $1, false)`, name); err != nil {
		c.Release()
		return a.wrap("lock", err)
	}
	s.conn, s.held = c, map[int32]bool{}
	s.gen++
	return nil
}

// idle reports whether the session holds nothing; s.mu is held.
func (s *lockSession) idle() bool { return len(s.held) == 0 && s.runs == 0 }

// join takes one more shared run lock.
func (s *lockSession) join(ctx context.Context, a *Archive) (gen uint64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.acquire(ctx, a); err != nil {
		return 0, err
	}
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := s.conn.Exec(qctx, `SELECT pg_advisory_lock_shared($1, $2)`, int32(runSpace), int32(runKey)); err != nil {
		s.giveBack(a, true)
		return 0, a.wrap("lock", err)
	}
	s.runs++
	return s.gen, nil
}

// leave gives one shared run lock up.
func (s *lockSession) leave(a *Archive, gen uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil || s.gen != gen || s.runs == 0 {
		return nil // the session was lost, and the lock with it
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.conn.Exec(ctx, `SELECT pg_advisory_unlock_shared($1, $2)`, int32(runSpace), int32(runKey)); err != nil {
		s.giveBack(a, true)
		return a.wrap("unlock", err)
	}
	s.runs--
	if s.idle() {
		s.giveBack(a, false)
	}
	return nil
}

// others counts the processes other than this one with a run in progress.
func (s *lockSession) others(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return 0, errors.New("count the runs in progress: this run is not among them (its session with the server was lost)")
	}
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var n int
	err := s.conn.QueryRow(qctx, `SELECT count(DISTINCT pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2
		  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND pid <> pg_backend_pid()`, int64(runSpace), int64(runKey)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the runs in progress: %w", err)
	}
	return n, nil
}

// tryLock takes the advisory lock (lockSpace, key), retrying until wait
// has passed.
func (a *Archive) tryLock(ctx context.Context, key int32, wait time.Duration) (ok bool, gen uint64, err error) {
	deadline := time.Now().Add(wait)
	for {
		ok, gen, err := a.locks.try(ctx, a, key)
		if err != nil || ok {
			return ok, gen, err
		}
		if !time.Now().Before(deadline) {
			return false, 0, nil
		}
		select {
		case <-ctx.Done():
			return false, 0, ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// try takes the lock if it is free, without waiting, and says in which
// session.
func (s *lockSession) try(ctx context.Context, a *Archive, key int32) (bool, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[key] {
		return false, 0, nil
	}
	if err := s.acquire(ctx, a); err != nil {
		return false, 0, err
	}
	// The caller's cancellation does not reach the query: pgx closes a
	// connection whose query is cancelled, and this one holds the other
	// goroutines' locks as well.
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var ok bool
	err := s.conn.QueryRow(qctx, `SELECT pg_try_advisory_lock($1, $2)`, int32(lockSpace), key).Scan(&ok)
	if ok {
		s.held[key] = true
	}
	gen := s.gen
	if err != nil || s.idle() {
		s.giveBack(a, err != nil)
	}
	return ok, gen, a.wrap("lock", err)
}

// release gives the lock up, and the connection back with the last lock.
func (s *lockSession) release(a *Archive, key int32, gen uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil || s.gen != gen || !s.held[key] {
		return nil // the session was lost, and the lock with it
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var ok bool
	if err := s.conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1, $2)`, int32(lockSpace), key).Scan(&ok); err != nil {
		// The locks die with the session: close it, rather than hand a
		// connection that may still hold them back to the pool.
		s.giveBack(a, true)
		return a.wrap("unlock", err)
	}
	delete(s.held, key)
	if s.idle() {
		s.giveBack(a, false)
	}
	return nil
}

// giveBack returns the session's connection to the pool, or closes it
// (and so ends every lock it held) when broken.
func (s *lockSession) giveBack(a *Archive, broken bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if broken {
		s.conn.Conn().Close(ctx)
	} else {
		s.conn.Exec(ctx, `SELECT set_config('application_name', $1, false)`, a.cfg.ConnConfig.RuntimeParams["application_name"])
	}
	s.conn.Release()
	s.conn, s.held, s.runs = nil, nil, 0
}

// close ends the session and every lock it holds (Archive.Close): the
// pool would otherwise wait for its connection forever.
func (s *lockSession) close(a *Archive) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		s.giveBack(a, true)
	}
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

var _ relwatch.Claimer = (*Archive)(nil)

// RoundMark is the archive's latest capture id: captures recorded after
// it were made after the run started.
func (a *Archive) RoundMark(ctx context.Context) (int64, error) {
	var mark int64
	if err := a.pool.QueryRow(ctx, `SELECT coalesce(max(capture_id), 0) FROM captures`).Scan(&mark); err != nil {
		return 0, a.wrap("read the latest capture", err)
	}
	return mark, nil
}

// CheckedSince reports whether the page has a live capture after mark.
func (a *Archive) CheckedSince(ctx context.Context, page snapshots.PageKey, mark int64) (bool, error) {
	var yes bool
	err := a.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM captures c JOIN pages p ON p.page_pk = c.page_pk
		WHERE p.id = $1 AND p.lang = $2 AND c.source = 'live' AND c.capture_id > $3)`, page.ID, page.Lang, mark).Scan(&yes)
	if err != nil {
		return false, a.wrap("read the captures of "+page.String(), err)
	}
	return yes, nil
}

// ClaimHost claims a host for this run: an advisory lock keyed by the
// host, held on a connection of its own until release, or until the
// process dies and the server drops the connection. It does not wait.
func (a *Archive) ClaimHost(ctx context.Context, host string) (release func() error, err error) {
	if a.mode != ReadWrite {
		return nil, fmt.Errorf("claim host %s: archive %s is open read-only", host, a.name)
	}
	key, err := a.claimKey(ctx, "host "+host)
	if err != nil {
		return nil, err
	}
	ok, gen, err := a.tryLock(ctx, key, 0)
	if err != nil {
		return nil, fmt.Errorf("claim host %s: %w", host, err)
	}
	if !ok {
		if h := a.holder(ctx, key); h.PID != 0 {
			return nil, fmt.Errorf("host %s is being checked by pid %d since %s: %w", host, h.PID, h.Since.Format(time.RFC3339), relwatch.ErrClaimed)
		}
		return nil, fmt.Errorf("host %s is being checked by another run: %w", host, relwatch.ErrClaimed)
	}
	return func() error { return a.locks.release(a, key, gen) }, nil
}

// claimKey is the second advisory lock key of a claim: a hash of what is
// claimed that is never writerKey.
func (a *Archive) claimKey(ctx context.Context, what string) (int32, error) {
	var k int32
	if err := a.pool.QueryRow(ctx, `SELECT hashtext($1)`, what).Scan(&k); err != nil {
		return 0, a.wrap("claim "+what, err)
	}
	if k == writerKey {
		k = 1
	}
	return k, nil
}
