package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// qVanished is the version after a given one: where a block that the
// given version was the last to contain vanished.
const qVanished = `SELECT version, first_seen FROM versions WHERE page_pk = ? AND version > ? ORDER BY version LIMIT 1`

// textBlock is one indexed unit of a snapshot.
type textBlock struct {
	kind string
	path string // JSON array
	text string
}

// blocksOf lists the distinct searchable texts of a snapshot in page order,
// as relwatch.SearchBlocks has them, with their paths as JSON. The blocks
// of a section come in a row with the same path, which is encoded once.
func blocksOf(s *snapshots.Snapshot) []textBlock {
	blocks := relwatch.SearchBlocks(s)
	out := make([]textBlock, 0, len(blocks))
	var last []string
	var lastJSON string
	for i, b := range blocks {
		if i == 0 || !slices.Equal(b.Path, last) {
			pj, _ := json.Marshal(b.Path)
			last, lastJSON = b.Path, string(pj)
		}
		out = append(out, textBlock{b.Kind, lastJSON, b.Text})
	}
	return out
}

// indexVersion adds a version's blocks to the search index. Blocks already
// known for the page only gain a block_versions row; new ones go into the
// FTS table too: into fts, to be written by its flush, or, when fts is nil,
// at the end of this call.
//
// A version's rows are written many to a statement (insertRows): a
// statement through database/sql and the driver costs more than the row
// it writes, and a version has a hundred blocks. New blocks get their ids
// here, after the largest one, as SQLite would give them.
func indexVersion(ctx context.Context, tx *sql.Tx, pk int64, version int, s *snapshots.Snapshot, fts *ftsBatch) error {
	own := fts == nil
	if own {
		fts = &ftsBatch{}
	}
	blocks := blocksOf(s)
	// A page's first version has no known blocks: one query says so,
	// instead of one a block.
	var known bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM text_blocks WHERE page_pk = ?)`, pk).Scan(&known); err != nil {
		return err
	}
	// The next block id: read once a transaction (its versions' new
	// blocks are the only rows it adds to text_blocks).
	next := fts.nextBlock
	if next == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(block_id), 0) + 1 FROM text_blocks`).Scan(&next); err != nil {
			return err
		}
	}
	newBlocks := make([]any, 0, 5*len(blocks))
	versionRows := make([]any, 0, 3*len(blocks))
	for _, b := range blocks {
		var id int64
		err := sql.ErrNoRows
		if known {
			err = tx.QueryRowContext(ctx, qFindBlock, pk, b.kind, b.path, b.text).Scan(&id)
		}
		if err == sql.ErrNoRows {
			id, err = next, nil
			next++
			newBlocks = append(newBlocks, id, pk, b.kind, b.path, b.text)
			fts.add(id)
		}
		if err != nil {
			return err
		}
		versionRows = append(versionRows, id, pk, version)
	}
	if err := insertRows(ctx, tx, `INSERT INTO text_blocks (block_id, page_pk, kind, path, text) VALUES `, 5, newBlocks); err != nil {
		return err
	}
	fts.nextBlock = next
	if err := insertRows(ctx, tx, `INSERT INTO block_versions (block_id, page_pk, version) VALUES `, 3, versionRows); err != nil {
		return err
	}
	if own {
		return fts.flush(ctx, tx)
	}
	return nil
}

// insertRows runs insert (an INSERT up to its VALUES) over args, rows of
// width values each, as few statements as the chunk sizes allow. There are
// few chunk sizes, so that each statement text is prepared once per
// connection (stmtcache.go).
func insertRows(ctx context.Context, tx *sql.Tx, insert string, width int, args []any) error {
	rows := len(args) / width
	for _, chunk := range []int{64, 16, 4, 1} {
		if rows < chunk {
			continue
		}
		q := insert + strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?, ", width), ", ")+"), ", chunk), ", ")
		for ; rows >= chunk; rows -= chunk {
			if _, err := tx.ExecContext(ctx, q, args[:chunk*width]...); err != nil {
				return err
			}
			args = args[chunk*width:]
		}
	}
	return nil
}

