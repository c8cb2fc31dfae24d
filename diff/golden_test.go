package diff

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/relwatch/relwatch/snapshots"
)

var update = flag.Bool("update", false, "rewrite testdata/pairs and testdata/golden")

// TestPairsUpToDate keeps testdata/pairs in step with fixtures_test.go.
func TestPairsUpToDate(t *testing.T) {
	for _, c := range pairCases() {
		for side, s := range map[string]snapshots.Snapshot{"old": c.old, "new": c.new} {
			path := filepath.Join("testdata", "pairs", c.name, side+".json")
			want := snapshots.MarshalIndent(s)
			if *update {
				writeFile(t, path, want)
				continue
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale: run go test ./diff -update", path)
			}
		}
	}
}

func loadPair(t testing.TB, name string) (old, new snapshots.Snapshot) {
	t.Helper()
	load := func(side string) snapshots.Snapshot {
		data, err := os.ReadFile(filepath.Join("testdata", "pairs", name, side+".json"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := snapshots.Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return load("old"), load("new")
}

// reportFor builds the report the CLI would: the window runs from the last
// check that saw the old version to the first that saw the new one.
func reportFor(t testing.TB, name string) Report {
	old, new := loadPair(t, name)
	r := NewReport(old.Page, old, new)
	r.WindowStart, r.WindowEnd = old.LastSeen, new.FirstSeen
	return r
}

func TestGolden(t *testing.T) {
	exts := map[string]string{"text": "txt", "markdown": "md", "html": "html", "json": "json"}
	for _, c := range pairCases() {
		r := reportFor(t, c.name)
		for _, format := range Formats {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Render(&buf, format, r, RenderOptions{StampZone: "Brussels"}); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", "golden", c.name+"."+exts[format])
				if *update {
					writeFile(t, path, buf.Bytes())
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("%s differs from the rendering (run go test ./diff -update and read the diff):\n%s", path, buf.Bytes())
				}
			})
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
