-- An unchanged check made cheap on version_facts. Every check of a
-- version moves its checks and last_seen, and version_facts_of_version
-- then made the row again from the version, its first capture and
-- response and the change into it (version_facts_refresh: a join of four
-- tables and an upsert); it now fires only when a column it copies from
-- versions other than these two changes, and version_facts_of_seen moves
-- the two in place. What the triggers keep in version_facts is the same:
-- check compares it with version_facts_computed. (The SQLite archive's
-- schema 11 does the same.)
DROP TRIGGER version_facts_versions ON versions;
CREATE TRIGGER version_facts_versions
	AFTER INSERT OR DELETE OR UPDATE OF page_pk, version, capture_id, content_hash, first_seen,
		updated_raw, updated_on, updated_at, parser_version ON versions
	FOR EACH ROW EXECUTE FUNCTION version_facts_of_version();

CREATE FUNCTION version_facts_of_seen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE version_facts SET checks = NEW.checks, last_seen = NEW.last_seen
	WHERE page_pk = NEW.page_pk AND version = NEW.version;
	RETURN NULL;
END $$;
CREATE TRIGGER version_facts_seen AFTER UPDATE OF checks, last_seen ON versions
	FOR EACH ROW EXECUTE FUNCTION version_facts_of_seen();
