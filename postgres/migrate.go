package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/relwatch/relwatch"
)

// The migrations are numbered SQL files, applied in order: NNN_name.sql.
// A released file never changes; a new layout is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	number int
	name   string
	sql    string
}

// migrations lists the embedded files in order, and panics on a gap or a
// duplicate in their numbering (TestMigrationsNumbered).
var migrations = loadMigrations()

// SchemaVersion is the layout this relwatch writes: the last migration's
// number.
var SchemaVersion = len(migrations)

func loadMigrations() []migration {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		panic(err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			panic("postgres: migration file " + e.Name() + " is not named NNN_name.sql")
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			panic(err)
		}
		out = append(out, migration{n, e.Name(), string(b)})
	}
	slices.SortFunc(out, func(x, y migration) int { return x.number - y.number })
	for i, m := range out {
		if m.number != i+1 {
			panic(fmt.Sprintf("postgres: migration %s: expected number %d", m.name, i+1))
		}
	}
	return out
}

// migrateLockKey is the advisory lock held while migrating: one for the
// whole database, as CREATE EXTENSION is database-wide.
const migrateLockKey = `hashtext('relwatch migrate')`

// state is what the database holds in its current schema.
type state struct {
	schemaName string   // current_schema(); "" when the search path names no existing schema
	version    int      // relwatch's schema version, 0 when not an archive
	ours       bool     // relwatch_meta exists
	others     []string // tables that are not relwatch's, when !ours
}

