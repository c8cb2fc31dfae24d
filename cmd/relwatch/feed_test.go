package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/snapshots"
)

// parsedFeed is an Atom document read back with encoding/xml, keeping
// every element RFC 4287 requires so that a missing one shows up empty.
type parsedFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"http://www.w3.org/2005/Atom id"`
	Title   string   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Lang  string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
		Type string `xml:"type,attr"`
	} `xml:"http://www.w3.org/2005/Atom link"`
	Entries []struct {
		Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		ID      string `xml:"http://www.w3.org/2005/Atom id"`
		Title   string `xml:"http://www.w3.org/2005/Atom title"`
		Updated string `xml:"http://www.w3.org/2005/Atom updated"`
		Authors []struct {
			Name string `xml:"http://www.w3.org/2005/Atom name"`
		} `xml:"http://www.w3.org/2005/Atom author"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
			Type string `xml:"type,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Summary string `xml:"http://www.w3.org/2005/Atom summary"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"http://www.w3.org/2005/Atom content"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

// checkAtom parses data and checks RFC 4287's required elements: the
// feed's atom:id, atom:title, atom:updated and an atom:author (on the feed
// or on every entry); every entry's atom:id, atom:title and atom:updated;
// ids that are absolute IRIs, unique per entry; dates in RFC 3339; and an
// alternate link or content on every entry.
func checkAtom(t *testing.T, data []byte) parsedFeed {
	t.Helper()
	var f parsedFeed
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatalf("feed is not Atom XML: %v\n%s", err, data)
	}
	isIRI := func(s string) bool {
		u, err := url.Parse(s)
		return err == nil && u.Scheme != ""
	}
	isDate := func(s string) bool {
		_, err := time.Parse(time.RFC3339, s)
		return err == nil
	}
	if !isIRI(f.ID) || f.Title == "" || !isDate(f.Updated) {
		t.Errorf("feed: id %q title %q updated %q", f.ID, f.Title, f.Updated)
	}
	feedAuthor := len(f.Authors) > 0 && f.Authors[0].Name != ""
	ids := map[string]bool{}
	for i, e := range f.Entries {
		if !isIRI(e.ID) || e.Title == "" || !isDate(e.Updated) {
			t.Errorf("entry %d: id %q title %q updated %q", i, e.ID, e.Title, e.Updated)
		}
		if ids[e.ID] {
			t.Errorf("entry %d: id %q repeated", i, e.ID)
		}
		ids[e.ID] = true
		if !feedAuthor && (len(e.Authors) == 0 || e.Authors[0].Name == "") {
			t.Errorf("entry %d has no author and neither has the feed", i)
		}
		alternate := false
		for _, l := range e.Links {
			alternate = alternate || (l.Rel == "" || l.Rel == "alternate") && l.Href != ""
		}
		if !alternate && e.Content.Body == "" {
			t.Errorf("entry %d has neither content nor an alternate link", i)
		}
	}
	return f
}

