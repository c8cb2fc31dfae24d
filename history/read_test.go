package history

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/relwatchtest"
	"github.com/relwatch/relwatch/snapshots"
)

// The read side against the in-memory relwatchtest.History: no SQLite,
// only what history makes of what a store answers.

var (
	day1  = time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	kzEN  = snapshots.PageKey{ID: "kazakhstan", Lang: "en"}
	kzFR  = snapshots.PageKey{ID: "kazakhstan", Lang: "fr"}
	geoEN = snapshots.PageKey{ID: "georgia", Lang: "en"}
)

func page(title, stamp string, paras ...string) snapshots.Snapshot {
	s := snapshots.Snapshot{Title: title, UpdatedRaw: snapshots.NullString(stamp), Lead: "Lead.", Captions: []string{}}
	sec := snapshots.Section{Heading: "Key areas", Level: 2, Sections: []snapshots.Section{}}
	for _, p := range paras {
		sec.Blocks = append(sec.Blocks, snapshots.Block{Kind: "paragraph", Text: p})
	}
	s.Sections = []snapshots.Section{sec}
	return s
}

func onDay(n int) time.Time { return day1.Add(time.Duration(n) * 24 * time.Hour) }

// historyFake: kazakhstan in en (4 versions: an edit, a revert to v1, a
// Wayback version's source) and fr (1 version), georgia in en (2).
func historyFake() *relwatchtest.History {
	f := relwatchtest.New()
	live := relwatch.Provenance{}
	f.Add("kazakhstan/en", page("Relations with Kazakhstan", "1 Nov. 2026", "Steppe Eagle exercise."), onDay(0), live)
	f.Add("kazakhstan/en", page("Relations with Kazakhstan", "5 Nov. 2026", "Steppe Eagle exercise, twice a year."), onDay(4), live)
	f.Add("kazakhstan/en", page("Relations with Kazakhstan", "1 Nov. 2026", "Steppe Eagle exercise."), onDay(8), live)
	f.Add("kazakhstan/en", page("Relations with Kazakhstan", "9 Nov. 2026", "Partnership for Peace."), onDay(9),
		relwatch.Provenance{Source: relwatch.SourceWayback, OriginalURL: "http://nato.int/kz", Origin: "https://web.archive.org/web/2026/kz"})
	f.Add("kazakhstan/fr", page("Relations avec le Kazakhstan", "1 nov. 2026", "Sécurité."), onDay(0), live)
	f.Add("georgia/en", page("Relations with Georgia", "", "Black Sea."), onDay(1), live)
	f.Add("georgia/en", page("Relations with Georgia", "", "Black Sea security."), onDay(30), live)
	return f
}

func TestResolvePage(t *testing.T) {
	ctx := t.Context()
	f := historyFake()
	if got, err := ResolvePage(ctx, f, "georgia"); err != nil || got != geoEN {
		t.Errorf("georgia: %v, %v; want %v", got, err, geoEN)
	}
	if got, err := ResolvePage(ctx, f, "kazakhstan/fr"); err != nil || got != kzFR {
		t.Errorf("kazakhstan/fr: %v, %v", got, err)
	}
	_, err := ResolvePage(ctx, f, "kazakhstan")
	var amb *AmbiguousPageError
	if !errors.As(err, &amb) || !slices.Equal(amb.Langs, []string{"en", "fr"}) || !errors.Is(err, ErrBadInput) {
		t.Fatalf("kazakhstan: %v, want an *AmbiguousPageError for en and fr", err)
	}
	if want := "page kazakhstan is archived in several languages (en, fr): say which, e.g. kazakhstan/en or kazakhstan/fr"; err.Error() != want {
		t.Errorf("message %q\nwant      %q", err, want)
	}
	if _, err := ResolvePage(ctx, f, "armenia"); !errors.Is(err, relwatch.ErrNotFound) || errors.Is(err, ErrBadInput) {
		t.Errorf("armenia: %v, want not found", err)
	}
	if _, err := ResolvePage(ctx, f, "a/b/c"); !errors.Is(err, ErrBadInput) {
		t.Errorf("a/b/c: %v, want bad input", err)
	}
}