func readState(ctx context.Context, q querier) (state, error) {
	var s state
	var schema *string
	if err := q.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return s, err
	}
	if schema == nil {
		return s, nil
	}
	s.schemaName = *schema
	// A scan of pg_tables, not to_regclass: the latter answers from a
	// cache that may not yet know of a migration committed while we
	// waited for the lock.
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'relwatch_meta')`).Scan(&s.ours)
	if err != nil {
		return s, err
	}
	if s.ours {
		var v string
		err := q.QueryRow(ctx, `SELECT value FROM relwatch_meta WHERE key = 'schema'`).Scan(&v)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return s, err
		}
		if s.version, err = strconv.Atoi(v); err != nil && v != "" {
			return s, fmt.Errorf("relwatch_meta has a bad schema version %q", v)
		}
		return s, nil
	}
	err = eachRow(ctx, q, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
		func(r pgx.Rows) error {
			var t string
			err := r.Scan(&t)
			s.others = append(s.others, t)
			return err
		})
	return s, err
}

// check refuses what this relwatch must not touch.
func (a *Archive) check(s state, mode Mode) error {
	switch {
	case s.schemaName == "":
		return a.failf(relwatch.ErrNoArchive, "archive %s: the search_path names no schema that exists", a.name)
	case !s.ours && len(s.others) > 0:
		list := s.others
		if len(list) > 5 {
			list = append(list[:5:5], "…")
		}
		return a.failf(relwatch.ErrNotArchive, "%s is not a relwatch archive (schema %s holds %d tables of another program: %s)",
			a.name, s.schemaName, len(s.others), strings.Join(list, ", "))
	case !s.ours && mode == ReadOnly:
		return a.failf(relwatch.ErrNoArchive, "archive %s is empty (run relwatch scrape to create it)", a.name)
	case s.version > len(migrations):
		return a.failf(relwatch.ErrNewerSchema, "archive %s has schema %d, newer than this relwatch (schema %d): upgrade relwatch",
			a.name, s.version, len(migrations))
	}
	return nil
}

// qArchiveState is what readState finds in a database that holds an
// archive, in one statement (one round trip, and one snapshot without a
// transaction): the current schema, the schema version in its
// relwatch_meta, and whether that relwatch_meta is the current schema's
// (an unqualified name may find one further down the search path). A
// database without relwatch_meta fails it (undefined table); readState
// then says what the database holds instead.
const qArchiveState = `SELECT current_schema(), m.value,
		m.tableoid = to_regclass(format('%I.relwatch_meta', current_schema()))::oid
	FROM relwatch_meta m WHERE m.key = 'schema'`

// archiveState is readState for a database that holds an archive of
// relwatch, in one query; ok is false when it cannot tell (another
// database, an empty one, a damaged relwatch_meta): readState will. It
// connects, and says why it cannot.
func (a *Archive) archiveState(ctx context.Context) (s state, ok bool, err error) {
	var schema, value *string
	var current *bool
	// Run once per open: not prepared first (QueryExecModeExec), one
	// round trip instead of two.
	err = a.pool.QueryRow(ctx, qArchiveState, pgx.QueryExecModeExec).Scan(&schema, &value, &current)
	var pe *pgconn.PgError
	var ce *pgconn.ConnectError
	switch {
	case errors.As(err, &ce) || (err != nil && !errors.As(err, &pe) && !errors.Is(err, pgx.ErrNoRows)):
		return s, false, a.connectError(err) // the server did not answer the query
	case err != nil || schema == nil || value == nil || current == nil || !*current:
		return s, false, nil
	}
	v, convErr := strconv.Atoi(*value)
	if convErr != nil {
		return s, false, nil
	}
	return state{schemaName: *schema, version: v, ours: true}, true, nil
}

// prepare checks what the database holds and, in ReadWrite mode, creates
// or migrates the archive. An archive of the current schema costs one
// query: no transaction, no lock.
func (a *Archive) prepare(ctx context.Context) error {
	s, ok, err := a.archiveState(ctx)
	if err != nil {
		return err
	}
	if !ok {
		// One snapshot for all of readState's queries: a migration that
		// commits between them would otherwise look like another
		// program's tables without relwatch_meta.
		err := pgx.BeginTxFunc(ctx, a.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
			func(tx pgx.Tx) (err error) {
				s, err = readState(ctx, tx)
				return err
			})
		if err != nil {
			return a.wrap("open archive", err)
		}
	}
	if err := a.check(s, a.mode); err != nil {
		return err
	}
	a.schema = s.version
	if a.mode == ReadOnly || s.version == len(migrations) {
		return nil
	}
	a.schema, err = a.migrate(ctx)
	return err
}

// migrate applies the missing migrations in one transaction, holding the
// migration advisory lock, and returns the resulting version. Whoever
// waited for the lock finds the work done.
func (a *Archive) migrate(ctx context.Context) (int, error) {
	tx, err := a.pool.Begin(ctx)
	if err != nil {
		return 0, a.wrap("migrate archive", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(`+migrateLockKey+`)`); err != nil {
		return 0, a.wrap("migrate archive", err)
	}
	s, err := readState(ctx, tx)
	if err != nil {
		return 0, a.wrap("migrate archive", err)
	}
	if err := a.check(s, ReadWrite); err != nil {
		return 0, err
	}
	if s.version == len(migrations) {
		return s.version, tx.Commit(ctx)
	}
	unaccent, err := ensureUnaccent(ctx, tx)
	if err != nil {
		return 0, a.wrap("migrate archive: create extension unaccent", err)
	}
	for _, m := range migrations[s.version:] {
		sql := strings.ReplaceAll(m.sql, "{{unaccent}}", pgx.Identifier{unaccent}.Sanitize())
		if _, err := tx.Exec(ctx, sql); err != nil {
			return 0, a.wrap(fmt.Sprintf("migrate archive to schema %d (%s)", m.number, m.name), err)
		}
	}
	// Schema 3 emptied the search index to give its blocks their kind;
	// an archive that had versions before it gets them indexed again.
	if s.version >= 1 && s.version < 3 {
		if err := reindexAll(ctx, tx); err != nil {
			return 0, a.wrap("migrate archive to schema 3: rebuild the search index", err)
		}
	}
	_, err = tx.Exec(ctx, `INSERT INTO relwatch_meta (key, value) VALUES ('schema', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.Itoa(len(migrations)))
	if err != nil {
		return 0, a.wrap("migrate archive", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, a.wrap("migrate archive", err)
	}
	return len(migrations), nil
}

// ensureUnaccent creates the unaccent extension unless the database has it,
// and returns the schema it is in.
func ensureUnaccent(ctx context.Context, tx pgx.Tx) (string, error) {
	var schema string
	err := tx.QueryRow(ctx, `SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'`).Scan(&schema)
	if err == nil {
		return strings.Trim(schema, `"`), nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return "", err
	}
	if _, err := tx.Exec(ctx, `CREATE EXTENSION unaccent SCHEMA public`); err != nil {
		return "", err
	}
	return "public", nil
}
