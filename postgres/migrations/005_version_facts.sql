-- version_facts: per version, the small columns that log (Versions) reads,
-- copied from versions, the version's first capture (with its response)
-- and the change into it, so that a page's history is one index range scan
-- of a narrow table instead of a join of four (captures are scattered among
-- the other pages' captures, and the versions and changes rows carry their
-- large snapshot and diff). As in the SQLite archive, triggers keep it in
-- step with the tables it copies whatever writes them, and check compares
-- it with version_facts_computed.

-- What a version_facts row holds, computed from the tables: the one
-- definition the triggers, the migration and check share.
CREATE VIEW version_facts_computed AS
	SELECT v.page_pk, v.version, v.capture_id, v.content_hash, v.first_seen, v.last_seen, v.checks,
		v.updated_raw, v.updated_on, v.updated_at, v.parser_version,
		coalesce(c.suspect, '') AS suspect, coalesce(c.source, '') AS source,
		coalesce(r.final_url, '') AS final_url, coalesce(c.original_url, '') AS original_url,
		coalesce(c.origin, '') AS origin,
		ch.summary, ch.stamp_only, ch.parser_change, ch.window_start
	FROM versions v
	LEFT JOIN captures c ON c.capture_id = v.capture_id
	LEFT JOIN responses r ON r.response_id = c.response_id
	LEFT JOIN changes ch ON ch.page_pk = v.page_pk AND ch.to_version = v.version;

CREATE TABLE version_facts (
	page_pk        bigint NOT NULL,
	version        integer NOT NULL,
	capture_id     bigint NOT NULL,
	content_hash   text NOT NULL,
	first_seen     bigint NOT NULL,
	last_seen      bigint NOT NULL,
	checks         integer NOT NULL,
	updated_raw    text,
	updated_on     text,
	updated_at     text,
	parser_version integer NOT NULL,
	suspect        text NOT NULL,  -- of captures.capture_id
	source         text NOT NULL,
	final_url      text NOT NULL,
	original_url   text NOT NULL,
	origin         text NOT NULL,
	summary        text,           -- of the change into this version; NULL for version 1
	stamp_only     boolean,
	parser_change  boolean,
	window_start   bigint,
	PRIMARY KEY (page_pk, version)
);
CREATE INDEX version_facts_by_capture ON version_facts (capture_id);

INSERT INTO version_facts SELECT * FROM version_facts_computed;

-- version_facts_refresh makes the row of (p, v) what the tables say: the
-- computed row, or none when there is no such version. Idempotent, so the
-- order in which the row triggers of one statement run (a renumbering
-- moves many versions at once) does not matter: each runs after the
-- statement has changed every row.
CREATE FUNCTION version_facts_refresh(p bigint, v integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO version_facts SELECT * FROM version_facts_computed f WHERE f.page_pk = p AND f.version = v
	ON CONFLICT (page_pk, version) DO UPDATE SET
		capture_id = excluded.capture_id, content_hash = excluded.content_hash,
		first_seen = excluded.first_seen, last_seen = excluded.last_seen, checks = excluded.checks,
		updated_raw = excluded.updated_raw, updated_on = excluded.updated_on, updated_at = excluded.updated_at,
		parser_version = excluded.parser_version, suspect = excluded.suspect, source = excluded.source,
		final_url = excluded.final_url, original_url = excluded.original_url, origin = excluded.origin,
		summary = excluded.summary, stamp_only = excluded.stamp_only,
		parser_change = excluded.parser_change, window_start = excluded.window_start;
	IF NOT FOUND THEN
		DELETE FROM version_facts WHERE page_pk = p AND version = v;
	END IF;
END $$;

CREATE FUNCTION version_facts_of_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		PERFORM version_facts_refresh(OLD.page_pk, OLD.version);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		PERFORM version_facts_refresh(NEW.page_pk, NEW.version);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER version_facts_versions AFTER INSERT OR UPDATE OR DELETE ON versions
	FOR EACH ROW EXECUTE FUNCTION version_facts_of_version();

CREATE FUNCTION version_facts_of_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		PERFORM version_facts_refresh(OLD.page_pk, OLD.to_version);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		PERFORM version_facts_refresh(NEW.page_pk, NEW.to_version);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER version_facts_changes AFTER INSERT OR UPDATE OR DELETE ON changes
	FOR EACH ROW EXECUTE FUNCTION version_facts_of_change();

-- A version's capture is written before it; these cover the other order
-- and later edits of a capture or its response. (A capture that is no
-- version's first, as every unchanged check's, matches no row.)
CREATE FUNCTION version_facts_of_capture() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM version_facts_refresh(f.page_pk, f.version) FROM version_facts f WHERE f.capture_id = NEW.capture_id;
	RETURN NULL;
END $$;
CREATE TRIGGER version_facts_captures AFTER INSERT OR UPDATE ON captures
	FOR EACH ROW EXECUTE FUNCTION version_facts_of_capture();

CREATE FUNCTION version_facts_of_response() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM version_facts_refresh(f.page_pk, f.version)
	FROM captures c JOIN version_facts f ON f.capture_id = c.capture_id WHERE c.response_id = NEW.response_id;
	RETURN NULL;
END $$;
CREATE TRIGGER version_facts_responses AFTER UPDATE OF final_url ON responses
	FOR EACH ROW EXECUTE FUNCTION version_facts_of_response();
