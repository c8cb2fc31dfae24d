package main

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/relwatch/relwatch/archive"
)

func TestCorruptBaselineIsNeverDiffed(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")

	// Someone edits the stored snapshot by hand: its content hash no longer matches.
	db, err := sql.Open("sqlite", e.db)
	if err != nil {
		t.Fatal(err)
	}
	// The snapshot is stored gzip-compressed (schema 5).
	var stored []byte
	if err := db.QueryRow(`SELECT snapshot FROM versions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(stored))
	if err != nil {
		t.Fatal(err)
	}
	js, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var forged bytes.Buffer
	zw := gzip.NewWriter(&forged)
	zw.Write(bytes.ReplaceAll(js, []byte("Kazakhstan"), []byte("Kazakstan")))
	zw.Close()
	if _, err := db.Exec(`UPDATE versions SET snapshot = ?`, forged.Bytes()); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, _, code := e.relwatch("check")
	if code != exitUnusable || !strings.Contains(out, "version") {
		t.Fatalf("check on a tampered version: exit %d\n%s", code, out)
	}
	e.site.serve(200, "kazakhstan-fr-v2.html")
	r := scrapeJSON(t, e.mustRun(exitFailed, "scrape", "--json"))
	if r.Status != statusFailed || r.ErrorKind != "corrupt_baseline" || !strings.Contains(r.Error, "relwatch check") {
		t.Fatalf("scrape against a corrupt baseline: %+v", r)
	}
}

func TestDBThatIsNotAnArchive(t *testing.T) {
	e := newTestEnv(t)
	notes := filepath.Join(e.dir, "notes.txt")
	content := []byte("my notes, not an archive\n")
	if err := os.WriteFile(notes, content, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{notes, e.dir} {
		for _, args := range [][]string{{"scrape"}, {"pages"}, {"log", "kazakhstan/fr"}} {
			_, stderr, code := e.relwatch(append([]string{"--db", db}, args...)...)
			if code != exitUnusable || !strings.Contains(stderr, "not a relwatch archive") {
				t.Errorf("--db %s %v: exit %d, stderr %q", db, args, code, stderr)
			}
		}
	}
	if got, _ := os.ReadFile(notes); !bytes.Equal(got, content) {
		t.Fatal("relwatch modified a file that is not an archive")
	}
}

func TestSecondScrapeIsRefusedWhileLocked(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	// Hold the writer lock as a running scrape would, from another handle.
	cfg, err := LoadConfig(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	g := &globals{}
	arc, err := archive.Open(t.Context(), g.archivePath(cfg), archive.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	unlock, err := arc.Lock(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	_, stderr, code := e.relwatch("scrape", "--lock-timeout", "100ms")
	if code != exitUnusable || !strings.Contains(stderr, "locked by pid") {
		t.Fatalf("second scrape: exit %d, stderr %q", code, stderr)
	}
	if out := e.mustRun(0, "log", "kazakhstan/fr"); !strings.Contains(out, "first version") {
		t.Fatalf("readers must not be blocked by the writer: %q", out)
	}
}

// TestReparseDryRunWhileLocked: --dry-run reads the archive without the
// writer lock, so it works while a scrape holds it, and changes nothing;
// a real reparse is refused (exit 4).
func TestReparseDryRunWhileLocked(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	before, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(t.Context(), e.db, archive.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	unlock, err := arc.Lock(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the scratch copy goes

	out := e.mustRun(0, "reparse", "--dry-run")
	if !strings.Contains(out, "kazakhstan/fr: 2 captures, 2 versions: unchanged") {
		t.Errorf("reparse --dry-run while a scrape holds the lock: %q", out)
	}
	if _, stderr, code := e.relwatch("reparse"); code != exitUnusable || !strings.Contains(stderr, "locked by pid") {
		t.Errorf("reparse while locked: exit %d, stderr %q", code, stderr)
	}
	if after, _ := os.ReadFile(e.db); !bytes.Equal(before, after) {
		t.Error("reparse --dry-run changed the archive file")
	}
	if got, _ := filepath.Glob(filepath.Join(tmp, "*")); len(got) > 0 {
		t.Errorf("reparse --dry-run left its scratch copy behind: %v", got)
	}
}
