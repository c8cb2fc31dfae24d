package main

import (
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestExportRendersWithOutsideTools renders every Markdown file of an
// export (index, snapshots, change reports) with GitHub's cmark-gfm and
// checks every HTML change page with HTML Tidy, as a reader's site would
// (Debian: apt-get install cmark-gfm tidy; each check skips without its
// tool). No Markdown marker or stray backslash may show as text, and page
// text must not become a link.
func TestExportRendersWithOutsideTools(t *testing.T) {
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	out := filepath.Join(dir, "export")
	runCLI(t, 0, "--config", cfg, "export", out)
	tree := readTree(t, out)
	cmark, cmarkErr := exec.LookPath("cmark-gfm")
	tidy, tidyErr := exec.LookPath("tidy")
	if cmarkErr != nil && tidyErr != nil {
		t.Skip("neither cmark-gfm nor tidy installed")
	}
	for _, name := range sortedKeys(tree) {
		switch path.Ext(name) {
		case ".md":
			if cmarkErr != nil {
				continue
			}
			cmd := exec.Command(cmark, "--unsafe", "--extension", "strikethrough", "--extension", "table", "--extension", "autolink")
			cmd.Stdin = strings.NewReader(tree[name])
			rendered, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: cmark-gfm: %v", name, err)
			}
			doc, err := html.Parse(strings.NewReader(string(rendered)))
			if err != nil {
				t.Fatal(err)
			}
			text := htmlText(doc)
			for _, stray := range []string{"**", "~~", `\`, "| ---"} {
				if strings.Contains(text, stray) {
					t.Errorf("%s: %q shows as text on GitHub:\n%s", name, stray, rendered)
				}
			}
		case ".html":
			if tidyErr != nil {
				continue
			}
			cmd := exec.Command(tidy, "-q", "-e", "-utf8")
			cmd.Stdin = strings.NewReader(tree[name])
			if msgs, err := cmd.CombinedOutput(); err != nil || len(msgs) > 0 {
				t.Errorf("%s: tidy: %v\n%s", name, err, msgs)
			}
		}
	}
}
