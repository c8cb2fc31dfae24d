package archive

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"

	"github.com/relwatch/relwatch"
)

// migration brings the schema from version i to i+1 (migrations[i]). They
// run in order, all in one transaction with the user_version bump, so an
// archive is never left between two schemas.
type migration func(ctx context.Context, tx *sql.Tx) error

var migrations = []migration{
	execMigration(schema1),
	migrateTo2,
	execMigration(schema3),
	execMigration(schema4),
	migrateTo5,
	execMigration(schema6),
	migrateTo7,
	execMigration(schema8),
	execMigration(schema9),
	migrateTo10,
	execMigration(schema11),
}

// SchemaVersion is the schema this relwatch writes.
var SchemaVersion = len(migrations)

// schema8 adds versions.parse_key: the relwatch.Capture.ParseKey of the
// last live capture parsed into the version's content (NULL when none was
// recorded: versions written before schema 8, by backfill, import or
// reparse). A live check whose key matches the latest version's is
// unchanged without a parse.
const schema8 = `ALTER TABLE versions ADD COLUMN parse_key TEXT`

// schema9 indexes the failed live checks of each page, which are all a
// page that never failed has to read for its removals (RemovalChecks): a
// partial index, so a good check (nearly every check) costs no entry.
const schema9 = `CREATE INDEX captures_failed ON captures (page_pk, capture_id) WHERE source = 'live' AND outcome = 'failed'`

// schema10 gives version_facts the column log reads (packed): a
// row's columns as qVersions lists them, joined by packSep (char(31)),
// NULL as "", computed by SQLite whenever the row is written (a stored
// generated column, so it cannot disagree with the columns it joins).
// Joining 18 columns of 5,000 rows as they were read was most of the
// time of log; reading one stored value a row costs a third. The
// expression uses || and ifnull, not concat, so that an older sqlite3
// (3.31 and later) still reads the schema.
var schema10 = `
CREATE TABLE version_facts_10 (
	page_pk        INTEGER NOT NULL,
	version        INTEGER NOT NULL,
	capture_id     INTEGER NOT NULL,
	content_hash   TEXT NOT NULL,
	first_seen     TEXT NOT NULL,
	last_seen      TEXT NOT NULL,
	checks         INTEGER NOT NULL,
	updated_raw    TEXT,
	updated_on     TEXT,
	updated_at     TEXT,
	parser_version INTEGER NOT NULL,
	suspect        TEXT NOT NULL,
	source         TEXT NOT NULL,
	final_url      TEXT NOT NULL,
	original_url   TEXT NOT NULL,
	origin         TEXT NOT NULL,
	summary        TEXT,
	stamp_only     INTEGER,
	parser_change  INTEGER,
	window_start   TEXT,
	packed         TEXT GENERATED ALWAYS AS (` + packedExpr + `) STORED,
	PRIMARY KEY (page_pk, version)
) WITHOUT ROWID;
INSERT INTO version_facts_10 (` + versionFactsCols + `) SELECT ` + versionFactsCols + ` FROM version_facts;
`

// migrateTo10 rebuilds version_facts with its packed column (SQLite adds
// a stored generated column only to a new table). The version_facts
// triggers go while the table is replaced, as renaming a table checks
// every trigger, and come back unchanged.
func migrateTo10(ctx context.Context, tx *sql.Tx) error {
	stmts := []string{schema10}
	for _, name := range append(versionFactsTriggers4, "version_facts_response_update") {
		stmts = append(stmts, "DROP TRIGGER "+name)
	}
	stmts = append(stmts, "DROP TABLE version_facts", "ALTER TABLE version_facts_10 RENAME TO version_facts", schema5Triggers)
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// schema11 makes an unchanged check cheap on version_facts. Every check
// of a version moves its checks and last_seen, and version_facts_update
// then deleted the row and made it again from the version, its first
// capture and response and the change into it; it now fires only when a
// column it copies from versions changes, and version_facts_seen moves
// the two columns in place. version_facts_capture_insert fired for every
// capture that saw a version, to find nothing for all but a version's
// first capture: it now fires only for a capture that found the page new
// or changed (one inserted after its version, by a writer with foreign
// keys off: relwatch always writes the capture first). What the triggers
// keep in version_facts is the same: Check compares it with the join.
var schema11 = `
DROP TRIGGER version_facts_update;
CREATE TRIGGER version_facts_update AFTER UPDATE OF ` + versionFactsCopied + ` ON versions BEGIN
	DELETE FROM version_facts WHERE page_pk = OLD.page_pk AND version = OLD.version;
	INSERT OR REPLACE INTO version_facts (` + versionFactsCols + `)
	` + versionFactsSelect("NEW") + `
	FROM (SELECT 1) ` + versionFactsFrom("NEW") + `;
END;
CREATE TRIGGER version_facts_seen AFTER UPDATE OF checks, last_seen ON versions BEGIN
	UPDATE version_facts SET checks = NEW.checks, last_seen = NEW.last_seen
	WHERE page_pk = NEW.page_pk AND version = NEW.version;
END;
DROP TRIGGER version_facts_capture_insert;
CREATE TRIGGER version_facts_capture_insert AFTER INSERT ON captures
	WHEN NEW.version IS NOT NULL AND NEW.outcome IN ('new', 'changed') BEGIN
	UPDATE version_facts SET suspect = NEW.suspect, source = NEW.source,
		final_url = coalesce((SELECT final_url FROM responses WHERE response_id = NEW.response_id), ''),
		original_url = NEW.original_url, origin = NEW.origin
	WHERE page_pk = NEW.page_pk AND version = NEW.version AND capture_id = NEW.capture_id;
END;
`

// versionFactsCopied are the columns of versions that version_facts
// copies, but for checks and last_seen (version_facts_seen moves those).
const versionFactsCopied = `page_pk, version, capture_id, content_hash, first_seen, updated_raw, updated_on, updated_at, parser_version`

func execMigration(stmt string) migration {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, stmt)
		return err
	}
}

