package archive

import (
	"context"
	"database/sql"

	"github.com/relwatch/relwatch"
)

// Check verifies the whole archive in one read transaction: SQLite's own
// integrity_check and foreign keys, every raw body re-hashed, every
// version's content hash recomputed, version numbering and change rows,
// the search index against the versions, and version_facts against the
// tables it copies (schema 4). Problems are returned in a
// fixed order. The error is non-nil only when the check itself could not
// run; a file too damaged to read gives an error wrapping relwatch.ErrCorrupt.
func (a *Archive) Check(ctx context.Context) ([]relwatch.Problem, error) {
	var probs relwatch.Problems
	err := a.readTx(ctx, "check archive", func(tx *sql.Tx) error {
		steps := []func(context.Context, *sql.Tx, reporter) error{
			checkIntegrity, checkReferences, a.checkBodies, checkVersions, checkCaptures,
		}
		// An older search index (no kinds, no headings) is rebuilt by the
		// migration to schema 7; read-only, there is nothing to compare it with.
		if a.schema >= 7 {
			steps = append(steps, checkSearchIndex)
		}
		switch {
		case a.schema >= 5:
			steps = append(steps, checkVersionFacts, checkResponses)
		case a.schema == 4:
			steps = append(steps, checkVersionFacts4)
		}
		for _, step := range steps {
			if err := step(ctx, tx, &probs); err != nil {
				return err
			}
		}
		return nil
	})
	return probs.List, relwatch.CheckError(err)
}

type reporter = *relwatch.Problems