func TestResolveVersion(t *testing.T) {
	ctx := t.Context()
	f := historyFake()
	versions, err := f.Versions(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	v1, v2 := versions[0].ContentHash, versions[1].ContentHash
	ref := func(s string) Ref { return Ref{Name: "--version", Value: s} }

	for _, tt := range []struct {
		ref    string
		before int
		want   int
		note   bool
	}{
		{"", 0, 0, false},
		{"3", 0, 3, false},
		{v2[7:13], 0, 2, false},
		{strings.ToUpper(v2), 0, 2, false},
		{v1, 0, 3, true},      // v1 and v3 hold the same content: the newest
		{v1[:13], 3, 1, true}, // …before v3 for a diff's older side
	} {
		n, note, err := ResolveVersion(ctx, f, kzEN, ref(tt.ref), tt.before)
		if err != nil || n != tt.want || (note != "") != tt.note {
			t.Errorf("%q before %d: %d, %q, %v; want %d, note %v", tt.ref, tt.before, n, note, err, tt.want, tt.note)
		}
		if tt.note && !strings.Contains(note, "v1, v3") {
			t.Errorf("%q: note %q does not list both versions", tt.ref, note)
		}
	}

	var re *RefError
	for _, bad := range []string{"0", "-1", "abc", "v2", "sha256:12", "12345g"} {
		_, _, err := ResolveVersion(ctx, f, kzEN, ref(bad), 0)
		if !errors.As(err, &re) || !errors.Is(err, ErrBadInput) || !strings.HasPrefix(err.Error(), `--version "`+bad+`"`) {
			t.Errorf("%q: %v, want a *RefError naming it", bad, err)
		}
	}
	if _, _, err := ResolveVersion(ctx, f, kzEN, ref("0"), 0); !strings.Contains(err.Error(), "numbered from 1") {
		t.Errorf("version 0: %v", err)
	}

	var nf *HashNotFoundError
	_, _, err = ResolveVersion(ctx, f, kzEN, ref("ffffff0"), 0)
	if !errors.As(err, &nf) || !errors.Is(err, relwatch.ErrNotFound) || errors.Is(err, ErrBadInput) {
		t.Errorf("unknown hash: %v, want a *HashNotFoundError (not found)", err)
	}

	// Two contents sharing a prefix: the fake lets the test choose hashes.
	g := relwatchtest.New()
	for i, h := range []string{"sha256:abcdef01", "sha256:abcdef02"} {
		s := page("T", "", "text "+h)
		s.ContentHash = h
		g.Add("georgia/en", s, onDay(i), relwatch.Provenance{})
	}
	var ah *AmbiguousHashError
	_, _, err = ResolveVersion(ctx, g, geoEN, ref("abcdef"), 0)
	if !errors.As(err, &ah) || len(ah.Versions) != 2 || !errors.Is(err, ErrBadInput) {
		t.Fatalf("shared prefix: %v, want an *AmbiguousHashError with 2 versions", err)
	}
	if !strings.Contains(err.Error(), "v1 (sha256:abcdef01), v2 (sha256:abcdef02)") {
		t.Errorf("message %q does not list the versions", err)
	}
	if n, _, err := ResolveVersion(ctx, g, geoEN, ref("abcdef02"), 0); err != nil || n != 2 {
		t.Errorf("longer prefix: %d, %v", n, err)
	}
}

func TestFindVersion(t *testing.T) {
	ctx := t.Context()
	f := historyFake()
	v, err := FindVersion(ctx, f, kzEN, Ref{Name: "--version"}, time.Time{})
	if err != nil || v.Snapshot.Version != 4 || v.Source.Source != relwatch.SourceWayback {
		t.Fatalf("latest: %+v, %v", v, err)
	}
	at, err := ParseAt("--at", onDay(5).Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := FindVersion(ctx, f, kzEN, Ref{}, at); err != nil || v.Snapshot.Version != 2 || v.Source.Source != relwatch.SourceLive {
		t.Errorf("at %s: version %d, %v; want 2", at, v.Snapshot.Version, err)
	}
	if _, err := ParseAt("--at", "yesterday"); !errors.Is(err, ErrBadInput) || !strings.HasPrefix(err.Error(), `--at "yesterday"`) {
		t.Errorf("bad --at: %v", err)
	}
	if _, err := FindVersion(ctx, f, kzEN, Ref{Name: "--version", Value: "9"}, time.Time{}); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("version 9: %v, want not found", err)
	}

	js, err := SnapshotJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatalf("show JSON does not parse: %v\n%s", err, js)
	}
	if got["source"] != "wayback" || got["original_url"] != "http://nato.int/kz" || got["title"] != "Relations with Kazakhstan" {
		t.Errorf("show JSON: %s", js)
	}
	for format, want := range map[string]string{
		"json":     string(js),
		"text":     "\nSource: from the Wayback Machine capture of 2026-11-10 (http://nato.int/kz)\n",
		"markdown": "\n_From the Wayback Machine capture of 2026-11-10",
	} {
		var b bytes.Buffer
		if err := v.Render(&b, format); err != nil || !strings.Contains(b.String(), want) {
			t.Errorf("show as %s (%v): lacks %q:\n%s", format, err, want, b.String())
		}
	}
	if err := v.Render(io.Discard, "pdf"); !errors.Is(err, ErrBadInput) {
		t.Errorf("show as pdf: %v", err)
	}
}