// schema1 is the first released layout. Times are UTC text in a fixed-width
// RFC 3339 form (see timeFormat) so that they sort as text.
const schema1 = `
CREATE TABLE pages (
	page_pk       INTEGER PRIMARY KEY,
	id            TEXT NOT NULL,
	lang          TEXT NOT NULL,
	url           TEXT NOT NULL,
	canonical_url TEXT NOT NULL DEFAULT '',
	UNIQUE (id, lang)
);

CREATE TABLE raw_bodies (
	digest      TEXT PRIMARY KEY,  -- 'sha256:' || hex of the uncompressed body
	size        INTEGER NOT NULL,  -- uncompressed length in bytes
	compression TEXT NOT NULL CHECK (compression IN ('gzip')),
	data        BLOB NOT NULL
);

CREATE TABLE captures (
	capture_id    INTEGER PRIMARY KEY,  -- increases with every attempt; order by it, not by time
	page_pk       INTEGER NOT NULL REFERENCES pages (page_pk),
	source        TEXT NOT NULL,
	started       TEXT NOT NULL,
	finished      TEXT NOT NULL,
	status        INTEGER NOT NULL,
	final_url     TEXT NOT NULL,
	headers       TEXT NOT NULL,        -- JSON object, keys sorted
	content_type  TEXT NOT NULL,
	body_digest   TEXT REFERENCES raw_bodies (digest),
	outcome       TEXT NOT NULL CHECK (outcome IN ('new', 'changed', 'unchanged', 'failed')),
	error_kind    TEXT NOT NULL DEFAULT '',
	error_message TEXT NOT NULL DEFAULT '',
	suspect       TEXT NOT NULL DEFAULT '',
	version       INTEGER               -- the version this capture saw; NULL when failed
);
CREATE INDEX captures_by_page ON captures (page_pk, capture_id);
CREATE INDEX captures_by_body ON captures (body_digest);

CREATE TABLE versions (
	page_pk        INTEGER NOT NULL REFERENCES pages (page_pk),
	version        INTEGER NOT NULL CHECK (version >= 1),
	content_hash   TEXT NOT NULL,
	snapshot       TEXT NOT NULL,  -- canonical snapshot JSON without version, first_seen, last_seen
	parser_version INTEGER NOT NULL,
	capture_id     INTEGER NOT NULL REFERENCES captures (capture_id),
	first_seen     TEXT NOT NULL,
	last_seen      TEXT NOT NULL,
	checks         INTEGER NOT NULL DEFAULT 1,
	updated_raw    TEXT,
	updated_on     TEXT,
	updated_at     TEXT,
	PRIMARY KEY (page_pk, version)
);
CREATE INDEX versions_by_first_seen ON versions (page_pk, first_seen);

CREATE TABLE changes (
	page_pk       INTEGER NOT NULL,
	from_version  INTEGER NOT NULL,
	to_version    INTEGER NOT NULL,
	diff          TEXT NOT NULL,   -- the diff package's JSON
	summary       TEXT NOT NULL,   -- JSON object of counts
	stamp_only    INTEGER NOT NULL,
	parser_change INTEGER NOT NULL DEFAULT 0,
	observed      TEXT NOT NULL,   -- first capture of to_version
	window_start  TEXT,            -- last capture that still saw from_version
	stamp_before  TEXT,
	stamp_after   TEXT,
	PRIMARY KEY (page_pk, to_version),
	FOREIGN KEY (page_pk, from_version) REFERENCES versions (page_pk, version),
	FOREIGN KEY (page_pk, to_version) REFERENCES versions (page_pk, version)
);
`