// ftsBatch holds the rows a transaction adds to text_fts until flush
// writes them, as the transaction's last statements. FTS5 keeps the rows
// of a transaction in memory and writes them out as a new index segment
// (then merges segments) at every savepoint, and SQLite opens one for
// nearly every later INSERT in the transaction (a RETURNING, a foreign
// key, an ON CONFLICT, a statement of several rows): with the FTS rows
// written among the others, the index was written out once per block of a
// new version, the third of a first run's CPU. Written last, they are
// written out once, at the commit. Nothing reads text_fts inside a write
// transaction before its flush.
//
// A row of text_fts is a text_blocks row's id and text, and new blocks
// get ids in sequence (indexVersion), so the batch is kept as runs of ids
// and written by one INSERT … SELECT from text_blocks a run: a first run's
// 4,200 rows in about 20 statements instead of one a row (a statement
// through database/sql and the driver costs more than the row it
// writes). The one savepoint of a run's statement comes before its rows,
// when nothing is waiting to be written out; a second run (ids out of
// sequence, which indexVersion does not make) writes out the first's
// rows early, which costs time, not correctness.
type ftsBatch struct {
	runs      [][2]int64 // first and last block id of each run, in the order added
	nextBlock int64      // the id the transaction's next new block gets; 0 before indexVersion has read it
}

// add notes that block id, a text_blocks row of the transaction, goes into
// the index.
func (f *ftsBatch) add(id int64) {
	if n := len(f.runs); n > 0 && f.runs[n-1][1]+1 == id {
		f.runs[n-1][1] = id
		return
	}
	f.runs = append(f.runs, [2]int64{id, id})
}

// flush writes the rows added since the last flush.
func (f *ftsBatch) flush(ctx context.Context, tx *sql.Tx) error {
	const insFTS = `INSERT INTO text_fts (rowid, text)
		SELECT block_id, text FROM text_blocks WHERE block_id BETWEEN ? AND ? ORDER BY block_id`
	for _, r := range f.runs {
		if _, err := tx.ExecContext(ctx, insFTS, r[0], r[1]); err != nil {
			return err
		}
	}
	f.runs = f.runs[:0]
	return nil
}

