package history

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/relwatchtest"
	"github.com/relwatch/relwatch/snapshots"
)

// refLogTable is log's text table as it was written before it was
// optimised: fmt and text/tabwriter. WriteLogTable must give the same bytes.
func refLogTable(versions []relwatch.VersionInfo) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tFIRST SEEN (UTC)\tLAST SEEN (UTC)\tCHECKS\tPAGE STAMP\tCHANGE")
	newest := map[string]int{} // content hash → newest version so far
	for i, v := range versions {
		var prev *relwatch.VersionInfo
		if i > 0 && versions[i-1].Version+1 == v.Version {
			prev = &versions[i-1]
		}
		stamp := v.UpdatedRaw
		if stamp == "" {
			stamp = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", v.Version, ShortTime(v.FirstSeen), ShortTime(v.LastSeen), v.Checks, stamp, refChangeLine(v, prev, newest[v.ContentHash]))
		newest[v.ContentHash] = v.Version
	}
	tw.Flush()
	return b.String()
}

func refChangeLine(v relwatch.VersionInfo, prev *relwatch.VersionInfo, back int) string {
	note := ""
	switch v.Source {
	case relwatch.SourceWayback:
		note = "; from the Wayback Machine capture of " + v.FirstSeen.UTC().Format(time.DateOnly)
	case relwatch.SourceImport:
		note = "; imported from " + filepath.Base(v.Origin)
	}
	if v.Version == 1 {
		return "first version" + note
	}
	// The order of the reports: page header, sections, then their text.
	order := []string{"title_changed", "stamp_changed", "lead_changed", "caption_added", "caption_removed", "caption_changed",
		"section_added", "section_removed", "section_renamed", "section_moved",
		"block_added", "block_removed", "block_changed", "block_moved"}
	var parts []string
	for _, k := range order {
		if n := v.Summary[k]; n > 0 {
			noun, verb, _ := strings.Cut(k, "_")
			if k == "stamp_changed" && prev != nil {
				switch {
				case prev.UpdatedRaw == "":
					verb = "added"
				case v.UpdatedRaw == "":
					verb = "removed"
				case prev.UpdatedAt != "" && v.UpdatedAt != "" && v.UpdatedAt < prev.UpdatedAt, // same zone and layout
					(prev.UpdatedAt == "" || v.UpdatedAt == "") && v.UpdatedOn != "" && v.UpdatedOn < prev.UpdatedOn:
					verb = "went backwards"
				}
			}
			if n > 1 {
				noun += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s %s", n, noun, verb))
		}
	}
	line := strings.Join(parts, ", ")
	if line == "" {
		line = "changed"
	}
	if v.ParserChange {
		line = "parser update, not an edit of the page: " + line
	}
	if v.WindowStart != nil {
		line += fmt.Sprintf(" (between %s and %s)", ShortTime(*v.WindowStart), ShortTime(v.FirstSeen))
	}
	if back != 0 {
		line += fmt.Sprintf("; the page came back to version %d", back)
	}
	if v.Suspect != "" {
		line += "; suspect: " + v.Suspect
	}
	return line + note
}

func TestLogTableMatchesTabwriter(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 7, 0, 0, paris) }
	win := at(3, 23)
	versions := []relwatch.VersionInfo{
		{Version: 1, ContentHash: "sha256:01", FirstSeen: at(1, 0), LastSeen: at(2, 5), Checks: 3, UpdatedRaw: "23 mai 2022 15:38", Provenance: relwatch.Provenance{Source: relwatch.SourceWayback}},
		{Version: 2, ContentHash: "sha256:02", FirstSeen: at(4, 6), LastSeen: at(4, 6), Checks: 1, Summary: map[string]int{"block_changed": 1, "stamp_changed": 1}, WindowStart: &win},
		{Version: 3, ContentHash: "sha256:03", FirstSeen: at(5, 6), LastSeen: at(9, 6), Checks: 12345, UpdatedRaw: "14 déc. 2026 10:05", StampOnly: true, Summary: map[string]int{"stamp_changed": 1}},
		{Version: 4, ContentHash: "sha256:02", FirstSeen: at(10, 6), LastSeen: at(10, 6), Checks: 1, ParserChange: true, Summary: map[string]int{"block_added": 2}, Suspect: "text shrank by 90%"},
		{Version: 5, ContentHash: "sha256:05", FirstSeen: at(11, 6), LastSeen: at(11, 6), Checks: 1, Provenance: relwatch.Provenance{Source: relwatch.SourceImport, Origin: "/tmp/saved/ümlaut page.html"}},
		{Version: 1000, ContentHash: "sha256:02", FirstSeen: time.Date(1999, 1, 2, 3, 4, 0, 0, time.UTC), LastSeen: time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC), UpdatedRaw: "Привет мир, long stamp"},
	}
	for _, n := range []int{0, 1, 2, len(versions)} {
		var b strings.Builder
		if err := WriteLogTable(&b, versions[:n], nil); err != nil {
			t.Fatal(err)
		}
		if want := refLogTable(versions[:n]); b.String() != want {
			t.Errorf("%d versions: got\n%s\nwant\n%s", n, b.String(), want)
		}
		sameStreamed(t, versions[:n], 1, 4)
	}
}