// schema2 adds the full-text index (and replaces an index of schema 1). A block is one distinct (page, section
// path, text); block_versions says which versions it appears in, so a hit
// can say when a sentence appeared and when it vanished.
const schema2 = `
-- SnapshotAt orders by first_seen with version as the tie-breaker: one
-- index walk, no sort.
DROP INDEX versions_by_first_seen;
CREATE INDEX versions_by_first_seen2 ON versions (page_pk, first_seen, version);

CREATE TABLE text_blocks (
	block_id INTEGER PRIMARY KEY,
	page_pk  INTEGER NOT NULL REFERENCES pages (page_pk),
	path     TEXT NOT NULL,  -- JSON array of headings
	text     TEXT NOT NULL,
	UNIQUE (page_pk, path, text)
);
-- The key columns come first: sqlite3 3.40's integrity_check wrongly
-- reports NULLs in a WITHOUT ROWID table whose key columns do not lead.
CREATE TABLE block_versions (
	block_id INTEGER NOT NULL REFERENCES text_blocks (block_id),
	version  INTEGER NOT NULL,
	page_pk  INTEGER NOT NULL,
	PRIMARY KEY (block_id, version),
	FOREIGN KEY (page_pk, version) REFERENCES versions (page_pk, version)
) WITHOUT ROWID;
CREATE INDEX block_versions_by_version ON block_versions (page_pk, version);
-- rowid = text_blocks.block_id. remove_diacritics 2 makes "securite" match
-- "sécurité".
CREATE VIRTUAL TABLE text_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
`

// schema3 records where each capture came from beyond the live site: the
// Wayback Machine (source 'wayback') or a saved file (source 'import').
// Old rows are live captures and keep the defaults.
const schema3 = `
ALTER TABLE captures ADD COLUMN canonical_url TEXT NOT NULL DEFAULT '';   -- final_url without session ids
ALTER TABLE captures ADD COLUMN original_url TEXT NOT NULL DEFAULT '';    -- the URL as captured (Wayback's "original")
ALTER TABLE captures ADD COLUMN original_digest TEXT NOT NULL DEFAULT ''; -- Wayback's digest of the capture
ALTER TABLE captures ADD COLUMN origin TEXT NOT NULL DEFAULT '';          -- where the bytes were read: a replay URL, a file
ALTER TABLE captures ADD COLUMN retrieved TEXT;                           -- when relwatch read them; NULL for live captures
`

// versionFactsSelect4 computes a version_facts row from a versions row (V):
// its first capture (c) and the change into it (ch), as schema 4 stored
// captures. Shared by that migration and its triggers; schema 5 has its
// own (versionFactsSelect).
const versionFactsCols = `page_pk, version, capture_id, content_hash, first_seen, last_seen, checks,
	updated_raw, updated_on, updated_at, parser_version, suspect, source, final_url, original_url, origin,
	summary, stamp_only, parser_change, window_start`

func versionFactsSelect4(v string) string {
	return `SELECT ` + v + `.page_pk, ` + v + `.version, ` + v + `.capture_id, ` + v + `.content_hash, ` +
		v + `.first_seen, ` + v + `.last_seen, ` + v + `.checks, ` + v + `.updated_raw, ` + v + `.updated_on, ` +
		v + `.updated_at, ` + v + `.parser_version,
		coalesce(c.suspect, ''), coalesce(c.source, ''), coalesce(c.final_url, ''), coalesce(c.original_url, ''), coalesce(c.origin, ''),
		ch.summary, ch.stamp_only, ch.parser_change, ch.window_start`
}

