package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// Schema 5 makes an unchanged check cheap to keep (about 85 bytes with its
// index entries, instead of 566): a capture row holds integers and short codes, and everything
// that repeats from check to check is stored once.
//
//   - raw_bodies gets an integer key (body_id), which captures store instead
//     of the 71-character digest; the digest stays in raw_bodies, unique.
//   - responses holds, once per distinct combination, the status, final and
//     canonical URL, content type and headers of a capture; captures refer to
//     it by response_id.
//   - The Date header, different in every response, is kept out of
//     responses.headers when it is in the standard form (IMF-fixdate,
//     "Sun, 06 Nov 1994 08:49:37 GMT"): captures.http_date holds it as Unix
//     seconds, and readers put it back (responseHeaders). A Date in any
//     other form stays in the headers, as sent.
//   - started is Unix time in nanoseconds, and finished is stored as
//     duration (nanoseconds after started); retrieved is Unix nanoseconds.
//     Integers sort as time, as the fixed-width text did.
//   - New versions store their snapshot JSON gzip-compressed (a blob that
//     starts with the gzip magic; rows written before stay text) and their
//     raw body at the default gzip level.
//   - A new raw body may be stored as a delta against an earlier whole body
//     of the page (compression 'delta', base_id; see delta.go), when that
//     is smaller than the body gzipped.
//
// Nothing is lost: every capture reads back with the same times, headers,
// body and URLs (TestMigrateV4Fixture).
const schema5Tables = `
CREATE TABLE raw_bodies_5 (
	body_id     INTEGER PRIMARY KEY,
	digest      TEXT NOT NULL UNIQUE,  -- 'sha256:' || hex of the uncompressed body
	size        INTEGER NOT NULL,      -- uncompressed length in bytes
	compression TEXT NOT NULL CHECK (compression IN ('gzip', 'delta')),
	base_id     INTEGER REFERENCES raw_bodies (body_id),  -- for 'delta': the whole ('gzip') body it applies to
	data        BLOB NOT NULL,         -- gzip of the body, or of its delta against base_id (see delta.go)
	CHECK ((compression = 'delta') = (base_id IS NOT NULL))
);

-- What repeats from one capture of a page to the next, stored once.
CREATE TABLE responses (
	response_id   INTEGER PRIMARY KEY,
	status        INTEGER NOT NULL,  -- HTTP status, 0 when there was no response
	final_url     TEXT NOT NULL,
	canonical_url TEXT NOT NULL,
	content_type  TEXT NOT NULL,
	headers       TEXT NOT NULL,     -- JSON object, keys sorted; without Date when captures.http_date holds it
	UNIQUE (final_url, status, content_type, headers, canonical_url)
);

CREATE TABLE captures_5 (
	capture_id      INTEGER PRIMARY KEY,  -- increases with every attempt; order by it, not by time
	page_pk         INTEGER NOT NULL REFERENCES pages (page_pk),
	source          TEXT NOT NULL,
	started         INTEGER NOT NULL,     -- Unix time, nanoseconds
	duration        INTEGER NOT NULL,     -- finished - started, nanoseconds
	response_id     INTEGER NOT NULL REFERENCES responses (response_id),
	http_date       INTEGER,              -- the Date header as Unix seconds, when it was in IMF-fixdate form
	body_id         INTEGER REFERENCES raw_bodies (body_id),
	outcome         TEXT NOT NULL CHECK (outcome IN ('new', 'changed', 'unchanged', 'failed')),
	error_kind      TEXT NOT NULL DEFAULT '',
	error_message   TEXT NOT NULL DEFAULT '',
	suspect         TEXT NOT NULL DEFAULT '',
	version         INTEGER,              -- the version this capture saw; NULL when failed
	original_url    TEXT NOT NULL DEFAULT '',
	original_digest TEXT NOT NULL DEFAULT '',
	origin          TEXT NOT NULL DEFAULT '',
	retrieved       INTEGER               -- Unix nanoseconds; NULL for live captures
);
`

