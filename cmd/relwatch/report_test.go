package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportOutputErrors: a --report-dir with a link below it, or an
// unwritable --summary, is said on stderr and does not replace the run's
// own exit code (1 with --exit-code, for the change that was archived).
func TestReportOutputErrors(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	reports := filepath.Join(e.dir, "reports")
	elsewhere := filepath.Join(e.dir, "elsewhere")
	for _, d := range []string{reports, elsewhere} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(elsewhere, filepath.Join(reports, "kazakhstan")); err != nil {
		t.Fatal(err)
	}
	e.site.serve(200, "kazakhstan-fr-v2.html")
	out, stderr, code := e.relwatch("scrape", "--exit-code", "--report-dir", reports)
	if code != exitChanged || !strings.Contains(stderr, "is a symbolic link") || !strings.Contains(out, "changed") {
		t.Errorf("scrape with a linked report folder: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("reports written behind the link: %v", entries)
	}
	// Without --exit-code, the output error is the exit: 5.
	e.site.serve(200, "kazakhstan-fr-v1.html")
	_, stderr, code = e.relwatch("scrape", "--summary", filepath.Join(e.dir, "no", "such", "dir", "summary.md"))
	if code != exitOther || !strings.Contains(stderr, "summary") {
		t.Errorf("scrape with an unwritable summary: exit %d, stderr %q", code, stderr)
	}
	if n := len(e.versionsOf("kazakhstan/fr")); n != 3 {
		t.Errorf("%d versions archived, want 3: an output error must not lose one", n)
	}
}