// dropIndex removes a page's search index (Reparse rebuilds it).
func dropIndex(ctx context.Context, tx *sql.Tx, pk int64) error {
	for _, q := range []string{
		`DELETE FROM block_versions WHERE page_pk = ?`,
		`DELETE FROM text_fts WHERE rowid IN (SELECT block_id FROM text_blocks WHERE page_pk = ?)`,
		`DELETE FROM text_blocks WHERE page_pk = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, pk); err != nil {
			return err
		}
	}
	return nil
}

// reindexAll indexes every stored version, oldest first (migration to 7).
func reindexAll(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT page_pk, version, snapshot FROM versions ORDER BY page_pk, version`)
	if err != nil {
		return err
	}
	type row struct {
		pk      int64
		version int
		snap    snapshots.Snapshot
	}
	var all []row
	for rows.Next() {
		var r row
		var js []byte
		if err := rows.Scan(&r.pk, &r.version, &js); err != nil {
			rows.Close()
			return err
		}
		if r.snap, err = decodeSnapshot(js); err != nil {
			rows.Close()
			return fmt.Errorf("version %d of page %d: %w", r.version, r.pk, err)
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range all {
		if err := indexVersion(ctx, tx, r.pk, r.version, &r.snap, nil); err != nil {
			return err
		}
	}
	return nil
}

// ftsPhrase turns user text into one FTS5 phrase: double quotes doubled,
// the whole wrapped in quotes. Inside a phrase, *, -, :, NEAR( and column
// names are plain text, so no user input is FTS syntax. Control characters
// become spaces: FTS5 reads a NUL as the end of the string, which would
// leave the phrase unterminated.
func ftsPhrase(q string) string {
	q = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, q)
	return `"` + strings.ReplaceAll(q, `"`, `""`) + `"`
}

// Search finds the blocks of text containing query as a phrase, ignoring
// case and accents, in one page or in all. Hits are ordered by page, then by
// when the text first appeared.
func (a *Archive) Search(ctx context.Context, query string, page *snapshots.PageKey) ([]relwatch.Hit, error) {
	// Schema 7 labels each text with its kind and indexes headings.
	if a.schema < 7 {
		return nil, fmt.Errorf("search %s: %w", a.path, ErrOldSchema)
	}
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, fmt.Errorf("search: empty query")
	}
	tx, err := a.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, a.wrap("search", err)
	}
	defer tx.Rollback()

	q := `SELECT b.block_id, b.page_pk, p.id, p.lang, b.kind, b.path, b.text
		FROM text_fts JOIN text_blocks b ON b.block_id = text_fts.rowid JOIN pages p ON p.page_pk = b.page_pk
		WHERE text_fts MATCH ?`
	args := []any{ftsPhrase(query)}
	if page != nil {
		q += ` AND p.id = ? AND p.lang = ?`
		args = append(args, page.ID, page.Lang)
	}
	q += ` ORDER BY p.id, p.lang, b.block_id`
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, a.wrap("search", err)
	}
	var hits []relwatch.Hit
	var ids, pks []int64
	for rows.Next() {
		var h relwatch.Hit
		var id, pk int64
		var id_, lang, path string
		if err := rows.Scan(&id, &pk, &id_, &lang, &h.Kind, &path, &h.Text); err != nil {
			rows.Close()
			return nil, a.wrap("search", err)
		}
		h.Page = snapshots.PageKey{ID: id_, Lang: lang}.String()
		if err := json.Unmarshal([]byte(path), &h.Path); err != nil {
			rows.Close()
			return nil, fail(relwatch.ErrCorrupt, "block %d has a bad path: %v", id, err)
		}
		hits = append(hits, h)
		ids, pks = append(ids, id), append(pks, pk)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, a.wrap("search", err)
	}
	for i := range hits {
		if err := blockVersions(ctx, tx, ids[i], &hits[i]); err != nil {
			return nil, a.wrap("search", err)
		}
		if err := vanished(ctx, tx, pks[i], &hits[i]); err != nil {
			return nil, a.wrap("search", err)
		}
	}
	return hits, nil
}

// vanished fills in when the hit's text vanished: the version after the
// last one containing it, if there is one.
func vanished(ctx context.Context, tx *sql.Tx, pk int64, h *relwatch.Hit) error {
	if len(h.Versions) == 0 {
		return nil
	}
	var first string
	err := tx.QueryRowContext(ctx, qVanished, pk, h.Versions[len(h.Versions)-1]).Scan(&h.VanishedIn, &first)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // still in the latest version
	}
	if err != nil {
		return err
	}
	t, err := parseTime(first)
	if err != nil {
		return fail(relwatch.ErrCorrupt, "version %d has bad times", h.VanishedIn)
	}
	h.VanishedSeen = &t
	return nil
}

func blockVersions(ctx context.Context, tx *sql.Tx, id int64, h *relwatch.Hit) error {
	rows, err := tx.QueryContext(ctx, qBlockVersions, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var first, last string
		if err := rows.Scan(&v, &first, &last); err != nil {
			return err
		}
		f, err1 := parseTime(first)
		l, err2 := parseTime(last)
		if err1 != nil || err2 != nil {
			return fail(relwatch.ErrCorrupt, "version %d has bad times", v)
		}
		if len(h.Versions) == 0 {
			h.FirstSeen = f
		}
		h.LastSeen = l
		h.Versions = append(h.Versions, v)
	}
	return rows.Err()
}
