package history

import (
	"errors"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/relwatchtest"
	"github.com/relwatch/relwatch/snapshots"
)

func TestCheckSegment(t *testing.T) {
	for _, tt := range []struct {
		what, s string
		ok      bool
	}{
		{"page id", "kazakhstan", true},
		{"language", "fr", true},
		{"language", "pt-BR", true},
		{"page id", "topics_49598.v2", true},
		{"page id", "", false},
		{"page id", ".", false},
		{"page id", "..", false},
		{"page id", "a..b", false},
		{"page id", ".hidden", false},
		{"page id", "a/b", false},
		{"page id", `a\b`, false},
		{"page id", "a b", false},
		{"page id", "changes", false},
		{"page id", "README.md", false},
		{"page id", "Feed.Atom", false},
		{"language", "changes", true}, // only top-level names are reserved
		{"language", "é", false},
	} {
		if err := CheckSegment(tt.what, tt.s); (err == nil) != tt.ok {
			t.Errorf("CheckSegment(%q, %q) = %v, want ok %v", tt.what, tt.s, err, tt.ok)
		}
	}
}

// exportedChanges plans an export of f and returns its change files, by
// path.
func exportedChanges(t *testing.T, f *relwatchtest.History) map[string]string {
	t.Helper()
	files, err := PlanExport(t.Context(), f, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, file := range files {
		if strings.HasPrefix(file.Path, ExportChangesDir+"/") {
			out[file.Path] = string(file.Data)
		}
	}
	return out
}

// TestExportChangeNamesSurviveRenumbering: a backfill that puts an older
// version first renumbers the others; every change file name both
// exports have must still hold the same report (a published link keeps
// its meaning), and the names carry the new version's hash, not its number.
func TestExportChangeNamesSurviveRenumbering(t *testing.T) {
	b := page("Relations with Kazakhstan", "1 Nov. 2026", "Steppe Eagle exercise.")
	c := page("Relations with Kazakhstan", "2 Nov. 2026", "Steppe Eagle exercise, twice a year.")
	before := relwatchtest.New()
	before.Add("kazakhstan/en", b, onDay(3), relwatch.Provenance{})
	before.Add("kazakhstan/en", c, onDay(3).Add(6*time.Hour), relwatch.Provenance{})

	after := relwatchtest.New() // the same page after a backfill found an older version
	after.Add("kazakhstan/en", page("Relations with Kazakhstan", "1 Oct. 2026", "Older text."), onDay(3).Add(-time.Hour), relwatch.Provenance{Source: relwatch.SourceWayback})
	after.Add("kazakhstan/en", b, onDay(3), relwatch.Provenance{})
	after.Add("kazakhstan/en", c, onDay(3).Add(6*time.Hour), relwatch.Provenance{})

	old, renumbered := exportedChanges(t, before), exportedChanges(t, after)
	if len(old) != 2 || len(renumbered) != 4 {
		t.Fatalf("change files before %q, after %q", slices.Collect(maps.Keys(old)), slices.Collect(maps.Keys(renumbered)))
	}
	// The reports name the versions by number, which the backfill shifts;
	// everything else, both sides' hashes included, must be the same.
	numbers := regexp.MustCompile(`(version |\bv|\| )[0-9]+\b`)
	for name, data := range old {
		if numbers.ReplaceAllString(renumbered[name], "vN") != numbers.ReplaceAllString(data, "vN") {
			t.Errorf("%s holds another report after the backfill:\n%s\nwas:\n%s", name, renumbered[name], data)
		}
	}
	c.Seal()
	want := "changes/2026-11-04-kazakhstan-en-" + strings.TrimPrefix(c.ContentHash, "sha256:")[:12] + ".md"
	if _, ok := old[want]; !ok {
		t.Errorf("no %s among %q", want, slices.Collect(maps.Keys(old)))
	}
}

// TestExportChangeNamesBackAndForth: a page that flips between two
// contents within one day gets one file per change, the earliest under
// the plain name.
func TestExportChangeNamesBackAndForth(t *testing.T) {
	a := page("A", "1", "one")
	b := page("A", "1", "two")
	f := relwatchtest.New()
	for i, s := range []snapshots.Snapshot{a, b, a, b} {
		f.Add("a/en", s, onDay(0).Add(time.Duration(i)*time.Hour), relwatch.Provenance{})
	}
	got := slices.Sorted(maps.Keys(exportedChanges(t, f)))
	b.Seal()
	a.Seal()
	hb, ha := strings.TrimPrefix(b.ContentHash, "sha256:")[:12], strings.TrimPrefix(a.ContentHash, "sha256:")[:12]
	want := slices.Sorted(slices.Values([]string{
		"changes/2026-11-01-a-en-" + hb + ".md", "changes/2026-11-01-a-en-" + hb + ".html",
		"changes/2026-11-01-a-en-" + ha + ".md", "changes/2026-11-01-a-en-" + ha + ".html",
		"changes/2026-11-01-a-en-" + hb + "-090000.md", "changes/2026-11-01-a-en-" + hb + "-090000.html",
	}))
	if !slices.Equal(got, want) {
		t.Errorf("change files %q, want %q", got, want)
	}
	for _, name := range append(want, "2026-11-01-kazakhstan-fr-v2.md") {
		if !IsChangeFile(path.Base(name)) {
			t.Errorf("IsChangeFile(%q) = false; the export would not remove it when stale", path.Base(name))
		}
	}
}

func TestExportOptionsCheck(t *testing.T) {
	o := ExportOptions{BaseURL: "https://example.org/relwatch"}
	if err := o.Check(); err != nil || o.BaseURL != "https://example.org/relwatch/" {
		t.Errorf("Check: %v, base URL %q; want it to end in /", err, o.BaseURL)
	}
	for _, bad := range []ExportOptions{{BaseURL: "example.org/relwatch/"}, {BaseURL: "ftp://example.org/"}, {FeedLimit: -1}} {
		if err := bad.Check(); !errors.Is(err, ErrBadInput) {
			t.Errorf("Check(%+v): %v, want a bad input", bad, err)
		}
	}
}
