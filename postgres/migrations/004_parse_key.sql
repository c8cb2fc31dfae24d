-- versions.parse_key: the relwatch.Capture.ParseKey of the last live
-- capture parsed into the version's content (NULL when none was recorded:
-- versions written before schema 4, by backfill, import or reparse). A
-- live check whose key matches the latest version's is unchanged without
-- a parse.
ALTER TABLE versions ADD COLUMN parse_key text;