// sameStreamed checks that the table streamLogTable writes, from batches
// of each size, is text/tabwriter's.
func sameStreamed(t *testing.T, versions []relwatch.VersionInfo, sizes ...int) {
	t.Helper()
	want := refLogTable(versions)
	for _, size := range sizes {
		var b strings.Builder
		if err := streamLogTable(t.Context(), batches{versions, size}, kzEN, &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%d versions streamed %d at a time: got\n%.2000s\nwant\n%.2000s", len(versions), size, b.String(), want)
		}
	}
}

// TestLogTableSaysWhatTheStampDid: the CHANGE column says a stamp went
// backwards or was removed, as the reports do, from the stamps of the
// version and the one before it.
func TestLogTableSaysWhatTheStampDid(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2026, 11, d, 6, 0, 0, 0, time.UTC) }
	stamp := map[string]int{"stamp_changed": 1}
	versions := []relwatch.VersionInfo{
		{Version: 1, FirstSeen: at(1), LastSeen: at(1), UpdatedRaw: "14 Nov. 2026 10:05", UpdatedOn: "2026-11-14", UpdatedAt: "2026-11-14T09:05:00Z"},
		{Version: 2, FirstSeen: at(2), LastSeen: at(2), UpdatedRaw: "23 May. 2022 15:38", UpdatedOn: "2022-05-23", UpdatedAt: "2022-05-23T13:38:00Z", Summary: stamp, StampOnly: true},
		{Version: 3, FirstSeen: at(3), LastSeen: at(3), Summary: stamp, StampOnly: true},
	}
	var b strings.Builder
	if err := WriteLogTable(&b, versions, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 stamp went backwards", "1 stamp removed"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, b.String())
		}
	}
}

// TestLogTableNamesParagraphsAndBullets: the CHANGE column names the
// blocks a change touched as the paragraphs and bullets they are, in the
// words and order of the change's report, from the counts the archive
// keeps; log --json's summary keeps to the counts per change kind.
func TestLogTableNamesParagraphsAndBullets(t *testing.T) {
	f := relwatchtest.New()
	v1 := page("Relations with Kazakhstan", "1 Nov. 2026", "Steppe Eagle exercise.", "Partnership for Peace.")
	v1.Sections[0].Blocks = append(v1.Sections[0].Blocks,
		snapshots.Block{Kind: "bullet", Text: "Security cooperation."}, snapshots.Block{Kind: "bullet", Text: "Science for Peace."})
	v2 := page("Relations with Kazakhstan", "1 Nov. 2026", "Steppe Eagle exercise.")
	f.Add("kazakhstan/en", v1, onDay(0), relwatch.Provenance{})
	f.Add("kazakhstan/en", v2, onDay(1), relwatch.Provenance{})
	versions, err := f.Versions(t.Context(), kzEN)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteLogTable(&b, versions, nil); err != nil {
		t.Fatal(err)
	}
	report := diff.Compare(v1, v2).Describe()
	if report != "1 paragraph removed, 2 bullets removed" || !strings.Contains(b.String(), "  "+report+" (between") {
		t.Errorf("report says %q; log:\n%s", report, b.String())
	}
	if s := LogEntries(versions, nil)[1].Summary; len(s) != 1 || s["block_removed"] != 3 {
		t.Errorf("log --json summary %v, want {block_removed: 3}", s)
	}
}

