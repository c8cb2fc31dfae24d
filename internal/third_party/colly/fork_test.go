package colly

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "copy colly's root package from the version go.mod requires, with the fork's edit")

// TestForkIsUpstream holds the fork to its promise (README.md): these files
// are colly's root package at the version go.mod requires, but for the
// edit withoutAppengine makes. After a bump of colly in go.mod it fails
// until the fork is copied again: go test ./internal/third_party/colly -update.
func TestForkIsUpstream(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", "github.com/gocolly/colly/v2").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/gocolly/colly/v2: %v", err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	if dir == "" {
		t.Fatalf("colly %s is not in the module cache (go mod download)", version)
	}
	upstream := goFiles(t, dir)
	if got := goFiles(t, "."); !slices.Equal(got, upstream) && !*update {
		t.Errorf("the fork's files %v are not colly %s's %v", got, version, upstream)
	}
	for _, name := range upstream {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "colly.go" {
			if want, err = withoutAppengine(want); err != nil {
				t.Fatalf("colly %s: %v", version, err)
			}
		}
		if *update {
			if err := os.WriteFile(name, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, _ := os.ReadFile(name); !bytes.Equal(got, want) {
			t.Errorf("%s is not colly %s's with the fork's edit (go test -update copies it again)", name, version)
		}
	}
}

// withoutAppengine is the fork's one edit: colly.go without
// Collector.Appengine and its import of App Engine's urlfetch.
func withoutAppengine(src []byte) ([]byte, error) {
	s := string(src)
	const imp = "\t\"google.golang.org/appengine/urlfetch\"\n"
	const doc, last = "// Appengine will replace", "\tc.backend.Client = client\n}\n"
	i := strings.Index(s, doc)
	j := strings.Index(s, last)
	if !strings.Contains(s, imp) || i < 0 || j < i {
		return nil, fmt.Errorf("colly.go no longer has Collector.Appengine as the fork knows it: look at the fork again")
	}
	s = s[:i] + strings.TrimPrefix(s[j+len(last):], "\n")
	return []byte(strings.Replace(s, imp, "", 1)), nil
}

func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, n := range names {
		if n = filepath.Base(n); !strings.HasSuffix(n, "_test.go") {
			files = append(files, n)
		}
	}
	return files
}
