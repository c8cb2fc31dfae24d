-- Every indexed text gets its kind (title, lead, caption, heading,
-- paragraph, bullet), part of what makes a block distinct (block_key now
-- hashes kind, NUL, path, NUL, text), and headings are indexed too. The
-- index is emptied here and rebuilt from the versions by the migration
-- code, in the same transaction.
DELETE FROM block_versions;
DELETE FROM text_blocks;
ALTER TABLE text_blocks ADD COLUMN kind text NOT NULL;
