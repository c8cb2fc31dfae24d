package main

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"io"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// tamperVersion edits the stored snapshot of one version by hand, so that
// its content no longer matches its content hash.
func tamperVersion(t *testing.T, dbPath string, version int, from, to string) {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored []byte
	if err := db.QueryRow(`SELECT snapshot FROM versions WHERE version = ?`, version).Scan(&stored); err != nil {
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
	zw.Write(bytes.ReplaceAll(js, []byte(from), []byte(to)))
	zw.Close()
	if _, err := db.Exec(`UPDATE versions SET snapshot = ? WHERE version = ?`, forged.Bytes(), version); err != nil {
		t.Fatal(err)
	}
}

// TestShowAndDiffWarnAboutATamperedVersion: show and diff still print a
// version whose snapshot fails its content hash (exit code unchanged), but
// say so on stderr, naming the page and version and pointing to check.
func TestShowAndDiffWarnAboutATamperedVersion(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	for _, args := range [][]string{{"show", "kazakhstan/fr", "--version", "1"}, {"diff", "kazakhstan/fr"}} {
		if _, stderr, code := e.relwatch(args...); code != exitOK || stderr != "" {
			t.Errorf("relwatch %v on a sound archive: exit %d, stderr %q", args, code, stderr)
		}
	}
	tamperVersion(t, e.db, 1, "Kazakhstan", "Kazakstan")

	for _, args := range [][]string{
		{"show", "kazakhstan/fr", "--version", "1"},
		{"show", "kazakhstan/fr", "--version", "1", "--format", "json"},
		{"diff", "kazakhstan/fr"},
		{"diff", "kazakhstan/fr", "--format", "json"},
		{"show", "kazakhstan/fr"}, // v2 is sound
	} {
		out, stderr, code := e.relwatch(args...)
		sound := args[len(args)-1] == "kazakhstan/fr" && args[0] == "show"
		switch {
		case sound:
			if code != exitOK || stderr != "" {
				t.Errorf("relwatch %v (a sound version): exit %d, stderr %q", args, code, stderr)
			}
		default:
			if code != exitOK || out == "" {
				t.Errorf("relwatch %v: exit %d, stdout %q", args, code, out)
			}
			for _, want := range []string{"warning", "kazakhstan/fr version 1", "content hash", "run relwatch check"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("relwatch %v: stderr %q lacks %q", args, stderr, want)
				}
			}
		}
	}
}
