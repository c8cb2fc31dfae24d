-- version_facts_log: log's read of a page as an index-only scan. The rows
-- of version_facts are written as the pages are checked, round after
-- round, so a page's rows lie scattered over the whole table: for 5,000
-- versions of a page among 20, about 3,800 heap pages, one or two rows
-- each, and more the more pages the archive holds. The index holds each
-- row's columns in one value, in version order within the page, so that
-- log reads a few hundred index pages in order and no heap.
--
-- log_row joins the columns log reads (Versions, in qVersions' order)
-- with char(31), NULL as ''; NULL when the row is longer than 2,000 bytes
-- (a B-tree entry holds at most about 2,700): such a page, or one whose
-- fields hold char(31), is read column by column instead.
CREATE FUNCTION version_facts_pack(f text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN octet_length(p) <= 2000 THEN p END FROM array_to_string(f, chr(31), '') AS p $$;

ALTER TABLE version_facts ADD COLUMN log_row text GENERATED ALWAYS AS (version_facts_pack(ARRAY[
	version::text, content_hash, first_seen::text, last_seen::text, checks::text,
	updated_raw, updated_on, updated_at, parser_version::text, suspect,
	summary, stamp_only::text, parser_change::text, window_start::text,
	source, final_url, original_url, origin])) STORED;

CREATE INDEX version_facts_log ON version_facts (page_pk, version) INCLUDE (log_row);