// schema4 adds version_facts: per version, the small columns that log
// (Versions) reads, copied from versions, the version's first capture and
// the change into it, so that a page's history is one range scan of a
// compact table instead of three random reads per version (the versions
// and changes rows store their large JSON before these columns, and the
// captures are scattered among other pages' captures). Triggers keep it in
// step with the three tables whatever writes them (relwatch, the
// generator, or a user with sqlite3); Check compares it with them.
var schema4 = `
CREATE TABLE version_facts (
	page_pk        INTEGER NOT NULL,
	version        INTEGER NOT NULL,
	capture_id     INTEGER NOT NULL,
	content_hash   TEXT NOT NULL,
	first_seen     TEXT NOT NULL,
	last_seen      TEXT NOT NULL,
	checks         INTEGER NOT NULL,
	updated_raw    TEXT,
	updated_on     TEXT,
	updated_at     TEXT,
	parser_version INTEGER NOT NULL,
	suspect        TEXT NOT NULL,  -- of captures.capture_id
	source         TEXT NOT NULL,
	final_url      TEXT NOT NULL,
	original_url   TEXT NOT NULL,
	origin         TEXT NOT NULL,
	summary        TEXT,           -- of the change into this version; NULL for version 1
	stamp_only     INTEGER,
	parser_change  INTEGER,
	window_start   TEXT,
	PRIMARY KEY (page_pk, version)
) WITHOUT ROWID;

CREATE TRIGGER version_facts_insert AFTER INSERT ON versions BEGIN
	INSERT OR REPLACE INTO version_facts (` + versionFactsCols + `)
	` + versionFactsSelect4("NEW") + `
	FROM (SELECT 1) LEFT JOIN captures c ON c.capture_id = NEW.capture_id
	LEFT JOIN changes ch ON ch.page_pk = NEW.page_pk AND ch.to_version = NEW.version;
END;
CREATE TRIGGER version_facts_update AFTER UPDATE ON versions BEGIN
	DELETE FROM version_facts WHERE page_pk = OLD.page_pk AND version = OLD.version;
	INSERT OR REPLACE INTO version_facts (` + versionFactsCols + `)
	` + versionFactsSelect4("NEW") + `
	FROM (SELECT 1) LEFT JOIN captures c ON c.capture_id = NEW.capture_id
	LEFT JOIN changes ch ON ch.page_pk = NEW.page_pk AND ch.to_version = NEW.version;
END;
CREATE TRIGGER version_facts_delete AFTER DELETE ON versions BEGIN
	DELETE FROM version_facts WHERE page_pk = OLD.page_pk AND version = OLD.version;
END;

CREATE TRIGGER version_facts_change_insert AFTER INSERT ON changes BEGIN
	UPDATE version_facts SET summary = NEW.summary, stamp_only = NEW.stamp_only,
		parser_change = NEW.parser_change, window_start = NEW.window_start
	WHERE page_pk = NEW.page_pk AND version = NEW.to_version;
END;
CREATE TRIGGER version_facts_change_update AFTER UPDATE ON changes BEGIN
	UPDATE version_facts SET summary = NULL, stamp_only = NULL, parser_change = NULL, window_start = NULL
	WHERE page_pk = OLD.page_pk AND version = OLD.to_version;
	UPDATE version_facts SET summary = NEW.summary, stamp_only = NEW.stamp_only,
		parser_change = NEW.parser_change, window_start = NEW.window_start
	WHERE page_pk = NEW.page_pk AND version = NEW.to_version;
END;
CREATE TRIGGER version_facts_change_delete AFTER DELETE ON changes BEGIN
	UPDATE version_facts SET summary = NULL, stamp_only = NULL, parser_change = NULL, window_start = NULL
	WHERE page_pk = OLD.page_pk AND version = OLD.to_version;
END;

-- A version's capture is normally written before it; these cover the
-- other order and later edits of the capture's columns.
CREATE TRIGGER version_facts_capture_insert AFTER INSERT ON captures WHEN NEW.version IS NOT NULL BEGIN
	UPDATE version_facts SET suspect = NEW.suspect, source = NEW.source, final_url = NEW.final_url,
		original_url = NEW.original_url, origin = NEW.origin
	WHERE page_pk = NEW.page_pk AND version = NEW.version AND capture_id = NEW.capture_id;
END;
CREATE TRIGGER version_facts_capture_update AFTER UPDATE OF capture_id, page_pk, suspect, source, final_url, original_url, origin ON captures BEGIN
	UPDATE version_facts SET suspect = NEW.suspect, source = NEW.source, final_url = NEW.final_url,
		original_url = NEW.original_url, origin = NEW.origin
	WHERE page_pk = NEW.page_pk AND capture_id = NEW.capture_id;
END;

INSERT INTO version_facts (` + versionFactsCols + `)
` + versionFactsSelect4("v") + `
FROM versions v JOIN captures c ON c.capture_id = v.capture_id
LEFT JOIN changes ch ON ch.page_pk = v.page_pk AND ch.to_version = v.version;
`

// brokenKeys counts the rows whose foreign keys point nowhere (none in a
// sound archive; Check reports them).
func brokenKeys(ctx context.Context, tx *sql.Tx) (int, error) {
	var n int
	err := eachRow(ctx, tx, "PRAGMA foreign_key_check", func(*sql.Rows) error { n++; return nil })
	return n, err
}

