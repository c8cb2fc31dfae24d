package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

// update rewrites the golden files of this package's tests:
// go test ./cmd/relwatch -run Golden -update
var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// fixtureArchive writes an archive with fixed dates into dir and returns a
// config pointing at it: kazakhstan/fr in two versions (v1 first seen
// 2026-11-20 06:00, checked again 2026-11-27 06:00; v2 seen 2026-11-28
// 06:00) and kazakhstan/en in one.
func fixtureArchive(t *testing.T, dir string) (cfgPath string) {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(dir, "fixture.db")
	arc, err := archive.Open(ctx, db, archive.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	at := func(day int) time.Time { return time.Date(2026, 11, day, 6, 0, 0, 0, time.UTC) }
	parse := func(fixture string, key snapshots.PageKey, url string) snapshots.Snapshot {
		raw, err := os.ReadFile(filepath.Join("testdata", fixture))
		if err != nil {
			t.Fatal(err)
		}
		p, err := scraper.Parse([]byte(strings.ReplaceAll(string(raw), "{{TOKEN}}", "tok")), "text/html; charset=utf-8", url, scraper.ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := p.Snapshot
		s.Page, s.URL = key.String(), url
		s.Seal()
		return s
	}
	capture := func(key snapshots.PageKey, url string, when time.Time) relwatch.Capture {
		return relwatch.Capture{Page: key, URL: url, FinalURL: url, CanonicalURL: url, Source: "live",
			Started: when, Finished: when.Add(2 * time.Second), Status: 200, ContentType: "text/html; charset=utf-8"}
	}
	en := snapshots.PageKey{ID: "kazakhstan", Lang: "en"}
	fr := snapshots.PageKey{ID: "kazakhstan", Lang: "fr"}
	enURL, frURL := "https://www.nato.int/cps/en/natohq/topics_49598.htm", "https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=fr"

	v1 := parse("kazakhstan-fr-v1.html", fr, frURL)
	mustRecord := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = arc.RecordVersion(ctx, capture(fr, frURL, at(20)), v1, scraper.ParserVersion, nil)
	mustRecord(err)
	mustRecord(arc.RecordUnchanged(ctx, capture(fr, frURL, at(27)), 1))
	v2 := parse("kazakhstan-fr-v2.html", fr, frURL)
	record := track.ChangeRecord(diff.Compare(v1, v2))
	_, err = arc.RecordVersion(ctx, capture(fr, frURL, at(28)), v2, scraper.ParserVersion, &record)
	mustRecord(err)
	_, err = arc.RecordVersion(ctx, capture(en, enURL, at(20)), parse("kazakhstan-fr-v1.html", en, enURL), scraper.ParserVersion, nil)
	mustRecord(err)
	mustRecord(arc.Close())

	cfgPath = filepath.Join(dir, "relwatch.yaml")
	cfg := fmt.Sprintf("archive: fixture.db\ntargets:\n  - {id: kazakhstan, lang: en, url: '%s'}\n  - {id: kazakhstan, lang: fr, url: '%s'}\n", enURL, frURL)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath
}

// runCLI runs one relwatch command line in-process.
func runCLI(t *testing.T, wantCode int, args ...string) string {
	t.Helper()
	e := &testEnv{t: t}
	out, errOut, code := e.relwatch(args...)
	if code != wantCode {
		t.Fatalf("relwatch %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, wantCode, out, errOut)
	}
	return out
}

// readTree returns every file under dir, by slash path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestExportGolden compares the whole export tree of the fixture archive,
// file listing and contents, with testdata/golden/export.
func TestExportGolden(t *testing.T) {
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	out := filepath.Join(dir, "export")
	runCLI(t, 0, "--config", cfg, "export", out)
	got := readTree(t, out)

	golden := filepath.Join("testdata", "golden", "export")
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		for name, data := range got {
			path := filepath.Join(golden, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := readTree(t, golden)
	if g, w := strings.Join(sortedKeys(got), "\n"), strings.Join(sortedKeys(want), "\n"); g != w {
		t.Fatalf("export tree:\n%s\nwant:\n%s\n(go test -run Golden -update to accept)", g, w)
	}
	for _, name := range sortedKeys(want) {
		if got[name] != want[name] {
			t.Errorf("%s differs from the golden file (go test -run Golden -update to accept):\n%s", name, got[name])
		}
	}
}

// TestExportIdempotent exports twice and wants no byte changed the second
// time, then checks that stale files of ours go and others' files stay.
func TestExportIdempotent(t *testing.T) {
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	out := filepath.Join(dir, "export")
	if first := runCLI(t, 0, "--config", cfg, "export", out); !strings.Contains(first, ": 8 written, 0 removed, 0 unchanged") {
		t.Fatalf("first export:\n%s", first)
	}
	before := readTree(t, out)
	stat := func(p string) time.Time {
		fi, err := os.Stat(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		return fi.ModTime()
	}
	mtime := stat("feed.atom")

	// Files relwatch did not write, and stale ones it did.
	plant := map[string]string{
		"notes.txt":                              "mine",
		"kazakhstan/notes.txt":                   "mine too",
		"changes/2026-01-01-kazakhstan-fr-v9.md": "stale change",
		"kazakhstan/de.json":                     "stale snapshot",
		"changes/.relwatch-123.tmp":              "left by a crash",
	}
	for p, data := range plant {
		if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(p)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	second := runCLI(t, 0, "--config", cfg, "export", out)
	if !strings.Contains(second, ": 0 written, 2 removed, ") {
		t.Fatalf("second export wrote something:\n%s", second)
	}
	after := readTree(t, out)
	for p, data := range before {
		if after[p] != data {
			t.Errorf("%s changed on the second export", p)
		}
	}
	if !stat("feed.atom").Equal(mtime) {
		t.Error("feed.atom was rewritten with the same content")
	}
	for _, p := range []string{"notes.txt", "kazakhstan/notes.txt"} {
		if _, ok := after[p]; !ok {
			t.Errorf("%s, not ours, was removed", p)
		}
	}
	for _, p := range []string{"changes/2026-01-01-kazakhstan-fr-v9.md", "kazakhstan/de.json", "changes/.relwatch-123.tmp"} {
		if _, ok := after[p]; ok {
			t.Errorf("stale %s was kept", p)
		}
	}
	if third := runCLI(t, 0, "--config", cfg, "export", out); !strings.Contains(third, ": 0 written, 0 removed, ") {
		t.Fatalf("third export:\n%s", third)
	}
}

// TestExportRefusesUnsafeFolders: an empty DIR, a file in its place and a
// symbolic link below it are refused, and nothing behind the link is
// written or removed; none of them is exit 3, which means failed targets.
func TestExportRefusesUnsafeFolders(t *testing.T) {
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	e := &testEnv{t: t}
	runIn := func(args ...string) (string, int) {
		_, stderr, code := e.relwatch(append([]string{"--config", cfg}, args...)...)
		return stderr, code
	}
	if stderr, code := runIn("export", ""); code != exitUsage || !strings.Contains(stderr, "empty folder name") {
		t.Errorf(`export "": exit %d, stderr %q`, code, stderr)
	}
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if stderr, code := runIn("export", file); code != exitUsage || !strings.Contains(stderr, "is not a folder") {
		t.Errorf("export into a file: exit %d, stderr %q", code, stderr)
	}

	out := filepath.Join(dir, "site")
	if _, code := runIn("export", out); code != exitOK {
		t.Fatalf("export: exit %d", code)
	}
	// changes/ replaced by a link to a folder of the user's, holding a
	// file with a change file's name.
	elsewhere := filepath.Join(dir, "elsewhere")
	if err := os.Mkdir(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(elsewhere, "2001-01-01-x-en-v2.md")
	if err := os.WriteFile(victim, []byte("not relwatch's"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(out, "changes")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(out, "changes")); err != nil {
		t.Fatal(err)
	}
	stderr, code := runIn("export", out)
	if code != exitOther || !strings.Contains(stderr, "is a symbolic link") {
		t.Errorf("export through a linked changes/: exit %d, stderr %q", code, stderr)
	}
	if data, err := os.ReadFile(victim); err != nil || string(data) != "not relwatch's" {
		t.Errorf("a file behind the link was changed: %q, %v", data, err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 1 {
		t.Errorf("export wrote behind the link: %v", entries)
	}
}
