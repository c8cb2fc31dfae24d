-- The failed live checks of each page, which are all a page that never
-- failed has to read for its removals (RemovalChecks): a partial index,
-- so a good check (nearly every check) costs no entry.
CREATE INDEX captures_failed ON captures (page_pk, capture_id) WHERE source = 'live' AND outcome = 'failed';
