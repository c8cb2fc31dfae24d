package archive

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
)

func TestCheckFindsFlippedRawBodyByte(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	body := strings.Repeat("<p>Relations with Kazakhstan</p>\n", 50)
	mustVersion(t, a, capture(kzEN, 0, body), snap(kzEN, "", "x"), nil)
	mustCheckClean(t, a)

	var digest string
	var data []byte
	if err := a.db.QueryRow(`SELECT digest, data FROM raw_bodies`).Scan(&digest, &data); err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x01 // one bit in the middle of the deflate stream
	if _, err := a.db.Exec(`UPDATE raw_bodies SET data = ? WHERE digest = ?`, data, digest); err != nil {
		t.Fatal(err)
	}
	probs, err := a.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) != 1 || probs[0].Kind != "raw-body" || !strings.Contains(probs[0].Detail, digest) {
		t.Errorf("Check = %v, want one raw-body problem naming %s", probs, digest)
	}
	if _, err := a.RawBody(ctx, digest); !errors.Is(err, relwatch.ErrCorrupt) {
		t.Errorf("RawBody of a damaged body: %v, want relwatch.ErrCorrupt", err)
	}
}

func TestCheckFindsEditedVersion(t *testing.T) {
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "original"), nil)
	var stored []byte
	if err := a.db.QueryRow(`SELECT snapshot FROM versions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	js, err := snapshotJSON(stored)
	if err != nil {
		t.Fatal(err)
	}
	forged := relwatch.Gzip(bytes.ReplaceAll(js, []byte("original"), []byte("forged")), relwatch.GzipSmall)
	if _, err := a.db.Exec(`UPDATE versions SET snapshot = ?`, forged); err != nil {
		t.Fatal(err)
	}
	probs, err := a.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, p := range probs {
		kinds = append(kinds, p.Kind)
	}
	// The content no longer matches its hash, and the search index no
	// longer matches the content.
	if strings.Join(kinds, ",") != "version,search-index" {
		t.Errorf("Check = %v", probs)
	}
}

// TestCheckNamesTheDifferingBlock: an edit that keeps the number of blocks
// is reported with the blocks that differ, not only with equal counts.
func TestCheckNamesTheDifferingBlock(t *testing.T) {
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "original", "kept"), nil)
	var stored []byte
	if err := a.db.QueryRow(`SELECT snapshot FROM versions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	js, err := snapshotJSON(stored)
	if err != nil {
		t.Fatal(err)
	}
	forged := relwatch.Gzip(bytes.ReplaceAll(js, []byte("original"), []byte("forged")), relwatch.GzipSmall)
	if _, err := a.db.Exec(`UPDATE versions SET snapshot = ?`, forged); err != nil {
		t.Fatal(err)
	}
	probs, err := a.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var detail string
	for _, p := range probs {
		if p.Kind == "search-index" {
			detail = p.Detail
		}
	}
	for _, want := range []string{
		`the snapshot's block paragraph ["Highlights"] "forged" is not in the index`,
		`the index's block paragraph ["Highlights"] "original" is not in the snapshot`,
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("search-index problem %q lacks %q", detail, want)
		}
	}
}

func TestCheckFindsBrokenReferences(t *testing.T) {
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	a.db.Exec(`PRAGMA foreign_keys = OFF`) // one pooled connection; enough for the damage
	if _, err := a.db.Exec(`DELETE FROM raw_bodies`); err != nil {
		t.Fatal(err)
	}
	probs, _ := a.Check(context.Background())
	if len(probs) == 0 || probs[0].Kind != "reference" {
		t.Errorf("Check = %v, want a reference problem", probs)
	}
}

func TestCheckReadOnly(t *testing.T) {
	ctx := context.Background()
	a := openRW(t, tempPath(t))
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, a.Path(), ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	mustCheckClean(t, ro)
}

func TestTruncatedArchive(t *testing.T) {
	ctx := context.Background()
	a := openRW(t, tempPath(t))
	for i := range 40 {
		mustVersion(t, a, capture(kzEN, i, strings.Repeat(string(rune('a'+i%26)), 5000)+string(rune(i))), snap(kzEN, "", "v", string(rune('A'+i))), nil)
	}
	a.Close()
	fi, _ := os.Stat(a.Path())
	if err := os.Truncate(a.Path(), fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{ReadOnly, ReadWrite} {
		b, err := Open(ctx, a.Path(), mode)
		if err == nil {
			_, err = b.Check(ctx)
			b.Close()
		}
		if !errors.Is(err, relwatch.ErrCorrupt) {
			t.Errorf("mode %d: truncated archive: %v, want relwatch.ErrCorrupt", mode, err)
		}
	}
}

func TestCheckFindsSearchIndexDamage(t *testing.T) {
	for name, damage := range map[string]string{
		"fts row missing":     `DELETE FROM text_fts WHERE rowid = (SELECT min(block_id) FROM text_blocks)`,
		"fts row edited":      `UPDATE text_fts SET text = 'other' WHERE rowid = (SELECT min(block_id) FROM text_blocks)`,
		"block version lost":  `DELETE FROM block_versions WHERE version = 2 AND block_id = (SELECT max(block_id) FROM text_blocks)`,
		"block version extra": `INSERT INTO block_versions (block_id, page_pk, version) SELECT max(block_id), 1, 2 FROM text_blocks WHERE text = 'only in 1'`,
	} {
		t.Run(name, func(t *testing.T) {
			a := TestArchive(t)
			mustVersion(t, a, capture(kzEN, 0, "1"), snap(kzEN, "", "only in 1"), nil)
			mustVersion(t, a, capture(kzEN, 1, "2"), snap(kzEN, "", "only in 2"), nil)
			if _, err := a.db.Exec(damage); err != nil {
				t.Fatal(err)
			}
			probs, err := a.Check(context.Background())
			if err != nil || len(probs) == 0 || probs[len(probs)-1].Kind != "search-index" {
				t.Errorf("Check = %v, %v; want a search-index problem", probs, err)
			}
		})
	}
}