func TestCompare(t *testing.T) {
	ctx := t.Context()
	f := historyFake()
	from, to := func(s string) Ref { return Ref{"--from", s} }, func(s string) Ref { return Ref{"--to", s} }

	c, err := Compare(ctx, f, kzEN, from(""), to(""))
	if err != nil || c.Older.Version != 3 || c.Newer.Version != 4 || c.Report.WindowStart == nil {
		t.Fatalf("default: v%d → v%d window %v, %v; want v3 → v4 with a window", c.Older.Version, c.Newer.Version, c.Report.WindowStart, err)
	}
	var js bytes.Buffer
	if err := c.Render(&js, "json", diff.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		From struct{ Version int } `json:"from"`
		To   struct{ Version int } `json:"to"`
		Src  struct {
			Source string `json:"source"`
		} `json:"to_source"`
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil || got.From.Version != 3 || got.To.Version != 4 || got.Src.Source != "wayback" {
		t.Errorf("diff JSON (%v): %s", err, js.String())
	}
	var text bytes.Buffer
	if err := c.Render(&text, "text", diff.RenderOptions{}); err != nil || !strings.Contains(text.String(), "Version 4: from the Wayback Machine capture of 2026-11-10 (http://nato.int/kz)") {
		t.Errorf("text diff lacks the source line (%v):\n%s", err, text.String())
	}

	if c, err := Compare(ctx, f, kzEN, from("1"), to("3")); err != nil || c.Report.WindowStart != nil || len(c.Report.Changes) != 0 {
		t.Errorf("v1 → v3 (same content): %+v, %v; want no change and no window", c.Report.Result, err)
	}
	for _, tt := range []struct {
		from, to, want string
	}{
		{"3", "2", "--from 3 (version 3) is newer than --to 2 (version 2)"},
		{"", "1", "--to 1 is version 1, the first version of kazakhstan/en"},
	} {
		if _, err := Compare(ctx, f, kzEN, from(tt.from), to(tt.to)); !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("--from %q --to %q: %v, want %q", tt.from, tt.to, err, tt.want)
		}
	}
	if _, err := Compare(ctx, f, kzFR, from(""), to("")); !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "only version 1") {
		t.Errorf("one version: %v", err)
	}
}