// migrateTo2 creates the search index; migrateTo7, which every older
// archive goes through after it, fills it.
func migrateTo2(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, schema2)
	return err
}

// schema7 gives every indexed text its kind (title, lead, caption,
// heading, paragraph, bullet), part of what makes a block distinct, and
// indexes headings, which schema 2 left out. The index is rebuilt from the
// versions.
const schema7 = `
DROP TABLE block_versions;
DROP TABLE text_blocks;
DELETE FROM text_fts;
CREATE TABLE text_blocks (
	block_id INTEGER PRIMARY KEY,
	page_pk  INTEGER NOT NULL REFERENCES pages (page_pk),
	kind     TEXT NOT NULL,  -- title, lead, caption, heading, paragraph or bullet
	path     TEXT NOT NULL,  -- JSON array of headings
	text     TEXT NOT NULL,
	UNIQUE (page_pk, kind, path, text)
);
CREATE TABLE block_versions (
	block_id INTEGER NOT NULL REFERENCES text_blocks (block_id),
	version  INTEGER NOT NULL,
	page_pk  INTEGER NOT NULL,
	PRIMARY KEY (block_id, version),
	FOREIGN KEY (page_pk, version) REFERENCES versions (page_pk, version)
) WITHOUT ROWID;
CREATE INDEX block_versions_by_version ON block_versions (page_pk, version);
`

func migrateTo7(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, schema7); err != nil {
		return err
	}
	return reindexAll(ctx, tx)
}

// newSchema is what the migrations make of an empty file, written out by
// TestNewArchiveSchema (which holds the two to the same tables, indexes,
// triggers, rows and settings): a new archive is made from it in one
// statement, about a third of the time of the eleven migrations, whose
// table rebuilds and renames parse the schema again and again (10–15 ms a
// new archive, before a first run's first page). After a change to the
// migrations, `go test ./archive -run TestNewArchiveSchema
// -args -update-schema` writes it again.
//
//go:embed schema_new.sql
var newSchema string

// newSchemaHeader is newSchema's first line, naming the schema version it
// makes: a file written before the last migration was added is not used
// (the migrations run, one by one, as before it existed).
const newSchemaHeader = "-- relwatch archive schema %d\n"

// createNew makes the current schema in tx from newSchema when the file
// has no schema at all (a new archive) and newSchema is of the current
// version, and reports whether it did.
func createNew(ctx context.Context, tx *sql.Tx) (bool, error) {
	if !strings.HasPrefix(newSchema, fmt.Sprintf(newSchemaHeader, len(migrations))) {
		return false, nil
	}
	var objects int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&objects); err != nil || objects > 0 {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, newSchema); err != nil {
		return false, fmt.Errorf("make the schema of a new archive: %w", err)
	}
	// PRAGMA does not take parameters; the value is our own integer.
	_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations)))
	return err == nil, err
}

// migrate applies the missing migrations in one transaction and returns the
// schema version it found and the resulting one. A newer schema is refused
// before anything is written (probe already checked; this guards the race
// with another writer).
//
// Migrations that rebuild a table (schema 5) drop a table other tables
// refer to, which SQLite allows only with foreign key enforcement off; it
// can only be switched outside a transaction, so migrate runs on a
// connection of its own with enforcement off, checks the keys of the
// rebuilt tables before committing, and switches it back on.
func migrate(ctx context.Context, db *sql.DB) (from, to int, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return 0, 0, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, 0, err
	}
	if v > len(migrations) {
		return v, 0, fail(relwatch.ErrNewerSchema, "schema %d, this relwatch knows up to %d", v, len(migrations))
	}
	if v == len(migrations) {
		return v, v, tx.Commit()
	}
	if v == 0 && newSchema != "" {
		made, err := createNew(ctx, tx)
		if err != nil {
			return 0, 0, err
		}
		if made {
			return 0, len(migrations), tx.Commit()
		}
	}
	before, err := brokenKeys(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	for i := v; i < len(migrations); i++ {
		if err := migrations[i](ctx, tx); err != nil {
			return v, 0, fmt.Errorf("migrate schema %d to %d: %w", i, i+1, err)
		}
	}
	if after, err := brokenKeys(ctx, tx); err != nil || after > before {
		return v, 0, fmt.Errorf("migrate schema %d to %d: %d foreign keys broken (%d before): %v", v, len(migrations), after, before, err)
	}
	// PRAGMA does not take parameters; the value is our own integer.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return 0, 0, err
	}
	return v, len(migrations), tx.Commit()
}
