package history

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
)

// ChangeEntry is one change of one page: version N against version N-1,
// with everything the feed and the export say about it. It holds archive
// dates only, never the time of the run, so the same archive always gives
// the same bytes.
type ChangeEntry struct {
	Page    snapshots.PageKey
	Version int
	URL     string    // the page's configured URL
	At      time.Time // first seen of Version, UTC
	Hash    string    // content hash of Version
	Record  relwatch.ChangeRecord
	Report  diff.Report // N-1 → N, with its window
}

// LoadChanges reads every change (every version N > 1, up to each page's
// Latest) of the given pages, newest first. pages must come from the same
// view as arc.
func LoadChanges(ctx context.Context, arc relwatch.Reader, pages []relwatch.PageStatus) ([]ChangeEntry, error) {
	return LoadRecentChanges(ctx, arc, pages, 0)
}

// LoadRecentChanges is LoadChanges for the newest limit changes only (all
// of them when limit is 0). A page's versions are in time order, so the
// newest limit changes of all pages are among each page's newest limit:
// only those are read and compared, however long the history.
func LoadRecentChanges(ctx context.Context, arc relwatch.Reader, pages []relwatch.PageStatus, limit int) ([]ChangeEntry, error) {
	var out []ChangeEntry
	for _, p := range pages {
		entries, err := loadPageChanges(ctx, arc, p, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, entries...)
	}
	slices.SortStableFunc(out, func(a, b ChangeEntry) int {
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.Page.String(), b.Page.String()), cmp.Compare(b.Version, a.Version))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// loadPageChanges reads the changes of one page up to p.Latest, the
// newest limit of them when limit > 0.
func loadPageChanges(ctx context.Context, arc relwatch.Reader, p relwatch.PageStatus, limit int) ([]ChangeEntry, error) {
	if p.Latest < 2 {
		return nil, nil
	}
	first := 2
	if limit > 0 {
		first = max(2, p.Latest-limit+1)
	}
	prev, err := arc.Snapshot(ctx, p.Page, first-1)
	if err != nil {
		return nil, fmt.Errorf("%s: version %d: %w", p.Page, first-1, err)
	}
	var out []ChangeEntry
	for n := first; n <= p.Latest; n++ {
		cur, err := arc.Snapshot(ctx, p.Page, n)
		if err != nil {
			return nil, fmt.Errorf("%s: version %d: %w", p.Page, n, err)
		}
		record, start, err := arc.Change(ctx, p.Page, n)
		if err != nil {
			return nil, fmt.Errorf("%s: change into version %d: %w", p.Page, n, err)
		}
		report := diff.NewReport(p.Page.String(), prev, cur)
		report.WindowStart, report.WindowEnd = start, cur.FirstSeen
		same, err := arc.VersionsByHash(ctx, p.Page, cur.ContentHash)
		if err != nil {
			return nil, fmt.Errorf("%s: version %d: %w", p.Page, n, err)
		}
		if back, ok := relwatch.CameBackTo(same, n); ok {
			report.CameBackTo = diff.SideOfVersion(back.Version, back.ContentHash, back.FirstSeen)
		}
		// Every report says where both sides came from.
		for _, side := range []struct {
			version int
			src     *diff.Source
		}{{prev.Version, &report.FromSource}, {cur.Version, &report.ToSource}} {
			prov, err := ProvenanceOf(ctx, arc, p.Page, side.version)
			if err != nil {
				return nil, fmt.Errorf("%s: version %d: %w", p.Page, side.version, err)
			}
			*side.src = diff.SourceOf(prov)
		}
		out = append(out, ChangeEntry{Page: p.Page, Version: n, URL: p.URL, At: cur.FirstSeen.UTC(), Hash: cur.ContentHash, Record: record, Report: report})
		prev = cur
	}
	return out, nil
}

// Title is the change in one line, worded as in the change's report:
// "kazakhstan/fr v2: 1 stamp changed, 1 bullet changed".
func (c ChangeEntry) Title() string {
	what := cmp.Or(c.Report.Describe(), "changed")
	if c.Record.ParserChange {
		what += " (parser change, not an edit of the page)"
	}
	return fmt.Sprintf("%s v%d: %s", c.Page, c.Version, what)
}

// ID is the change's stable Atom id:
// tag:relwatch,<date>:<id>/<lang>/<content hash>/<first seen>, naming the
// version the change led to by its content hash (sha256:2a511bf7bff7c2d1,
// the first 16 hex digits) and when relwatch first saw it (UTC, to the
// second; <date> is its day). Version numbers are not used: a backfill
// renumbers the versions after the ones it inserts, and readers would see
// the same change vanish and come back under another id. The time tells
// apart the versions of a page that came back to earlier content.
func (c ChangeEntry) ID() string {
	hash := c.Hash
	if i := strings.IndexByte(hash, ':'); i >= 0 && len(hash) > i+17 {
		hash = hash[:i+17]
	}
	return fmt.Sprintf("tag:relwatch,%s:%s/%s/%s", c.At.Format(time.DateOnly), c.Page, hash, c.At.Format(time.RFC3339))
}

// RenderOptions are what every report relwatch writes says the same way:
// the site's stamps are Brussels time.
func RenderOptions() diff.RenderOptions {
	return diff.RenderOptions{StampZone: scraper.StampZoneName}
}

// ArchiveFeedID is an Atom feed id unique to the archive (kind is "feed"
// or "export"): tag:relwatch,<date>:archive/<page>/<first seen>/<kind>,
// naming the archive by its first live check, the earliest first sighting
// of a live version of any page (to the nanosecond). Another installation's
// archive began with another check; a copy of this archive keeps the id,
// and so do backfills and imports, which add versions from the Wayback
// Machine or files, never live ones. An archive with no live version is
// named by its earliest version of any source, one with no version by
// "empty". pages are all the archive's pages, from the view arc is.
func ArchiveFeedID(ctx context.Context, arc relwatch.Reader, pages []relwatch.PageStatus, kind string) (string, error) {
	type sighting struct {
		at   time.Time
		page snapshots.PageKey
	}
	var first, firstLive sighting
	earlier := func(a sighting, b sighting) bool {
		return b.at.IsZero() || a.at.Before(b.at) || a.at.Equal(b.at) && a.page.String() < b.page.String()
	}
	for _, p := range pages {
		vs, err := arc.Versions(ctx, p.Page)
		if err != nil {
			return "", fmt.Errorf("%s: versions: %w", p.Page, err)
		}
		for _, v := range vs {
			s := sighting{v.FirstSeen, p.Page}
			if earlier(s, first) {
				first = s
			}
			if cmp.Or(v.Source, relwatch.SourceLive) == relwatch.SourceLive && earlier(s, firstLive) {
				firstLive = s
			}
		}
	}
	if !firstLive.at.IsZero() {
		first = firstLive
	}
	if first.at.IsZero() {
		return "tag:relwatch,2026:archive/empty/" + kind, nil
	}
	at := first.at.UTC()
	return fmt.Sprintf("tag:relwatch,%s:archive/%s/%s/%s", at.Format(time.DateOnly), first.page, at.Format(time.RFC3339Nano), kind), nil
}

// Feed is an Atom 1.0 feed (RFC 4287), as much of it as relwatch needs.
type Feed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"` // of the feed's own words
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []Link      `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

// Link is an Atom link: rel "alternate", "self" or "related".
type Link struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// atomBlock is multi-line text kept readable in the file (and in git
// diffs) as a CDATA section.
type atomBlock struct {
	Type string `xml:"type,attr"`
	Body string `xml:",cdata"`
}

type atomEntry struct {
	Lang    string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"` // of the page
	ID      string    `xml:"id"`
	Title   string    `xml:"title"`
	Updated string    `xml:"updated"`
	Links   []Link    `xml:"link"`
	Summary atomText  `xml:"summary"`
	Content atomBlock `xml:"content"`
}