func TestOverview(t *testing.T) {
	f := historyFake()
	f.Fail("kazakhstan/fr", onDay(35), "HTTP 503")
	f.Fail("kazakhstan/fr", onDay(36), "HTTP 503")
	now := onDay(40)
	pages, err := Overview(t.Context(), f, now, 20*24*time.Hour, 14*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]PageHealth{}
	for _, p := range pages {
		got[p.Status.Page.String()] = p
	}
	if len(pages) != 3 || pages[0].Status.Page != geoEN {
		t.Fatalf("pages %v, want georgia/en first of 3", pages)
	}
	if h := got["georgia/en"]; h.Stale || h.Lag != "" || !h.LastContentChange.Equal(onDay(30)) || h.Health() != "ok" {
		t.Errorf("georgia/en: %+v health %q", h, h.Health())
	}
	// kazakhstan/en last succeeded on day 9: stale on day 40.
	if h := got["kazakhstan/en"]; !h.Stale || h.Health() != "stale" || !h.LastContentChange.Equal(onDay(9)) {
		t.Errorf("kazakhstan/en: %+v health %q", h, h.Health())
	}
	// kazakhstan/fr has only version 1: no content change, so no lag.
	if h := got["kazakhstan/fr"]; h.Lag != "" || !h.LastContentChange.IsZero() || h.Health() != "stale; 2 failed in a row: HTTP 503" {
		t.Errorf("kazakhstan/fr: %+v health %q", h, h.Health())
	}

	var b bytes.Buffer
	if err := WriteJSON(&b, PageEntries(pages)); err != nil {
		t.Fatal(err)
	}
	var entries []PageEntry
	if err := json.Unmarshal(b.Bytes(), &entries); err != nil || len(entries) != 3 || entries[2].LastError == nil || *entries[2].LastError != "HTTP 503" || entries[2].LastContentChange != nil || !entries[1].Stale {
		t.Errorf("pages JSON (%v): %s", err, b.String())
	}
}

