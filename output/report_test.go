package output

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// TestSummaryGolden pins the Markdown run summary that goes to
// $GITHUB_STEP_SUMMARY: the table of pages, then each change.
func TestSummaryGolden(t *testing.T) {
	seen := func(day int) *time.Time {
		t := time.Date(2026, 11, day, 6, 0, 0, 0, time.UTC)
		return &t
	}
	old := snapshots.Snapshot{Version: 1, Title: "Relations avec le Kazakhstan", UpdatedRaw: "23 May. 2022 15:38",
		Sections: []snapshots.Section{{Heading: "Principaux domaines", Level: 2, Blocks: []snapshots.Block{
			{Kind: snapshots.Bullet, Text: "Des exercices militaires annuels appelés « Steppe Eagle »."}}}}, FirstSeen: seen(20)}
	new := old
	new.Version, new.UpdatedRaw, new.UpdatedAt, new.FirstSeen = 2, "14 Nov. 2026 10:05", "2026-11-14T09:05:00Z", seen(28)
	new.Sections = []snapshots.Section{{Heading: "Principaux domaines", Level: 2, Blocks: []snapshots.Block{
		{Kind: snapshots.Bullet, Text: "Des exercices militaires multinationaux annuels appelés « Steppe Eagle »."}}}}
	old.Seal()
	new.Seal()
	report := diff.NewReport("kazakhstan/fr", old, new)
	report.WindowStart, report.WindowEnd = seen(27), seen(28)

	results := []track.Result{
		{Page: "kazakhstan/en", Status: relwatch.StatusUnchanged, Version: 3, PreviousVersion: 3, UpdatedRaw: "14 Nov. 2026 10:02"},
		{Page: "kazakhstan/fr", Status: relwatch.StatusChanged, Version: 2, PreviousVersion: 1, UpdatedRaw: "14 Nov. 2026 10:05", Report: &report},
		{Page: "georgia/en", Status: relwatch.StatusFailed, Error: "http_status: HTTP 503 | Service Unavailable"},
	}
	got := filepath.Join(t.TempDir(), "summary.md")
	if err := AppendSummary(got, results); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden", "summary.md")
	if *update {
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(data) != string(want) {
		t.Errorf("summary differs from %s (go test -update to accept):\n%s", golden, data)
	}

	// A second run appends its summary after a blank line, and GitHub
	// renders both: two run headings, and in each the run's table and the
	// change's.
	if err := AppendSummary(got, results); err != nil {
		t.Fatal(err)
	}
	twice, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if want := string(data) + "\n" + string(data); string(twice) != want {
		t.Errorf("second run appended as:\n%s", twice)
	}
	if cmark, err := exec.LookPath("cmark-gfm"); err == nil {
		cmd := exec.Command(cmark, "--extension", "table", "--extension", "strikethrough")
		cmd.Stdin = bytes.NewReader(twice)
		html, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(html), "<h2>relwatch: "); n != 2 {
			t.Errorf("GitHub shows %d run headings, want 2:\n%s", n, html)
		}
		if n := strings.Count(string(html), "<table>"); n != 4 {
			t.Errorf("GitHub shows %d tables, want 4", n)
		}
		for _, stray := range []string{"**", "~~", "| ---"} {
			if strings.Contains(string(html), stray) {
				t.Errorf("%q shows as text on GitHub:\n%s", stray, html)
			}
		}
	}
}