// FeedOptions shape a feed: its id and title, and the links of the feed
// and of each entry.
type FeedOptions struct {
	ID, Title string
	Links     []Link
	// EntryLinks gives an entry's links; nil links each entry to its page.
	EntryLinks func(ChangeEntry) []Link
	// Fallback is the feed's <updated> when there is no change: an archive
	// date, never the time of the run.
	Fallback time.Time
	// Removals are the pages' removed and restored entries (newest first),
	// listed with the changes by their dates, linked to the page.
	Removals []RemovalEntry
	// Limit, when not 0, keeps the newest Limit entries of changes and
	// removals together.
	Limit int
}

// BuildFeed makes the Atom feed of changes (already newest first) and of
// opts.Removals. The feed's <updated> is the newest entry's time.
func BuildFeed(changes []ChangeEntry, opts FeedOptions) (Feed, error) {
	type dated struct {
		at    time.Time
		entry atomEntry
	}
	var entries []dated
	ropts := RenderOptions()
	ropts.Fragment = true
	for _, c := range changes {
		var content bytes.Buffer
		if err := diff.Render(&content, "html", c.Report, ropts); err != nil {
			return Feed{}, fmt.Errorf("%s v%d: render change: %w", c.Page, c.Version, err)
		}
		links := []Link{{Rel: "alternate", Href: c.URL, Type: "text/html"}}
		if opts.EntryLinks != nil {
			links = opts.EntryLinks(c)
		}
		entries = append(entries, dated{c.At, atomEntry{
			Lang: c.Page.Lang, ID: c.ID(), Title: c.Title(), Updated: atomTime(c.At), Links: links,
			Summary: atomText{Type: "text", Body: changeSummary(c)},
			// The change report as HTML, which feed readers show as such
			// (insertions underlined, deletions struck through).
			Content: atomBlock{Type: "html", Body: xmlSafe(content.String())},
		}})
	}
	for _, r := range opts.Removals {
		entries = append(entries, dated{r.At, atomEntry{
			Lang: r.Page.Lang, ID: r.ID(), Title: r.Title(), Updated: atomTime(r.At),
			Links:   []Link{{Rel: "alternate", Href: r.URL, Type: "text/html"}},
			Summary: atomText{Type: "text", Body: r.Summary()},
			Content: atomBlock{Type: "html", Body: xmlSafe(r.HTML())},
		}})
	}
	// Both lists are newest first; a stable sort keeps a change before a
	// removal of the same instant.
	slices.SortStableFunc(entries, func(a, b dated) int { return b.at.Compare(a.at) })
	if opts.Limit > 0 && len(entries) > opts.Limit {
		entries = entries[:opts.Limit]
	}
	updated := opts.Fallback
	if len(entries) > 0 {
		updated = entries[0].at
	}
	f := Feed{
		Lang: "en", ID: opts.ID, Title: opts.Title, Updated: atomTime(updated),
		Author: atomPerson{Name: "relwatch"}, Links: opts.Links,
	}
	for _, e := range entries {
		f.Entries = append(f.Entries, e.entry)
	}
	return f, nil
}