func TestLogAndSearchViews(t *testing.T) {
	ctx := t.Context()
	f := historyFake()
	versions, err := f.Versions(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	log := LogEntries(versions, nil)
	if len(log) != 4 || log[0].UpdatedRaw == nil || *log[0].UpdatedRaw != "1 Nov. 2026" || log[0].ChangedAfter != nil || log[3].Source != "wayback" {
		t.Errorf("log entries: %+v", log)
	}
	if line := ChangeLine(versions[3]); !strings.HasSuffix(line, "; from the Wayback Machine capture of 2026-11-10") {
		t.Errorf("change line %q", line)
	}
	if line := ChangeLine(versions[0]); line != "first version" {
		t.Errorf("change line %q", line)
	}

	hits, err := f.Search(ctx, "Steppe Eagle", nil)
	if err != nil {
		t.Fatal(err)
	}
	out := SearchHits(hits)
	if len(out) != 2 || !slices.Equal(out[0].Versions, []int{1, 3}) || !slices.Equal(out[0].Path, []string{"Key areas"}) {
		t.Fatalf("search hits: %+v", out)
	}
	if VersionList(out[0].Versions) != "versions 1, 3" || VersionList([]int{2, 3, 4, 6}) != "versions 2-4, 6" || VersionList([]int{2}) != "version 2" {
		t.Errorf("version lists")
	}
	if VanishedText(hits[0]) != "still present" || out[0].VanishedIn != nil {
		t.Errorf("vanished: %q %v", VanishedText(hits[0]), out[0].VanishedIn)
	}
}

func TestFeedAndExport(t *testing.T) {
	ctx := t.Context()
	f := historyFake()
	feed, err := ReadFeed(ctx, f, FeedQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Views != 1 {
		t.Errorf("the feed read in %d views, want 1", f.Views)
	}
	var titles []string
	for _, e := range feed.Entries {
		titles = append(titles, e.Title)
	}
	// Newest first: georgia day 30, then kazakhstan/en v4, v3, v2.
	if len(titles) != 4 || !strings.HasPrefix(titles[0], "georgia/en v2: ") || !strings.HasPrefix(titles[3], "kazakhstan/en v2: ") {
		t.Errorf("feed entries %q", titles)
	}
	if feed.Updated != onDay(30).Format(time.RFC3339) || feed.Title != "relwatch: changes to georgia/en, kazakhstan/en, kazakhstan/fr" {
		t.Errorf("feed updated %q title %q", feed.Updated, feed.Title)
	}
	var b bytes.Buffer
	if err := WriteFeed(&b, feed); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b.Bytes(), &back); err != nil || len(back.Entries) != 4 {
		t.Fatalf("feed XML (%v):\n%s", err, b.String())
	}
	versions, err := f.Versions(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	v4 := versions[3]
	if want := "tag:relwatch,2026-11-10:kazakhstan/en/" + v4.ContentHash[:23] + "/2026-11-10T06:00:00Z"; back.Entries[1].ID != want {
		t.Errorf("entry id %q, want %q", back.Entries[1].ID, want)
	}

	one, err := ReadFeed(ctx, f, FeedQuery{Page: &kzEN, Limit: 2})
	// The feed's id names the archive by its first live check, whichever
	// page it was; one page's feed adds the page.
	if err != nil || len(one.Entries) != 2 || one.ID != "tag:relwatch,2026-11-01:archive/kazakhstan/en/2026-11-01T06:00:00Z/feed/kazakhstan/en" {
		t.Errorf("one page's feed: %d entries, id %q, %v", len(one.Entries), one.ID, err)
	}

	files, err := PlanExport(ctx, f, ExportOptions{FeedLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, file := range files {
		paths = append(paths, file.Path)
	}
	want := []string{
		"georgia/en.json", "georgia/en.md", "kazakhstan/en.json", "kazakhstan/en.md", "kazakhstan/fr.json", "kazakhstan/fr.md",
		"changes/2026-12-01-georgia-en-0c10c65c6428.md", "changes/2026-12-01-georgia-en-0c10c65c6428.html",
		"changes/2026-11-10-kazakhstan-en-7e50ad184ca7.md", "changes/2026-11-10-kazakhstan-en-7e50ad184ca7.html",
		"changes/2026-11-09-kazakhstan-en-4e1872781850.md", "changes/2026-11-09-kazakhstan-en-4e1872781850.html",
		"changes/2026-11-05-kazakhstan-en-e71b5e717605.md", "changes/2026-11-05-kazakhstan-en-e71b5e717605.html",
		"feed.atom", "README.md",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("export files\n%q\nwant\n%q", paths, want)
	}
	for _, file := range files {
		if file.Path == "kazakhstan/en.json" && bytes.Contains(file.Data, []byte("last_seen")) {
			t.Errorf("exported snapshot has last_seen:\n%s", file.Data)
		}
		if file.Path == "feed.atom" && bytes.Count(file.Data, []byte("<entry ")) != 1 {
			t.Errorf("feed.atom with FeedLimit 1:\n%s", file.Data)
		}
	}
}

// TestOverviewLastContentChange: Overview reads the newest content change
// from the latest version back; it must be what LastContentChange makes
// of the whole list of versions, past stamp-only and parser changes.
func TestOverviewLastContentChange(t *testing.T) {
	ctx := t.Context()
	f := relwatchtest.New()
	f.Add("a/en", page("A", "1", "one"), onDay(0), relwatch.Provenance{})
	f.Add("a/en", page("A", "2", "two"), onDay(1), relwatch.Provenance{})
	f.Add("a/en", page("A", "3", "two"), onDay(2), relwatch.Provenance{}) // stamp only
	f.Add("a/en", page("A", "3", "two, parsed anew"), onDay(3), relwatch.Provenance{})
	f.MarkParserChange("a/en", 4)
	f.Add("b/en", page("B", "1", "one"), onDay(0), relwatch.Provenance{})
	f.Add("b/en", page("B", "2", "one"), onDay(5), relwatch.Provenance{}) // stamp only
	f.Add("c/en", page("C", "1", "one"), onDay(0), relwatch.Provenance{})
	f.Add("c/en", page("C", "1", "two"), onDay(6), relwatch.Provenance{})
	pages, err := Overview(ctx, f, onDay(7), time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{"a/en": onDay(1), "b/en": {}, "c/en": onDay(6)}
	for _, p := range pages {
		versions, err := f.Versions(ctx, p.Status.Page)
		if err != nil {
			t.Fatal(err)
		}
		key := p.Status.Page.String()
		if !p.LastContentChange.Equal(want[key]) || !p.LastContentChange.Equal(LastContentChange(versions)) {
			t.Errorf("%s: last content change %v, want %v (from every version: %v)", key, p.LastContentChange, want[key], LastContentChange(versions))
		}
	}
}
