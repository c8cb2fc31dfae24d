package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
)

// Check verifies the whole archive in one read transaction, as the SQLite
// archive's Check does: references between the tables, every raw body
// re-hashed, every version's content hash recomputed, version numbering
// and change rows, version_facts against the tables it copies, the
// captures' versions, every stored header set, and the search index
// against the versions (and each block's tsvector against its text).
// PostgreSQL checks its own pages and indexes as it reads them; a damaged
// one is an error of the check. Problems come in a fixed order.
func (a *Archive) Check(ctx context.Context) ([]relwatch.Problem, error) {
	var probs relwatch.Problems
	err := a.readTx(ctx, "check archive", func(tx pgx.Tx) error {
		for _, step := range []func(context.Context, pgx.Tx, reporter) error{
			checkReferences, checkBodies, checkVersions, checkVersionFacts, checkCaptures, checkSearchIndex, checkResponses,
		} {
			if err := step(ctx, tx, &probs); err != nil {
				return err
			}
		}
		return nil
	})
	return probs.List, relwatch.CheckError(err)
}

type reporter = *relwatch.Problems

// checkVersionFacts compares version_facts, row for row, with what it
// copies from versions, captures, responses and changes: the view
// version_facts_computed, which its triggers also read.
func checkVersionFacts(ctx context.Context, tx pgx.Tx, probs reporter) error {
	// Every column but log_row (migration 008), which PostgreSQL computes
	// from the others whenever it writes the row.
	const cols = `page_pk, version, capture_id, content_hash, first_seen, last_seen, checks,
		updated_raw, updated_on, updated_at, parser_version, suspect, source, final_url, original_url, origin,
		summary, stamp_only, parser_change, window_start`
	const have, want = `SELECT ` + cols + ` FROM version_facts`, `SELECT ` + cols + ` FROM version_facts_computed`
	for _, q := range []struct {
		stale bool
		sql   string
	}{
		{true, want + " EXCEPT " + have},
		{false, have + " EXCEPT " + want},
	} {
		err := eachRow(ctx, tx, `SELECT coalesce(p.id || '/' || p.lang, ''), d.version FROM (`+q.sql+`) d
			LEFT JOIN pages p ON p.page_pk = d.page_pk ORDER BY p.id COLLATE "C", p.lang COLLATE "C", d.version`, func(r pgx.Rows) error {
			var page string
			var version int
			if err := r.Scan(&page, &version); err != nil {
				return err
			}
			probs.VersionFacts(page, version, q.stale)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkReferences looks for rows whose keys point nowhere. The foreign keys
// prevent them, unless they were disabled (session_replication_role) while
// someone edited the tables by hand.
func checkReferences(ctx context.Context, tx pgx.Tx, probs reporter) error {
	for _, ref := range []struct{ table, parent, sql string }{
		{"captures", "pages", `SELECT c.capture_id FROM captures c LEFT JOIN pages p ON p.page_pk = c.page_pk WHERE p.page_pk IS NULL`},
		{"captures", "responses", `SELECT c.capture_id FROM captures c LEFT JOIN responses r ON r.response_id = c.response_id WHERE r.response_id IS NULL`},
		{"captures", "raw_bodies", `SELECT c.capture_id FROM captures c LEFT JOIN raw_bodies b ON b.body_id = c.body_id WHERE c.body_id IS NOT NULL AND b.body_id IS NULL`},
		{"versions", "captures", `SELECT v.version FROM versions v LEFT JOIN captures c ON c.capture_id = v.capture_id WHERE c.capture_id IS NULL`},
		{"changes", "versions", `SELECT ch.to_version FROM changes ch LEFT JOIN versions v ON v.page_pk = ch.page_pk AND v.version = ch.to_version WHERE v.version IS NULL`},
		{"block_versions", "text_blocks", `SELECT bv.version FROM block_versions bv LEFT JOIN text_blocks b ON b.block_id = bv.block_id WHERE b.block_id IS NULL`},
	} {
		err := eachRow(ctx, tx, ref.sql+` ORDER BY 1`, func(r pgx.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			probs.Reference(ref.table, id, ref.parent)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func checkBodies(ctx context.Context, tx pgx.Tx, probs reporter) error {
	return eachRow(ctx, tx, qBody+`true ORDER BY b.digest COLLATE "C"`, func(r pgx.Rows) error {
		var sb storedBody
		if err := sb.scan(r); err != nil {
			return err
		}
		if _, err := sb.decode(); err != nil {
			probs.Add("raw-body", "%v", err)
		}
		return nil
	})
}

// checkVersions recomputes each content hash and checks that versions are
// numbered 1..N, that each came from a capture that says so, and that each
// change links consecutive versions.
func checkVersions(ctx context.Context, tx pgx.Tx, probs reporter) error {
	err := eachRow(ctx, tx, `SELECT p.id || '/' || p.lang, v.version, v.content_hash, v.snapshot,
			c.version, c.outcome, c.page_pk = v.page_pk
		FROM versions v JOIN pages p ON p.page_pk = v.page_pk
		LEFT JOIN captures c ON c.capture_id = v.capture_id
		ORDER BY p.id COLLATE "C", p.lang COLLATE "C", v.version`, func(r pgx.Rows) error {
		var v relwatch.VersionRow
		var js []byte
		var cv *int
		var outcome *string
		var samePage *bool
		if err := r.Scan(&v.Page, &v.Version, &v.Hash, &js, &cv, &outcome, &samePage); err != nil {
			return err
		}
		v.Snapshot, v.DecodeErr = decodeSnapshot(js)
		v.CaptureVersion, v.Outcome, v.SamePage = deref(cv), deref(outcome), deref(samePage)
		probs.Version(v)
		return nil
	})
	if err != nil {
		return err
	}
	return eachRow(ctx, tx, `SELECT p.id || '/' || p.lang, ch.from_version, ch.to_version
		FROM changes ch JOIN pages p ON p.page_pk = ch.page_pk
		WHERE ch.from_version != ch.to_version - 1 ORDER BY p.id COLLATE "C", p.lang COLLATE "C", ch.to_version`, func(r pgx.Rows) error {
		var page string
		var from, to int
		if err := r.Scan(&page, &from, &to); err != nil {
			return err
		}
		probs.ChangeLink(page, from, to)
		return nil
	})
}

func checkCaptures(ctx context.Context, tx pgx.Tx, probs reporter) error {
	return eachRow(ctx, tx, `SELECT c.capture_id, c.outcome, c.version
		FROM captures c LEFT JOIN versions v ON v.page_pk = c.page_pk AND v.version = c.version
		WHERE (c.outcome = 'failed') != (c.version IS NULL) OR (c.version IS NOT NULL AND v.version IS NULL)
		ORDER BY c.capture_id`, func(r pgx.Rows) error {
		var id int64
		var outcome string
		var v *int
		if err := r.Scan(&id, &outcome, &v); err != nil {
			return err
		}
		probs.Capture(id, outcome, deref(v))
		return nil
	})
}

// checkResponses decodes every stored header set and recomputes each
// response's identity.
func checkResponses(ctx context.Context, tx pgx.Tx, probs reporter) error {
	return eachRow(ctx, tx, `SELECT response_id, status, final_url, canonical_url, content_type, headers, identity
		FROM responses ORDER BY response_id`, func(r pgx.Rows) error {
		var id int64
		var rs response
		var identity string
		if err := r.Scan(&id, &rs.status, &rs.finalURL, &rs.canonicalURL, &rs.contentType, &rs.headers, &identity); err != nil {
			return err
		}
		if _, err := relwatch.JoinDate(rs.headers, nil); err != nil {
			probs.Add("capture", "response %d: headers do not decode: %v", id, err)
		}
		if rs.identity() != identity {
			probs.Add("capture", "response %d: its identity does not match its columns", id)
		}
		return nil
	})
}

// checkSearchIndex compares every block's tsvector and key with its text,
// then recomputes every version's blocks and compares them with the index.
func checkSearchIndex(ctx context.Context, tx pgx.Tx, probs reporter) error {
	var stale int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM text_blocks
		WHERE tsv IS DISTINCT FROM to_tsvector('relwatch_search', text)`).Scan(&stale); err != nil {
		return err
	}
	if stale > 0 {
		probs.Add("search-index", "%d full-text rows disagree with text_blocks", stale)
	}
	err := eachRow(ctx, tx, `SELECT block_id, kind, path, text, block_key FROM text_blocks ORDER BY block_id`, func(r pgx.Rows) error {
		var id int64
		var b textBlock
		var key string
		if err := r.Scan(&id, &b.kind, &b.path, &b.text, &key); err != nil {
			return err
		}
		if b.key() != key {
			probs.Add("search-index", "block %d: its key does not match its kind, path and text", id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Page by page: a page's snapshots and its index rows, two statements,
	// so that the memory is one page's, however big the archive.
	type page struct {
		pk   int64
		name string
	}
	var pages []page
	err = eachRow(ctx, tx, `SELECT page_pk, id || '/' || lang FROM pages ORDER BY id COLLATE "C", lang COLLATE "C"`, func(r pgx.Rows) error {
		var p page
		err := r.Scan(&p.pk, &p.name)
		pages = append(pages, p)
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range pages {
		if err := checkPageIndex(ctx, tx, probs, p.pk, p.name); err != nil {
			return err
		}
	}
	return nil
}

// checkPageIndex compares one page's search index with its versions'
// snapshots.
func checkPageIndex(ctx context.Context, tx pgx.Tx, probs reporter, pk int64, name string) error {
	index := probs.PageIndex(name)
	err := eachRow(ctx, tx, `SELECT bv.version, b.kind, b.path, b.text FROM block_versions bv
		JOIN text_blocks b ON b.block_id = bv.block_id WHERE bv.page_pk = $1`, func(r pgx.Rows) error {
		var v int
		var b textBlock
		err := r.Scan(&v, &b.kind, &b.path, &b.text)
		index.Indexed(v, b.kind, b.path, b.text)
		return err
	}, pk)
	if err != nil {
		return err
	}
	return eachRow(ctx, tx, `SELECT version, snapshot FROM versions WHERE page_pk = $1 ORDER BY version`, func(r pgx.Rows) error {
		var v int
		var js []byte
		if err := r.Scan(&v, &js); err != nil {
			return err
		}
		if s, err := decodeSnapshot(js); err == nil { // else reported by checkVersions
			index.Version(v, &s)
		}
		return nil
	}, pk)
}