const schema5Indexes = `
CREATE INDEX captures_by_page ON captures (page_pk, capture_id);
CREATE INDEX captures_by_body ON captures (body_id);
`

// versionFactsSelect computes a version_facts row from a versions row (V),
// its first capture (c) with its response (r), and the change into it (ch).
// Shared by the triggers and Check, so the two cannot disagree.
func versionFactsSelect(v string) string {
	return `SELECT ` + v + `.page_pk, ` + v + `.version, ` + v + `.capture_id, ` + v + `.content_hash, ` +
		v + `.first_seen, ` + v + `.last_seen, ` + v + `.checks, ` + v + `.updated_raw, ` + v + `.updated_on, ` +
		v + `.updated_at, ` + v + `.parser_version,
		coalesce(c.suspect, ''), coalesce(c.source, ''), coalesce(r.final_url, ''), coalesce(c.original_url, ''), coalesce(c.origin, ''),
		ch.summary, ch.stamp_only, ch.parser_change, ch.window_start`
}

// versionFactsFrom joins what versionFactsSelect reads to the versions row V.
func versionFactsFrom(v string) string {
	return `LEFT JOIN captures c ON c.capture_id = ` + v + `.capture_id
	LEFT JOIN responses r ON r.response_id = c.response_id
	LEFT JOIN changes ch ON ch.page_pk = ` + v + `.page_pk AND ch.to_version = ` + v + `.version`
}

// schema5Triggers are schema 4's version_facts triggers, reading final_url
// through responses.
var schema5Triggers = `
CREATE TRIGGER version_facts_insert AFTER INSERT ON versions BEGIN
	INSERT OR REPLACE INTO version_facts (` + versionFactsCols + `)
	` + versionFactsSelect("NEW") + `
	FROM (SELECT 1) ` + versionFactsFrom("NEW") + `;
END;
CREATE TRIGGER version_facts_update AFTER UPDATE ON versions BEGIN
	DELETE FROM version_facts WHERE page_pk = OLD.page_pk AND version = OLD.version;
	INSERT OR REPLACE INTO version_facts (` + versionFactsCols + `)
	` + versionFactsSelect("NEW") + `
	FROM (SELECT 1) ` + versionFactsFrom("NEW") + `;
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
-- other order and later edits of the capture's columns or its response.
CREATE TRIGGER version_facts_capture_insert AFTER INSERT ON captures WHEN NEW.version IS NOT NULL BEGIN
	UPDATE version_facts SET suspect = NEW.suspect, source = NEW.source,
		final_url = coalesce((SELECT final_url FROM responses WHERE response_id = NEW.response_id), ''),
		original_url = NEW.original_url, origin = NEW.origin
	WHERE page_pk = NEW.page_pk AND version = NEW.version AND capture_id = NEW.capture_id;
END;
CREATE TRIGGER version_facts_capture_update AFTER UPDATE OF capture_id, page_pk, suspect, source, response_id, original_url, origin ON captures BEGIN
	UPDATE version_facts SET suspect = NEW.suspect, source = NEW.source,
		final_url = coalesce((SELECT final_url FROM responses WHERE response_id = NEW.response_id), ''),
		original_url = NEW.original_url, origin = NEW.origin
	WHERE page_pk = NEW.page_pk AND capture_id = NEW.capture_id;
END;
CREATE TRIGGER version_facts_response_update AFTER UPDATE OF final_url ON responses BEGIN
	UPDATE version_facts SET final_url = NEW.final_url
	WHERE capture_id IN (SELECT capture_id FROM captures WHERE response_id = NEW.response_id);
END;
`

var versionFactsTriggers4 = []string{
	"version_facts_insert", "version_facts_update", "version_facts_delete",
	"version_facts_change_insert", "version_facts_change_update", "version_facts_change_delete",
	"version_facts_capture_insert", "version_facts_capture_update",
}

