package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// textBlock is one indexed unit of a snapshot.
type textBlock struct {
	kind string
	path string // JSON array
	text string
}

// key is text_blocks.block_key.
func (b textBlock) key() string {
	h := sha256.Sum256([]byte(b.kind + "\x00" + b.path + "\x00" + b.text))
	return hex.EncodeToString(h[:])
}

// blocksOf lists the distinct searchable texts of a snapshot in page order,
// as relwatch.SearchBlocks has them (as the SQLite archive indexes them),
// with their paths as JSON. The shared contract tests hold the two
// engines to the same hits.
func blocksOf(s *snapshots.Snapshot) []textBlock {
	var out []textBlock
	for _, b := range relwatch.SearchBlocks(s) {
		pj, _ := json.Marshal(b.Path)
		out = append(out, textBlock{b.Kind, string(pj), b.Text})
	}
	return out
}

// qIndexVersion adds a version's blocks to the search index in one
// statement: new blocks get a text_blocks row (ids in page order, so that
// hits come in the order their text first appeared), and every block a
// block_versions row.
const qIndexVersion = `WITH input AS (
		SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $6::text[]) WITH ORDINALITY AS i (path, text, key, kind, ord)),
	added AS (
		INSERT INTO text_blocks (page_pk, kind, path, text, tsv, block_key)
		SELECT $1, kind, path, text, to_tsvector('relwatch_search', text), key FROM input ORDER BY ord
		ON CONFLICT (page_pk, block_key) DO NOTHING
		RETURNING block_id, block_key)
	INSERT INTO block_versions (block_id, page_pk, version)
	SELECT coalesce(added.block_id, b.block_id), $1, $5 FROM input
	LEFT JOIN added ON added.block_key = input.key
	LEFT JOIN text_blocks b ON b.page_pk = $1 AND b.block_key = input.key`

func indexVersion(ctx context.Context, tx pgx.Tx, pk int64, version int, s *snapshots.Snapshot) error {
	blocks := blocksOf(s)
	paths := make([]string, len(blocks))
	texts := make([]string, len(blocks))
	keys := make([]string, len(blocks))
	kinds := make([]string, len(blocks))
	for i, b := range blocks {
		paths[i], texts[i], keys[i], kinds[i] = b.path, b.text, b.key(), b.kind
	}
	_, err := tx.Exec(ctx, qIndexVersion, pk, paths, texts, keys, version, kinds)
	return err
}

// dropIndex removes a page's search index (rebuilds redo it).
func dropIndex(ctx context.Context, tx pgx.Tx, pk int64) error {
	for _, q := range []string{
		`DELETE FROM block_versions WHERE page_pk = $1`,
		`DELETE FROM text_blocks WHERE page_pk = $1`,
	} {
		if _, err := tx.Exec(ctx, q, pk); err != nil {
			return err
		}
	}
	return nil
}

// searchable makes user text a plain phrase: phraseto_tsquery reads no
// operators, but a NUL cannot be sent in a text value at all.
func searchable(q string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, q)
}

const (
	qSearch = `SELECT b.block_id, b.page_pk, p.id, p.lang, b.kind, b.path, b.text
		FROM text_blocks b JOIN pages p ON p.page_pk = b.page_pk
		WHERE b.tsv @@ phraseto_tsquery('relwatch_search', $1)`
	qBlockVersions = `SELECT bv.version, v.first_seen, v.last_seen
		FROM block_versions bv JOIN versions v ON v.page_pk = bv.page_pk AND v.version = bv.version
		WHERE bv.block_id = $1 ORDER BY bv.version`
	qVanished = `SELECT version, first_seen FROM versions WHERE page_pk = $1 AND version > $2 ORDER BY version LIMIT 1`
)

// Search finds the blocks of text containing query as a phrase, ignoring
// case and accents, in one page or in all, with PostgreSQL's full-text
// search (a GIN index over the blocks' tsvectors). Hits are ordered by
// page, then by when the text first appeared.
func (a *Archive) Search(ctx context.Context, query string, page *snapshots.PageKey) ([]relwatch.Hit, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, fmt.Errorf("search: empty query")
	}
	var hits []relwatch.Hit
	err := a.readTx(ctx, "search", func(tx pgx.Tx) error {
		q := qSearch
		args := []any{searchable(query)}
		if page != nil {
			q += ` AND p.id = $2 AND p.lang = $3`
			args = append(args, page.ID, page.Lang)
		}
		q += ` ORDER BY p.id COLLATE "C", p.lang COLLATE "C", b.block_id`
		var ids, pks []int64
		err := eachRow(ctx, tx, q, func(r pgx.Rows) error {
			var h relwatch.Hit
			var id, pk int64
			var pid, lang, path string
			if err := r.Scan(&id, &pk, &pid, &lang, &h.Kind, &path, &h.Text); err != nil {
				return err
			}
			h.Page = snapshots.PageKey{ID: pid, Lang: lang}.String()
			if err := json.Unmarshal([]byte(path), &h.Path); err != nil {
				return fail(relwatch.ErrCorrupt, "block %d has a bad path: %v", id, err)
			}
			hits = append(hits, h)
			ids, pks = append(ids, id), append(pks, pk)
			return nil
		}, args...)
		if err != nil {
			return err
		}
		for i := range hits {
			if err := blockVersions(ctx, tx, ids[i], &hits[i]); err != nil {
				return err
			}
			if err := vanished(ctx, tx, pks[i], &hits[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return hits, err
}

func blockVersions(ctx context.Context, tx pgx.Tx, id int64, h *relwatch.Hit) error {
	return eachRow(ctx, tx, qBlockVersions, func(r pgx.Rows) error {
		var v int
		var first, last int64
		if err := r.Scan(&v, &first, &last); err != nil {
			return err
		}
		if len(h.Versions) == 0 {
			h.FirstSeen = fromNS(first)
		}
		h.LastSeen = fromNS(last)
		h.Versions = append(h.Versions, v)
		return nil
	}, id)
}

// vanished fills in when the hit's text vanished: the version after the
// last one containing it, if there is one.
func vanished(ctx context.Context, tx pgx.Tx, pk int64, h *relwatch.Hit) error {
	if len(h.Versions) == 0 {
		return nil
	}
	var first int64
	err := tx.QueryRow(ctx, qVanished, pk, h.Versions[len(h.Versions)-1]).Scan(&h.VanishedIn, &first)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // still in the latest version
	}
	if err != nil {
		return err
	}
	t := fromNS(first)
	h.VanishedSeen = &t
	return nil
}

// reindexAll rebuilds the whole search index from the stored versions
// (the migration to schema 3, which gave blocks their kind and indexed
// headings).
func reindexAll(ctx context.Context, tx pgx.Tx) error {
	type row struct {
		pk      int64
		version int
		js      []byte
	}
	var all []row
	err := eachRow(ctx, tx, `SELECT page_pk, version, snapshot FROM versions ORDER BY page_pk, version`, func(r pgx.Rows) error {
		var x row
		err := r.Scan(&x.pk, &x.version, &x.js)
		all = append(all, x)
		return err
	})
	if err != nil {
		return err
	}
	for _, x := range all {
		s, err := decodeSnapshot(x.js)
		if err != nil {
			return fmt.Errorf("version %d of page %d: %w", x.version, x.pk, err)
		}
		if err := indexVersion(ctx, tx, x.pk, x.version, &s); err != nil {
			return err
		}
	}
	return nil
}