// appendShortTime writes what ShortTime does, whatever the zone and year.
func TestAppendShortTimeIsShortTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	zones := []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("west", -9*3600-1800)}
	for i := range 100000 {
		tm := time.Unix(rng.Int64N(1<<38)-1<<37, rng.Int64N(1e9)).In(zones[i%len(zones)])
		if got, want := string(appendShortTime(nil, tm)), ShortTime(tm); got != want {
			t.Fatalf("appendShortTime(%v) = %q, want %q", tm, got, want)
		}
	}
}

// appendJSONTime writes what JSONTimeLayout does, whatever the zone and year.
func TestAppendJSONTimeIsTheLayout(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	zones := []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("west", -9*3600-1800)}
	for i := range 100000 {
		tm := time.Unix(rng.Int64N(1<<38)-1<<37, rng.Int64N(1e9)).In(zones[i%len(zones)])
		if i%7 == 0 {
			tm = tm.Truncate(time.Second)
		}
		if got, want := string(appendJSONTime(nil, tm)), tm.UTC().Format(snapshots.JSONTimeLayout); got != want {
			t.Fatalf("appendJSONTime(%v) = %q, want %q", tm, got, want)
		}
	}
}

// A long table, formatted in two halves at once, is the table
// text/tabwriter makes.
func TestLongLogTableMatchesTabwriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	shared := []map[string]int{{"stamp_changed": 1, "block_changed": 1}, {"stamp_changed": 1}, {"block_added": 2, "title_changed": 1}}
	stamps := []string{"23 mai 2022 15:38", "14 déc. 2026 10:05", "Привет мир", "09 May. 2025"}
	at := time.Date(2016, 1, 4, 6, 0, 0, 0, time.UTC)
	var versions []relwatch.VersionInfo
	for i := range 3*rowsInParallel + 7 {
		v := relwatch.VersionInfo{Version: i + 1, ContentHash: "sha256:" + strconv.Itoa(rng.IntN(i+1)),
			FirstSeen: at.Add(time.Duration(i) * 6 * time.Hour), LastSeen: at.Add(time.Duration(i)*6*time.Hour + time.Hour),
			Checks: 1 + rng.IntN(3000), UpdatedRaw: stamps[rng.IntN(len(stamps))]}
		if rng.IntN(4) > 0 { // stamps that go forward, back, or are removed or added
			v.UpdatedAt = at.Add(time.Duration(rng.IntN(1000)) * time.Hour).Format(time.RFC3339)
		}
		switch {
		case i == 0:
		case rng.IntN(4) == 0: // a map of its own
			v.Summary = map[string]int{"stamp_changed": 1, "block_changed": rng.IntN(3)}
		default: // a map shared with other versions, as the stores hand them out
			v.Summary = shared[rng.IntN(len(shared))]
		}
		versions = append(versions, v)
	}
	var b strings.Builder
	if err := WriteLogTable(&b, versions, nil); err != nil {
		t.Fatal(err)
	}
	if want := refLogTable(versions); b.String() != want {
		t.Errorf("%d versions: the table differs from text/tabwriter's", len(versions))
	}
	sameStreamed(t, versions, 256)
}