// migrateTo5 rebuilds raw_bodies and captures in the schema-5 layout
// (SQLite's "make other kinds of table schema changes" procedure: create
// the new table, copy, drop the old, rename). migrate runs it with foreign
// key enforcement off, as that procedure requires, and checks the keys
// before committing.
func migrateTo5(ctx context.Context, tx *sql.Tx) error {
	for _, name := range versionFactsTriggers4 {
		if _, err := tx.ExecContext(ctx, "DROP TRIGGER "+name); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, schema5Tables); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO raw_bodies_5 (digest, size, compression, data)
		SELECT digest, size, compression, data FROM raw_bodies ORDER BY rowid`); err != nil {
		return err
	}
	if err := copyCaptures4(ctx, tx); err != nil {
		return err
	}
	for _, q := range []string{
		"DROP TABLE captures", "DROP TABLE raw_bodies",
		"ALTER TABLE captures_5 RENAME TO captures", "ALTER TABLE raw_bodies_5 RENAME TO raw_bodies",
		schema5Indexes, schema5Triggers,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// copyCaptures4 copies schema-4 captures into captures_5, a batch at a
// time, each through the same conversion as a new capture (storedCapture).
func copyCaptures4(ctx context.Context, tx *sql.Tx) error {
	responses := map[response]int64{}
	after := int64(-1 << 62)
	for {
		var batch []storedCapture
		err := eachRow(ctx, tx, `SELECT c.capture_id, c.page_pk, c.source, c.started, c.finished, c.status, c.final_url,
				c.canonical_url, c.headers, c.content_type, c.body_digest, b.body_id, c.outcome, c.error_kind,
				c.error_message, c.suspect, c.version, c.original_url, c.original_digest, c.origin, c.retrieved
			FROM captures c LEFT JOIN raw_bodies_5 b ON b.digest = c.body_digest
			WHERE c.capture_id > ? ORDER BY c.capture_id LIMIT 5000`, func(r *sql.Rows) error {
			var s storedCapture
			var started, finished, headers string
			var digest, retrieved sql.NullString
			if err := r.Scan(&s.id, &s.pk, &s.source, &started, &finished, &s.resp.status, &s.resp.finalURL,
				&s.resp.canonicalURL, &headers, &s.resp.contentType, &digest, &s.bodyID, &s.outcome, &s.errorKind,
				&s.errorMessage, &s.suspect, &s.version, &s.originalURL, &s.originalDigest, &s.origin, &retrieved); err != nil {
				return err
			}
			if digest.Valid && !s.bodyID.Valid {
				return fmt.Errorf("capture %d refers to raw body %s, which is missing (run relwatch check)", s.id, digest.String)
			}
			var h map[string]string
			if err := json.Unmarshal([]byte(headers), &h); err != nil {
				return fmt.Errorf("capture %d: headers: %v", s.id, err)
			}
			st, e1 := parseTime(started)
			fi, e2 := parseTime(finished)
			if e1 != nil || e2 != nil {
				return fmt.Errorf("capture %d has bad times %q, %q", s.id, started, finished)
			}
			s.setTimes(st, fi)
			if retrieved.Valid {
				t, err := parseTime(retrieved.String)
				if err != nil {
					return fmt.Errorf("capture %d has a bad retrieved time %q", s.id, retrieved.String)
				}
				s.retrieved = sql.NullInt64{Int64: t.UnixNano(), Valid: true}
			}
			s.resp.headers, s.httpDate = splitDate(h)
			batch = append(batch, s)
			return nil
		}, after)
		if err != nil || len(batch) == 0 {
			return err
		}
		for i := range batch {
			s := &batch[i]
			id, ok := responses[s.resp]
			if !ok {
				if id, err = internResponse(ctx, tx, s.resp); err != nil {
					return err
				}
				responses[s.resp] = id
			}
			if _, err := s.insert(ctx, tx, "captures_5", id); err != nil {
				return err
			}
		}
		after = batch[len(batch)-1].id
	}
}