// changeSummary says when a change happened and what the page's stamp
// became, in one sentence.
func changeSummary(c ChangeEntry) string {
	var b strings.Builder
	switch r := c.Report; {
	case r.WindowStart != nil && r.WindowEnd != nil:
		fmt.Fprintf(&b, "%s changed between %s and %s UTC", c.Page, ShortTime(*r.WindowStart), ShortTime(*r.WindowEnd))
	default:
		fmt.Fprintf(&b, "%s changed by %s UTC", c.Page, ShortTime(c.At))
	}
	if stamp := c.Report.To.UpdatedRaw; stamp != "" {
		fmt.Fprintf(&b, "; page stamp %s", stamp)
	}
	b.WriteString(".")
	return b.String()
}

// WriteFeed writes the feed as indented XML with a declaration and a final
// newline.
func WriteFeed(w io.Writer, f Feed) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("encode feed: %w", err)
	}
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}

// xmlSafe replaces the characters XML 1.0 does not allow (most control
// characters) with U+FFFD; encoding/xml does this for escaped text but not
// inside CDATA.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// NewestChange is the latest first-seen time of any page's latest version,
// the feed's <updated> when there is no change yet; the Unix epoch when the
// archive has no version at all.
func NewestChange(pages []relwatch.PageStatus) time.Time {
	newest := time.Unix(0, 0).UTC()
	for _, p := range pages {
		if p.LastChange != nil && p.LastChange.After(newest) {
			newest = p.LastChange.UTC()
		}
	}
	return newest
}

// FeedTitle is "relwatch: changes to kazakhstan/en, kazakhstan/fr".
func FeedTitle(pages []relwatch.PageStatus) string {
	if len(pages) == 0 {
		return "relwatch: changes"
	}
	names := make([]string, len(pages))
	for i, p := range pages {
		names[i] = p.Page.String()
	}
	return "relwatch: changes to " + strings.Join(names, ", ")
}

// FeedQuery says which changes a feed holds and how it links.
type FeedQuery struct {
	Page  *snapshots.PageKey // only this page (every language when Lang is ""); nil for every page
	Limit int                // at most this many entries, newest first; 0 for all
	// Links and EntryLinks are as in FeedOptions.
	Links      []Link
	EntryLinks func(ChangeEntry) []Link
}

// ReadFeed reads the feed of changes q asks for. Its id is unique to the
// archive (ArchiveFeedID, kind "feed"), with "/<id>/<lang>" for one page.
// It reads in one view, so the pages and every snapshot and change fit
// together, whatever is written meanwhile.
func ReadFeed(ctx context.Context, r relwatch.History, q FeedQuery) (Feed, error) {
	var feed Feed
	err := r.ReadView(ctx, func(v relwatch.Reader) error {
		pages, err := v.Pages(ctx)
		if err != nil {
			return err
		}
		id, err := ArchiveFeedID(ctx, v, pages, "feed")
		if err != nil {
			return err
		}
		if q.Page != nil {
			pages = filterPages(pages, *q.Page)
			id += "/" + strings.TrimSuffix(q.Page.String(), "/")
		}
		changes, err := LoadRecentChanges(ctx, v, pages, q.Limit)
		if err != nil {
			return err
		}
		removals, err := LoadRemovals(ctx, v, pages)
		if err != nil {
			return err
		}
		feed, err = BuildFeed(changes, FeedOptions{
			ID: id, Title: FeedTitle(pages), Fallback: NewestChange(pages), Links: q.Links, EntryLinks: q.EntryLinks,
			Removals: removals, Limit: q.Limit,
		})
		return err
	})
	return feed, err
}