func TestFeedIsValidAtom(t *testing.T) {
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	out := runCLI(t, 0, "--config", cfg, "feed")
	f := checkAtom(t, []byte(out))
	if len(f.Entries) != 1 {
		t.Fatalf("want one entry (kazakhstan/fr v2), got %d", len(f.Entries))
	}
	e := f.Entries[0]
	for _, c := range []struct{ field, got, want string }{
		{"id", e.ID, "tag:relwatch,2026-11-28:kazakhstan/fr/sha256:efbfeae710a237f1/2026-11-28T06:00:00Z"},
		{"title", e.Title, "kazakhstan/fr v2: 1 stamp changed, 1 bullet changed"},
		{"updated", e.Updated, "2026-11-28T06:00:00Z"},
		{"feed updated", f.Updated, "2026-11-28T06:00:00Z"},
		{"link", e.Links[0].Href, "https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=fr"},
		{"link type", e.Links[0].Type, "text/html"},
		{"content type", e.Content.Type, "html"},
		{"entry language", e.Lang, "fr"},
		{"feed language", f.Lang, "en"},
		{"feed id", f.ID, "tag:relwatch,2026-11-20:archive/kazakhstan/en/2026-11-20T06:00:00Z/feed"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if !strings.Contains(e.Content.Body, "<ins>multinationaux") || !strings.Contains(e.Summary, "between 2026-11-27 06:00 and 2026-11-28 06:00") {
		t.Errorf("entry does not show the change:\nsummary %s\ncontent %s", e.Summary, e.Content.Body)
	}
	if again := runCLI(t, 0, "--config", cfg, "feed"); again != out {
		t.Error("the same archive gave two different feeds")
	}

	// One page with one version: no entry, and <updated> is that
	// version's first sighting, not the time of the run.
	en := checkAtom(t, []byte(runCLI(t, 0, "--config", cfg, "feed", "--page", "kazakhstan/en")))
	if len(en.Entries) != 0 || en.Updated != "2026-11-20T06:00:00Z" || en.ID != f.ID+"/kazakhstan/en" {
		t.Errorf("feed of a page without change: %d entries, updated %s, id %s", len(en.Entries), en.Updated, en.ID)
	}
	if limited := checkAtom(t, []byte(runCLI(t, 0, "--config", cfg, "feed", "--limit", "1", "--page", "kazakhstan/fr"))); len(limited.Entries) != 1 {
		t.Errorf("--limit 1: %d entries", len(limited.Entries))
	}
	runCLI(t, exitUsage, "--config", cfg, "feed", "--page", "georgia/en")
	runCLI(t, exitUsage, "--config", cfg, "feed", "--limit", "-1")
	runCLI(t, exitUsage, "--config", cfg, "feed", "--self-url", "changes.atom")
	self := checkAtom(t, []byte(runCLI(t, 0, "--config", cfg, "feed", "--self-url", "https://example.org/changes.atom")))
	if len(self.Links) != 1 || self.Links[0].Rel != "self" || self.Links[0].Href != "https://example.org/changes.atom" {
		t.Errorf("--self-url: feed links %+v", self.Links)
	}

	// The exported feed is valid too, and links each entry to its change file.
	exp := filepath.Join(dir, "export")
	runCLI(t, 0, "--config", cfg, "export", exp, "--base-url", "https://example.org/relwatch")
	tree := readTree(t, exp)
	ef := checkAtom(t, []byte(tree["feed.atom"]))
	if got := ef.Entries[0].Links[0]; got.Href != "https://example.org/relwatch/changes/2026-11-28-kazakhstan-fr-efbfeae710a2.html" || got.Type != "text/html" || got.Rel != "alternate" {
		t.Errorf("exported entry link %+v", got)
	}
	if _, ok := tree["changes/2026-11-28-kazakhstan-fr-efbfeae710a2.html"]; !ok {
		t.Error("the entry links to an HTML change page the export lacks")
	}
	if len(ef.Links) == 0 || ef.Links[0].Rel != "self" || ef.Links[0].Href != "https://example.org/relwatch/feed.atom" {
		t.Errorf("exported feed links %+v", ef.Links)
	}
	if ef.ID == f.ID || !strings.HasSuffix(ef.ID, "/export") {
		t.Errorf("exported feed id %q (the feed command's is %q)", ef.ID, f.ID)
	}
}

// TestFeedEscapesPageText feeds page text that is hostile to XML through
// history.BuildFeed and reads it back unchanged (control characters replaced).
func TestFeedEscapesPageText(t *testing.T) {
	at := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	old, new := "a ]]> b <script>&amp;", "a ]]> b <script>&amp; \x01 c"
	report := diff.Report{Page: "kazakhstan/fr", Result: diff.Result{
		Summary: map[string]int{diff.BlockChanged: 1},
		Changes: []diff.Change{{Kind: diff.BlockChanged, Old: old, New: new, Inline: diff.Inline(old, new)}},
	}}
	c := history.ChangeEntry{
		Page: snapshots.PageKey{ID: "kazakhstan", Lang: "fr"}, Version: 2, URL: "https://example.org/?a=1&b=<2>", At: at,
		Record: relwatch.ChangeRecord{Summary: report.Summary}, Report: report,
	}
	f, err := history.BuildFeed([]history.ChangeEntry{c}, history.FeedOptions{ID: "tag:relwatch,2026:test", Title: "t <&>"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := history.WriteFeed(&b, f); err != nil {
		t.Fatal(err)
	}
	got := checkAtom(t, b.Bytes())
	body := got.Entries[0].Content.Body
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if text := htmlText(doc); !strings.Contains(text, "a ]]> b <script>&amp;") || !strings.Contains(text, "\uFFFD") || strings.Contains(body, "<script>") {
		t.Errorf("content did not survive the round trip:\n%s", body)
	}
	if got.Title != "t <&>" || got.Entries[0].Links[0].Href != "https://example.org/?a=1&b=<2>" {
		t.Errorf("title %q link %q", got.Title, got.Entries[0].Links[0].Href)
	}
}

// htmlText is the text of an HTML tree, as a browser shows it.
func htmlText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var sb strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		sb.WriteString(htmlText(c))
	}
	return sb.String()
}

// TestFeedParsesWithFeedparser reads the exported feed with Python's
// feedparser (Debian: apt-get install python3-feedparser; skipped without
// it), as feed readers do: no "bozo" error, the archive's own feed id, an
// HTML link and HTML content for the entry, in the page's language.
func TestFeedParsesWithFeedparser(t *testing.T) {
	python := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if err := exec.Command(p, "-c", "import feedparser").Run(); err == nil {
			python = p
			break
		}
	}
	if python == "" {
		t.Skip("python3 with feedparser not installed")
	}
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	exp := filepath.Join(dir, "export")
	runCLI(t, 0, "--config", cfg, "export", exp, "--base-url", "https://example.org/relwatch/")
	const script = `import feedparser, json, sys
d = feedparser.parse(sys.stdin.buffer.read())
e = d.entries[0]
print(json.dumps({"bozo": str(d.get("bozo_exception", "")), "id": d.feed.id,
  "self": [l.href for l in d.feed.links if l.rel == "self"],
  "link": e.link, "type": e.content[0].type, "lang": e.content[0].language}))`
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = strings.NewReader(readTree(t, exp)["feed.atom"])
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var got struct {
		Bozo, ID, Link, Type, Lang string
		Self                       []string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Bozo != "" || !strings.HasPrefix(got.ID, "tag:relwatch,2026-11-20:archive/") ||
		got.Link != "https://example.org/relwatch/changes/2026-11-28-kazakhstan-fr-efbfeae710a2.html" || got.Type != "text/html" || got.Lang != "fr" ||
		len(got.Self) != 1 || got.Self[0] != "https://example.org/relwatch/feed.atom" {
		t.Errorf("feedparser reads %+v", got)
	}
}
