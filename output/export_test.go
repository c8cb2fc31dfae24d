package output

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/relwatch/relwatch/history"
)

func writeFile(t *testing.T, dir, rel, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWriteExport: planned files are written, rewritten only when their
// bytes differ, and files of the export's name patterns that are no longer
// planned go (temporary files too), while everything else stays.
func TestWriteExport(t *testing.T) {
	dir := t.TempDir()
	plan := []history.ExportFile{
		{Path: "README.md", Data: []byte("index\n")},
		{Path: "kazakhstan/fr.json", Data: []byte("{}\n")},
		{Path: "changes/2026-11-28-kazakhstan-fr-2a511bf7bff7.md", Data: []byte("change\n")},
	}
	res, err := WriteExport(dir, plan)
	if err != nil || len(res.Written) != 3 || res.Unchanged != 0 || len(res.Removed) != 0 {
		t.Fatalf("first write: %+v, %v", res, err)
	}
	writeFile(t, dir, "notes.txt", "mine")
	writeFile(t, dir, "kazakhstan/notes.txt", "mine too")
	writeFile(t, dir, "kazakhstan/de.json", "stale snapshot")
	writeFile(t, dir, "changes/2026-01-01-kazakhstan-fr-v9.md", "stale change")
	writeFile(t, dir, "changes/"+exportTempPrefix+"123.tmp", "left by a crash")
	plan[0].Data = []byte("index, new\n")

	res, err = WriteExport(dir, plan)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Written, []string{"README.md"}) || res.Unchanged != 2 {
		t.Errorf("second write: written %v, %d unchanged; want README.md only, 2 unchanged", res.Written, res.Unchanged)
	}
	if want := []string{"changes/2026-01-01-kazakhstan-fr-v9.md", "kazakhstan/de.json"}; !slices.Equal(res.Removed, want) {
		t.Errorf("removed %v, want %v", res.Removed, want)
	}
	for rel, want := range map[string]bool{"notes.txt": true, "kazakhstan/notes.txt": true, "kazakhstan/de.json": false,
		"changes/" + exportTempPrefix + "123.tmp": false, "README.md": true} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); (err == nil) != want {
			t.Errorf("%s: present %v, want %v", rel, err == nil, want)
		}
	}
}

// TestWriteExportNeverThroughALink: a link below DIR stops the export
// before anything behind it is written or removed.
func TestWriteExportNeverThroughALink(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	victim := filepath.Join(elsewhere, "2001-01-01-x-en-v2.md")
	writeFile(t, elsewhere, filepath.Base(victim), "not relwatch's")
	if err := os.Symlink(elsewhere, filepath.Join(dir, history.ExportChangesDir)); err != nil {
		t.Fatal(err)
	}
	_, err := WriteExport(dir, []history.ExportFile{{Path: "changes/2026-11-28-kazakhstan-fr-2a511bf7bff7.md", Data: []byte("x")}})
	if err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Errorf("export through a link: %v", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 1 {
		t.Errorf("export wrote behind the link: %v", entries)
	}
}

func TestCheckFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a-file", "x")
	for _, c := range []struct{ dir, want string }{
		{"", "empty folder name"},
		{"  ", "empty folder name"},
		{filepath.Join(dir, "a-file"), "is not a folder"},
		{filepath.Join(dir, "not-yet"), ""},
		{dir, ""},
	} {
		err := CheckFolder("export", c.dir)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckFolder(%q) = %v, want %q", c.dir, err, c.want)
		}
	}
}
