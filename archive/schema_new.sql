-- relwatch archive schema 11
-- The schema of a new archive: what the migrations of schema.go make of an
-- empty file. Written by `go test ./archive -run TestNewArchiveSchema -args -update-schema`.
CREATE TABLE pages (
	page_pk       INTEGER PRIMARY KEY,
	id            TEXT NOT NULL,
	lang          TEXT NOT NULL,
	url           TEXT NOT NULL,
	canonical_url TEXT NOT NULL DEFAULT '',
	UNIQUE (id, lang)
);
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
	updated_at     TEXT, parse_key TEXT,
	PRIMARY KEY (page_pk, version)
);
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
CREATE VIRTUAL TABLE text_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE "raw_bodies" (
	body_id     INTEGER PRIMARY KEY,
	digest      TEXT NOT NULL UNIQUE,  -- 'sha256:' || hex of the uncompressed body
	size        INTEGER NOT NULL,      -- uncompressed length in bytes
	compression TEXT NOT NULL CHECK (compression IN ('gzip', 'delta')),
	base_id     INTEGER REFERENCES raw_bodies (body_id),  -- for 'delta': the whole ('gzip') body it applies to
	data        BLOB NOT NULL,         -- gzip of the body, or of its delta against base_id (see delta.go)
	CHECK ((compression = 'delta') = (base_id IS NOT NULL))
);
CREATE TABLE responses (
	response_id   INTEGER PRIMARY KEY,
	status        INTEGER NOT NULL,  -- HTTP status, 0 when there was no response
	final_url     TEXT NOT NULL,
	canonical_url TEXT NOT NULL,
	content_type  TEXT NOT NULL,
	headers       TEXT NOT NULL,     -- JSON object, keys sorted; without Date when captures.http_date holds it
	UNIQUE (final_url, status, content_type, headers, canonical_url)
);
CREATE TABLE "captures" (
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
CREATE TABLE outbox (
	event_seq INTEGER PRIMARY KEY,   -- order of writing: senders deliver in this order
	event_id  TEXT NOT NULL UNIQUE,  -- relwatch.Event.ID, stable
	page_pk   INTEGER NOT NULL REFERENCES pages (page_pk),
	kind      TEXT NOT NULL,
	created   TEXT NOT NULL,
	event     TEXT NOT NULL          -- relwatch.Event as JSON
);
CREATE TABLE outbox_destinations (
	name       TEXT PRIMARY KEY,
	subscribed TEXT NOT NULL         -- events created before are not for it
);
CREATE TABLE outbox_deliveries (
	destination TEXT NOT NULL REFERENCES outbox_destinations (name),
	event_seq   INTEGER NOT NULL REFERENCES outbox (event_seq),
	state       TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dropped', 'filtered')),
	attempts    INTEGER NOT NULL,    -- failed attempts
	last_error  TEXT NOT NULL DEFAULT '',
	updated     TEXT NOT NULL,
	PRIMARY KEY (destination, event_seq)
) WITHOUT ROWID;
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
CREATE TABLE "version_facts" (
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
	packed         TEXT GENERATED ALWAYS AS (ifnull(version, '') || char(31) || ifnull(content_hash, '') || char(31) || ifnull(first_seen, '') || char(31) || ifnull(last_seen, '') || char(31) || ifnull(checks, '') || char(31) || ifnull(updated_raw, '') || char(31) || ifnull(updated_on, '') || char(31) || ifnull(updated_at, '') || char(31) || ifnull(parser_version, '') || char(31) || ifnull(suspect, '') || char(31) || ifnull(summary, '') || char(31) || ifnull(stamp_only, '') || char(31) || ifnull(parser_change, '') || char(31) || ifnull(window_start, '') || char(31) || ifnull(source, '') || char(31) || ifnull(final_url, '') || char(31) || ifnull(original_url, '') || char(31) || ifnull(origin, '')) STORED,
	PRIMARY KEY (page_pk, version)
) WITHOUT ROWID;
CREATE INDEX versions_by_first_seen2 ON versions (page_pk, first_seen, version);
CREATE INDEX captures_by_page ON captures (page_pk, capture_id);
CREATE INDEX captures_by_body ON captures (body_id);
CREATE INDEX block_versions_by_version ON block_versions (page_pk, version);
CREATE INDEX captures_failed ON captures (page_pk, capture_id) WHERE source = 'live' AND outcome = 'failed';
CREATE TRIGGER version_facts_insert AFTER INSERT ON versions BEGIN
	INSERT OR REPLACE INTO version_facts (page_pk, version, capture_id, content_hash, first_seen, last_seen, checks,
	updated_raw, updated_on, updated_at, parser_version, suspect, source, final_url, original_url, origin,
	summary, stamp_only, parser_change, window_start)
	SELECT NEW.page_pk, NEW.version, NEW.capture_id, NEW.content_hash, NEW.first_seen, NEW.last_seen, NEW.checks, NEW.updated_raw, NEW.updated_on, NEW.updated_at, NEW.parser_version,
		coalesce(c.suspect, ''), coalesce(c.source, ''), coalesce(r.final_url, ''), coalesce(c.original_url, ''), coalesce(c.origin, ''),
		ch.summary, ch.stamp_only, ch.parser_change, ch.window_start
	FROM (SELECT 1) LEFT JOIN captures c ON c.capture_id = NEW.capture_id
	LEFT JOIN responses r ON r.response_id = c.response_id
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
CREATE TRIGGER version_facts_update AFTER UPDATE OF page_pk, version, capture_id, content_hash, first_seen, updated_raw, updated_on, updated_at, parser_version ON versions BEGIN
	DELETE FROM version_facts WHERE page_pk = OLD.page_pk AND version = OLD.version;
	INSERT OR REPLACE INTO version_facts (page_pk, version, capture_id, content_hash, first_seen, last_seen, checks,
	updated_raw, updated_on, updated_at, parser_version, suspect, source, final_url, original_url, origin,
	summary, stamp_only, parser_change, window_start)
	SELECT NEW.page_pk, NEW.version, NEW.capture_id, NEW.content_hash, NEW.first_seen, NEW.last_seen, NEW.checks, NEW.updated_raw, NEW.updated_on, NEW.updated_at, NEW.parser_version,
		coalesce(c.suspect, ''), coalesce(c.source, ''), coalesce(r.final_url, ''), coalesce(c.original_url, ''), coalesce(c.origin, ''),
		ch.summary, ch.stamp_only, ch.parser_change, ch.window_start
	FROM (SELECT 1) LEFT JOIN captures c ON c.capture_id = NEW.capture_id
	LEFT JOIN responses r ON r.response_id = c.response_id
	LEFT JOIN changes ch ON ch.page_pk = NEW.page_pk AND ch.to_version = NEW.version;
END;
CREATE TRIGGER version_facts_seen AFTER UPDATE OF checks, last_seen ON versions BEGIN
	UPDATE version_facts SET checks = NEW.checks, last_seen = NEW.last_seen
	WHERE page_pk = NEW.page_pk AND version = NEW.version;
END;
CREATE TRIGGER version_facts_capture_insert AFTER INSERT ON captures
	WHEN NEW.version IS NOT NULL AND NEW.outcome IN ('new', 'changed') BEGIN
	UPDATE version_facts SET suspect = NEW.suspect, source = NEW.source,
		final_url = coalesce((SELECT final_url FROM responses WHERE response_id = NEW.response_id), ''),
		original_url = NEW.original_url, origin = NEW.origin
	WHERE page_pk = NEW.page_pk AND version = NEW.version AND capture_id = NEW.capture_id;
END;
