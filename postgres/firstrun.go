package postgres

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// firstRun is the pool as the reads outside a view use it: the first run
// of a statement in this process is sent unprepared (QueryExecModeExec:
// one round trip, the results as text); from its second run on, pgx
// prepares it on the connection and keeps it in its statement cache, as
// for every other statement. A read command runs each of its statements
// once and exits, so preparing them (a round trip more for each, to
// describe it) bought nothing; a long-lived reader (serve) prepares what
// it runs again, from the second time on.
type firstRun struct {
	pool *pgxpool.Pool
	mu   sync.Mutex
	ran  map[string]bool
}

// mode prepends QueryExecModeExec to args on the first run of sql.
func (f *firstRun) mode(sql string, args []any) []any {
	f.mu.Lock()
	first := !f.ran[sql]
	if first {
		if f.ran == nil {
			f.ran = map[string]bool{}
		}
		f.ran[sql] = true
	}
	f.mu.Unlock()
	if !first {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}

func (f *firstRun) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return f.pool.Query(ctx, sql, f.mode(sql, args)...)
}

func (f *firstRun) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return f.pool.QueryRow(ctx, sql, f.mode(sql, args)...)
}

func (f *firstRun) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return f.pool.Exec(ctx, sql, f.mode(sql, args)...)
}
