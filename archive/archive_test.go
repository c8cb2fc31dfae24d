package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
)

func TestRawBodyDedup(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	body := strings.Repeat("<p>NATO and Kazakhstan</p>", 100)
	mustVersion(t, a, capture(kzEN, 0, body), snap(kzEN, "", "x"), nil)
	mustUnchanged(t, a, capture(kzEN, 1, body), 1)
	mustVersion(t, a, capture(kzFR, 2, body), snap(kzFR, "", "x"), nil)
	if n := count(t, a, "raw_bodies"); n != 1 {
		t.Errorf("raw_bodies = %d, want 1", n)
	}
	var digest string
	a.db.QueryRow(`SELECT b.digest FROM captures c JOIN raw_bodies b USING (body_id) LIMIT 1`).Scan(&digest)
	raw, err := a.RawBody(ctx, digest)
	if err != nil || string(raw) != body {
		t.Errorf("RawBody = %d bytes, %v", len(raw), err)
	}
	var stored int
	a.db.QueryRow(`SELECT length(data) FROM raw_bodies`).Scan(&stored)
	if stored >= len(body) {
		t.Errorf("stored %d bytes for a %d-byte body: not compressed", stored, len(body))
	}
}

func TestReopenAndReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "archive.db")
	a, err := Open(ctx, path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Created() {
		t.Error("Created() = false for a new archive")
	}
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(ctx, path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created() {
		t.Error("Created() = true for an existing archive")
	}
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, path, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if vs, err := ro.Versions(ctx, kzEN); err != nil || len(vs) != 1 {
		t.Errorf("read-only Versions = %v, %v", vs, err)
	}
	if err := ro.RecordFailure(ctx, capture(kzEN, 1, "")); err == nil {
		t.Error("a read-only archive accepted a write")
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "missing.db"), ReadOnly); !errors.Is(err, relwatch.ErrNoArchive) || !errors.Is(err, relwatch.ErrUnusable) {
		t.Errorf("missing archive: %v, want relwatch.ErrNoArchive", err)
	}
}

// TestNoArchiveInAMissingDirectory: a mistyped --db must not start a
// second history in directories made for it.
func TestNoArchiveInAMissingDirectory(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "no", "such", "archive.db")
	_, err := Open(context.Background(), path, ReadWrite)
	if !errors.Is(err, relwatch.ErrNoArchive) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Open in a missing directory: %v, want relwatch.ErrNoArchive saying the directory does not exist", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("Open in a missing directory made %v", entries)
	}
}

func TestCloseLeavesOneFile(t *testing.T) {
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("after Close the WAL still holds %d bytes", fi.Size())
	}
}
