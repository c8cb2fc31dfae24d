package archive

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // registers "sqlite"
)

// driverName is SQLite (modernc.org/sqlite) with a cache of prepared
// statements on every connection. The archive runs the same few dozen
// statements over and over, through database/sql's Exec and Query, which
// would otherwise have SQLite parse and plan the SQL text on every call:
// that was 10–20 % of the CPU time of a scrape. Kept per connection, a
// statement lives as long as the connection, that is as long as the
// archive handle; SQLite re-prepares it by itself should the schema
// change under it (a migration).
const driverName = "sqlite-stmtcache"

func init() {
	db, err := sql.Open("sqlite", "") // connects to nothing: we want the registered driver
	if err != nil {
		panic(fmt.Sprintf("archive: no sqlite driver: %v", err))
	}
	sql.Register(driverName, cachingDriver{db.Driver()})
	db.Close()
}

// maxCachedStmts bounds a connection's cache. The archive's statements are
// fixed texts, well below this; a text built with values in it (which the
// archive does not do) would merely stop being cached.
const maxCachedStmts = 256

type cachingDriver struct{ inner driver.Driver }

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.inner.Open(name)
	if err != nil {
		return nil, err
	}
	sc, ok := c.(sqliteConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("sqlite driver connection %T lacks the context interfaces", c)
	}
	return &cachingConn{sqliteConn: sc, stmts: map[string]*cachedStmt{}}, nil
}

// sqliteConn is what modernc.org/sqlite's connection implements and
// database/sql uses.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.SessionResetter
	driver.Validator
	driver.Pinger
}

type preparedStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type cachedStmt struct {
	stmt preparedStmt
	busy bool // its rows are open: a second query of the same text gets a statement of its own
}

// cachingConn is one connection with its statements. database/sql uses a
// connection from one goroutine at a time (rows are closed under the same
// lock), so the map needs no lock of its own.
type cachingConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
}

// cached returns the prepared statement for query, preparing it the first
// time; nil when query is not to be cached (a script of several
// statements, a full cache) or its statement is in use.
func (c *cachingConn) cached(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	if len(c.stmts) >= maxCachedStmts || isScript(query) {
		return nil, nil
	}
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	ps, ok := st.(preparedStmt)
	if !ok {
		st.Close()
		return nil, nil
	}
	cs := &cachedStmt{stmt: ps}
	c.stmts[query] = cs
	return cs, nil
}

// isScript reports whether query holds more than one statement (a
// migration): those are run as they come, not cached.
func isScript(query string) bool {
	return strings.Contains(strings.TrimRight(strings.TrimSpace(query), ";"), ";")
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return cs.stmt.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

func (c *cachingConn) Close() error {
	var first error
	for q, cs := range c.stmts {
		if err := cs.stmt.Close(); err != nil && first == nil {
			first = err
		}
		delete(c.stmts, q)
	}
	if err := c.sqliteConn.Close(); err != nil {
		return err
	}
	return first
}

// cachedRows gives its statement back when closed (the driver resets it
// for the next use).
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	return err
}
