// Package postgres is relwatch's archive in a PostgreSQL database: the same
// history as the SQLite archive (package archive), for a team that wants one
// shared archive that several machines write and read at once. It is
// selected by a connection string, postgres://user@host/db (see
// docs/postgres.md); every method answers as the SQLite archive's does.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/relwatch/relwatch"
)

// Errors of a connection that cannot be used. Each wraps
// relwatch.ErrUnusable, so that the CLI exits 4 on them as on an unusable
// archive file.
var (
	// ErrUnreachable: no PostgreSQL server answers at the address.
	ErrUnreachable = fmt.Errorf("database server unreachable: %w", relwatch.ErrUnusable)
	// ErrAuth: the server refused the role or its password.
	ErrAuth = fmt.Errorf("database login refused: %w", relwatch.ErrUnusable)
)

// Mode says whether Open may create and write the archive.
type Mode int

const (
	ReadOnly Mode = iota
	ReadWrite
)

// Archive is an open PostgreSQL archive. Its methods are safe for
// concurrent use, also by several processes on several machines.
type Archive struct {
	pool   *pgxpool.Pool
	reads  *firstRun // the pool, for the reads outside a view
	cfg    *pgxpool.Config
	name   string // the connection string without its password, for messages
	secret string // the password, scrubbed from every error message
	mode   Mode
	schema int
	locks  lockSession // the session holding this process's advisory locks
}

// IsDSN reports whether an archive location is a PostgreSQL connection
// string rather than a file path.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns a connection string without its password (in the user
// part or as a password= parameter), for printing.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		// Not a URL we can take apart: show only the scheme.
		if i := strings.Index(dsn, "://"); i >= 0 {
			return dsn[:i+3] + "…"
		}
		return "(connection string)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Path is the connection string without its password: what messages and
// `relwatch check` print to name the archive.
func (a *Archive) Path() string { return a.name }

// Schema is the number of the latest migration applied to the database.
func (a *Archive) Schema() int { return a.schema }

// Open connects to the archive in the database dsn names (the tables in
// its current schema, normally public).
//
// ReadWrite creates the archive's tables in an empty database and applies
// missing migrations, in one transaction under an advisory lock, so that
// two processes starting at once cannot both migrate. ReadOnly never
// creates or changes anything (every transaction is read-only). Both
// refuse, before writing anything, a database that holds another program's
// tables or a schema newer than this relwatch knows.
func Open(ctx context.Context, dsn string, mode Mode) (*Archive, error) {
	a := &Archive{name: Redact(dsn), mode: mode}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the string; say only what is wrong.
		return nil, fail(relwatch.ErrNoArchive, "archive %s: not a valid PostgreSQL connection string", a.name)
	}
	a.secret = cfg.ConnConfig.Password
	a.cfg = cfg
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	rp := cfg.ConnConfig.RuntimeParams
	if rp["application_name"] == "" {
		rp["application_name"] = fmt.Sprintf("relwatch pid=%d", os.Getpid())
	}
	if mode == ReadOnly {
		rp["default_transaction_read_only"] = "on"
	}
	// Timeline rebuilds and reparse hold a page's row for their whole
	// transaction; a wait for another machine's is bounded.
	if rp["lock_timeout"] == "" {
		rp["lock_timeout"] = "60s"
	}
	cfg.MaxConns = 8
	early := startEarlyDial(ctx, &cfg.ConnConfig.Config)
	defer early.discard()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, a.connectError(err)
	}
	a.pool = pool
	a.reads = &firstRun{pool: pool}
	// No ping first: the schema check's first query connects, and says
	// why it cannot (prepare).
	if err := a.prepare(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return a, nil
}

// Pool is the archive's connection pool, for a job queue that keeps its
// tables in the same database (package worker).
func (a *Archive) Pool() *pgxpool.Pool { return a.pool }

// Close closes the connections. It never waits for readers elsewhere.
func (a *Archive) Close() error {
	a.locks.close(a)
	a.pool.Close()
	return nil
}

// connectError explains why the server could not be used: unreachable,
// login refused, no such database.
func (a *Archive) connectError(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000": // invalid_password, invalid_authorization_specification
			return a.failf(ErrAuth, "archive %s: the server refused the login: %s (check the role and its password)", a.name, pe.Message)
		case "3D000": // invalid_catalog_name
			return a.failf(relwatch.ErrNoArchive, "archive %s: %s (create it first, e.g. createdb)", a.name, pe.Message)
		case "42501": // insufficient_privilege
			return a.failf(ErrAuth, "archive %s: %s", a.name, pe.Message)
		}
		return a.failf(relwatch.ErrNoArchive, "archive %s: %s", a.name, pe.Message)
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || errors.Is(err, context.DeadlineExceeded) {
		return a.failf(ErrUnreachable, "archive %s: cannot reach the database server: %v", a.name, innermost(err))
	}
	return a.failf(ErrUnreachable, "archive %s: %v", a.name, err)
}

// innermost is the error at the bottom of a chain ("connection refused"),
// without pgx's summary of the connection parameters.
func innermost(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// failf is fail with the password scrubbed from the message, whatever put
// it there.
func (a *Archive) failf(kind error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if a.secret != "" {
		msg = strings.ReplaceAll(msg, a.secret, "xxxxx")
	}
	return fail(kind, "%s", msg)
}

// wrap turns a database error met while doing something into a message
// that names the archive. Lost connections are ErrUnreachable.
func (a *Archive) wrap(doing string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, relwatch.ErrUnusable) || errors.Is(err, relwatch.ErrNotFound) {
		return err
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.SafeToRetry(err) {
		return a.connectError(err)
	}
	err = fmt.Errorf("%s: %w", doing, err)
	if a.secret != "" && strings.Contains(err.Error(), a.secret) {
		return errors.New(strings.ReplaceAll(err.Error(), a.secret, "xxxxx"))
	}
	return err
}

// fail is relwatch.Fail: an error of one of the archive's kinds with its
// own message.
var fail = relwatch.Fail

// querier is what reads need: a transaction, or the pool.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// readTx runs fn in one read-only REPEATABLE READ transaction: every query
// in it sees the same snapshot, as a SQLite read transaction does.
func (a *Archive) readTx(ctx context.Context, doing string, fn func(tx pgx.Tx) error) error {
	tx, err := a.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return a.wrap(doing, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return a.wrap(doing, err)
	}
	return nil
}

// write runs fn in one READ COMMITTED transaction. Writes to one page
// serialise on the page's row, which every write locks first (lockPage).
func (a *Archive) write(ctx context.Context, doing string, fn func(tx pgx.Tx) error) error {
	if a.mode != ReadWrite {
		return fmt.Errorf("%s: archive %s is open read-only", doing, a.name)
	}
	tx, err := a.pool.Begin(ctx)
	if err != nil {
		return a.wrap(doing, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return a.wrap(doing, err)
	}
	crashPoint(doing, "before-commit")
	if err := tx.Commit(ctx); err != nil {
		return a.wrap(doing, err)
	}
	crashPoint(doing, "after-commit")
	return nil
}

// eachRow runs a query and calls scan for every row.
func eachRow(ctx context.Context, q querier, sql string, scan func(pgx.Rows) error, args ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