// eachRow runs a query and calls scan for every row.
func eachRow(ctx context.Context, tx *sql.Tx, q string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func checkIntegrity(ctx context.Context, tx *sql.Tx, probs reporter) error {
	return eachRow(ctx, tx, "PRAGMA integrity_check", func(r *sql.Rows) error {
		var msg string
		if err := r.Scan(&msg); err != nil {
			return err
		}
		if msg != "ok" {
			probs.Add("integrity", "%s", msg)
		}
		return nil
	})
}

func checkReferences(ctx context.Context, tx *sql.Tx, probs reporter) error {
	return eachRow(ctx, tx, "PRAGMA foreign_key_check", func(r *sql.Rows) error {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := r.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		probs.Reference(table, rowid.Int64, parent)
		return nil
	})
}

func (a *Archive) checkBodies(ctx context.Context, tx *sql.Tx, probs reporter) error {
	q := qBody
	if a.schema < 5 {
		q = qBodyOld // read-only on an older archive
	}
	return eachRow(ctx, tx, q+"1 ORDER BY b.digest", func(r *sql.Rows) error {
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
func checkVersions(ctx context.Context, tx *sql.Tx, probs reporter) error {
	err := eachRow(ctx, tx, `SELECT p.id || '/' || p.lang, v.version, v.content_hash, v.snapshot,
			c.version, c.outcome, c.page_pk = v.page_pk
		FROM versions v JOIN pages p ON p.page_pk = v.page_pk
		LEFT JOIN captures c ON c.capture_id = v.capture_id
		ORDER BY p.id, p.lang, v.version`, func(r *sql.Rows) error {
		var v relwatch.VersionRow
		var js []byte
		var cv sql.NullInt64
		var outcome sql.NullString
		var samePage sql.NullBool
		if err := r.Scan(&v.Page, &v.Version, &v.Hash, &js, &cv, &outcome, &samePage); err != nil {
			return err
		}
		v.Snapshot, v.DecodeErr = decodeSnapshot(js)
		v.CaptureVersion, v.Outcome, v.SamePage = int(cv.Int64), outcome.String, samePage.Bool
		probs.Version(v)
		return nil
	})
	if err != nil {
		return err
	}
	return eachRow(ctx, tx, `SELECT p.id || '/' || p.lang, ch.from_version, ch.to_version
		FROM changes ch JOIN pages p ON p.page_pk = ch.page_pk
		WHERE ch.from_version != ch.to_version - 1 ORDER BY p.id, p.lang, ch.to_version`, func(r *sql.Rows) error {
		var page string
		var from, to int
		if err := r.Scan(&page, &from, &to); err != nil {
			return err
		}
		probs.ChangeLink(page, from, to)
		return nil
	})
}

func checkCaptures(ctx context.Context, tx *sql.Tx, probs reporter) error {
	return eachRow(ctx, tx, `SELECT c.capture_id, c.outcome, c.version
		FROM captures c LEFT JOIN versions v ON v.page_pk = c.page_pk AND v.version = c.version
		WHERE (c.outcome = 'failed') != (c.version IS NULL) OR (c.version IS NOT NULL AND v.version IS NULL)
		ORDER BY c.capture_id`, func(r *sql.Rows) error {
		var id int64
		var outcome string
		var v sql.NullInt64
		if err := r.Scan(&id, &outcome, &v); err != nil {
			return err
		}
		probs.Capture(id, outcome, int(v.Int64))
		return nil
	})
}

// checkVersionFacts compares version_facts, row for row, with what it
// copies from versions, captures and changes (schema 4).
func checkVersionFacts(ctx context.Context, tx *sql.Tx, probs reporter) error {
	return compareVersionFacts(ctx, tx, probs, versionFactsSelect("v")+" FROM versions v "+versionFactsFrom("v"))
}

// checkVersionFacts4 is checkVersionFacts on a schema-4 archive (read-only).
func checkVersionFacts4(ctx context.Context, tx *sql.Tx, probs reporter) error {
	return compareVersionFacts(ctx, tx, probs, versionFactsSelect4("v")+`
		FROM versions v LEFT JOIN captures c ON c.capture_id = v.capture_id
		LEFT JOIN changes ch ON ch.page_pk = v.page_pk AND ch.to_version = v.version`)
}

// checkResponses decodes every stored header set (schema 5).
func checkResponses(ctx context.Context, tx *sql.Tx, probs reporter) error {
	return eachRow(ctx, tx, `SELECT response_id, headers FROM responses ORDER BY response_id`, func(r *sql.Rows) error {
		var id int64
		var hj string
		if err := r.Scan(&id, &hj); err != nil {
			return err
		}
		if _, err := joinDate(hj, sql.NullInt64{}); err != nil {
			probs.Add("capture", "response %d: headers do not decode: %v", id, err)
		}
		return nil
	})
}

// compareVersionFacts compares version_facts with want, the rows computed
// from the tables it copies.
func compareVersionFacts(ctx context.Context, tx *sql.Tx, probs reporter, want string) error {
	have := `SELECT ` + versionFactsCols + ` FROM version_facts`
	for _, q := range []struct {
		stale bool
		sql   string
	}{
		{true, want + " EXCEPT " + have},
		{false, have + " EXCEPT " + want},
	} {
		err := eachRow(ctx, tx, `SELECT p.id || '/' || p.lang, d.version FROM (`+q.sql+`) d
			LEFT JOIN pages p ON p.page_pk = d.page_pk ORDER BY 1, 2`, func(r *sql.Rows) error {
			var page sql.NullString
			var version int
			if err := r.Scan(&page, &version); err != nil {
				return err
			}
			probs.VersionFacts(page.String, version, q.stale)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkSearchIndex compares the full-text rows with text_blocks, then
// recomputes every version's blocks and compares them with the index.
func checkSearchIndex(ctx context.Context, tx *sql.Tx, probs reporter) error {
	// FTS5's own consistency is covered by PRAGMA integrity_check, which
	// calls each virtual table's xIntegrity method (SQLite 3.44 and later).
	var missing int
	if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM text_blocks b LEFT JOIN text_fts f ON f.rowid = b.block_id WHERE f.text IS NOT b.text) +
			(SELECT count(*) FROM text_fts f LEFT JOIN text_blocks b ON b.block_id = f.rowid WHERE b.block_id IS NULL)`).Scan(&missing); err != nil {
		return err
	}
	if missing > 0 {
		probs.Add("search-index", "%d full-text rows disagree with text_blocks", missing)
	}
	// Page by page: a page's snapshots and its index rows, two statements,
	// so that the memory is one page's, however big the archive.
	type page struct {
		pk   int64
		name string
	}
	var pages []page
	err := eachRow(ctx, tx, `SELECT page_pk, id || '/' || lang FROM pages ORDER BY id, lang`, func(r *sql.Rows) error {
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
func checkPageIndex(ctx context.Context, tx *sql.Tx, probs reporter, pk int64, name string) error {
	index := probs.PageIndex(name)
	err := eachRow(ctx, tx, `SELECT bv.version, b.kind, b.path, b.text FROM block_versions bv
		JOIN text_blocks b ON b.block_id = bv.block_id WHERE bv.page_pk = ?`, func(r *sql.Rows) error {
		var v int
		var b textBlock
		err := r.Scan(&v, &b.kind, &b.path, &b.text)
		index.Indexed(v, b.kind, b.path, b.text)
		return err
	}, pk)
	if err != nil {
		return err
	}
	return eachRow(ctx, tx, `SELECT version, snapshot FROM versions WHERE page_pk = ? ORDER BY version`, func(r *sql.Rows) error {
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
