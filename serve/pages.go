package serve

import (
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/snapshots"
)

// Addresses of the HTML pages. Links name versions by content hash
// prefix, so that a link keeps its meaning when a backfill renumbers the
// versions.

func pageHref(k snapshots.PageKey) string {
	return "/p/" + url.PathEscape(k.ID) + "/" + url.PathEscape(k.Lang)
}

func versionHref(k snapshots.PageKey, hash string) string {
	return pageHref(k) + "/v/" + hashRef(hash)
}

func versionNumberHref(k snapshots.PageKey, n int) string {
	return pageHref(k) + "/v/" + strconv.Itoa(n)
}

func diffHref(k snapshots.PageKey, fromHash, toHash string) string {
	return pageHref(k) + "/diff?from=" + hashRef(fromHash) + "&to=" + hashRef(toHash)
}

// hashRef is the reference links use for a version: the first 16 hex
// digits of its content hash, enough never to be shared by chance.
func hashRef(hash string) string {
	h := strings.TrimPrefix(hash, "sha256:")
	return h[:min(len(h), 16)]
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// GET / — every page with its health.
type indexView struct {
	Pages []pageRow
	Lags  []string // "kazakhstan/fr last changed 38 days before kazakhstan/en"
}

type pageRow struct {
	Key, Href, Lang, Title string
	Latest                 int
	LatestHref             string
	Stamp                  string
	LastCheck, LastChange  *time.Time
	Health                 string // ok, stale, removed or failing
	HealthNote             string // the failures in a row and the last error
	Lag                    string
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	pages, err := s.overview(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v indexView
	for _, h := range pages {
		p := h.Status
		row := pageRow{
			Key: p.Page.String(), Href: pageHref(p.Page), Lang: p.Page.Lang, Latest: p.Latest, Stamp: p.UpdatedRaw,
			LastCheck: p.LastCheck, LastChange: p.LastChange, Health: healthWord(h), Lag: h.Lag,
		}
		if p.Latest > 0 {
			row.LatestHref = versionHref(p.Page, p.LatestHash)
		}
		if p.ConsecutiveFailures > 0 {
			row.HealthNote = strings.TrimPrefix(strings.TrimPrefix(h.Health(), "stale"), "; ")
		}
		v.Pages = append(v.Pages, row)
		if h.Lag != "" {
			v.Lags = append(v.Lags, row.Key+" "+h.Lag)
		}
	}
	s.renderPage(w, r, http.StatusOK, "index", layout{Title: "Pages", Feed: "/feed.atom", FeedTitle: "relwatch: every change", Body: v})
}

// healthWord is the page's health in one word: stale (no successful
// check for stale_after), removed (its latest checks say it is gone),
// failing (its latest checks failed), or ok.
func healthWord(h history.PageHealth) string {
	switch {
	case h.Stale:
		return "stale"
	case h.Removed != nil:
		return "removed"
	case h.Status.ConsecutiveFailures > 0:
		return "failing"
	}
	return "ok"
}

// GET /p/{id}/{lang} — the page's timeline.
type timelineView struct {
	Key, Lang, Title, URL  string
	LatestHref             string
	LastDiffHref, FeedHref string
	Total                  int          // versions of the page
	Versions               []versionRow // the rows shown, newest first
	NewerHref, OlderHref   string       // the neighbouring rows, when not all fit
	Chart                  chart
}

// timelineRows is how many versions one timeline page lists: a page
// checked for years has thousands.
const timelineRows = 100

type versionRow struct {
	N                   int
	Href                string
	Hash, ShortHash     string
	FirstSeen, LastSeen *time.Time
	Checks              int
	Stamp, Source       string
	Change              string
	StampOnly           bool
	ParserChange        bool
	RevertTo            int // the earlier version this one has the content of; 0 when none
	DiffHref            string
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	key, err := s.pageOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	before, err := timelineBefore(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tl, err := history.ReadTimeline(r.Context(), s.timelines, key, before, timelineRows)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := timelineView{Key: key.String(), Lang: key.Lang, Title: key.String(), FeedHref: pageHref(key) + "/feed.atom", Total: tl.TimelineSummary.Versions}
	if n := v.Total; n > 0 {
		latest, err := s.hist.Snapshot(r.Context(), key, n)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Title, v.URL = latest.Title, latest.URL
		v.LatestHref = versionHref(key, latest.ContentHash)
	}
	if len(tl.Versions) > 0 {
		if top := tl.Versions[len(tl.Versions)-1].Version; top < v.Total {
			v.NewerHref = pageHref(key)
			if newer := top + timelineRows; newer < v.Total {
				v.NewerHref += "?before=" + strconv.Itoa(newer+1)
			}
		}
		if bottom := tl.Versions[0].Version; bottom > 1 {
			v.OlderHref = pageHref(key) + "?before=" + strconv.Itoa(bottom)
		}
	}
	prev := tl.Before
	for i, vi := range tl.Versions {
		row := versionRow{
			N: vi.Version, Href: versionHref(key, vi.ContentHash), Hash: vi.ContentHash, ShortHash: hashRef(vi.ContentHash),
			FirstSeen: timePtr(vi.FirstSeen), LastSeen: timePtr(vi.LastSeen), Checks: vi.Checks, Stamp: vi.UpdatedRaw,
			Source: sourceText(vi.Provenance, vi.FirstSeen), Change: history.ChangeLine(vi),
			StampOnly: vi.StampOnly, ParserChange: vi.ParserChange, RevertTo: tl.Reverts[vi.Version],
		}
		if prev != nil {
			row.DiffHref = diffHref(key, prev.ContentHash, vi.ContentHash)
			if vi.Version == v.Total {
				v.LastDiffHref = row.DiffHref
			}
		}
		prev = &tl.Versions[i]
		v.Versions = append(v.Versions, row)
	}
	slices.Reverse(v.Versions) // newest first
	v.Chart = changesChart(tl.ChangesPerYear)
	s.renderPage(w, r, http.StatusOK, "timeline", layout{Title: v.Key, Feed: v.FeedHref, FeedTitle: "relwatch: changes to " + v.Key, Body: v})
}

// timelineBefore reads ?before=N: the timeline lists the versions before
// version N; 0 (the newest) when absent.
func timelineBefore(r *http.Request) (int, error) {
	before := r.URL.Query().Get("before")
	if before == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(before)
	if err != nil || n < 2 {
		return 0, badInput("before %q: want a version number of 2 or more", before)
	}
	return n, nil
}

// sourceText says in a few words where a version came from.
func sourceText(p relwatch.Provenance, first time.Time) string {
	switch p.Source {
	case relwatch.SourceWayback:
		return "Wayback Machine capture of " + first.UTC().Format(time.DateOnly)
	case relwatch.SourceImport:
		return "imported from " + filepath.Base(p.Origin)
	}
	return "live check"
}

// GET /p/{id}/{lang}/v/{n|hash|latest}[?at=DATE] — the page as it was.
type versionView struct {
	Key, Lang, Title, Stamp string
	N                       int
	Hash, Permalink         string
	PageHref                string
	FirstSeen, LastSeen     *time.Time
	Source                  string
	Lead                    string
	Captions                []string
	Sections                []sectionView
	PrevN, NextN            int
	PrevHref, NextHref      string
	DiffPrevHref            string
}

type sectionView struct {
	Heading  string
	H        int // the HTML heading level: 2 for a top section, one more per depth
	Runs     []blockRun
	Sections []sectionView
}

// blockRun is consecutive blocks of one kind: bullets make one list.
type blockRun struct {
	Bullets bool
	Texts   []string
}

func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	key, err := s.pageOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	found, err := s.findVersion(r, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	snap := found.Snapshot
	v := versionView{
		Key: key.String(), Lang: key.Lang, Title: snap.Title, Stamp: string(snap.UpdatedRaw), N: snap.Version,
		Hash: snap.ContentHash, Permalink: versionHref(key, snap.ContentHash), PageHref: pageHref(key),
		FirstSeen: snap.FirstSeen, LastSeen: snap.LastSeen, Source: sourceLine(found.Source, snap.FirstSeen),
		Lead: snap.Lead, Captions: snap.Captions, Sections: sectionViews(snap.Sections, 2),
	}
	// The neighbours, for the links: reading them costs two lookups, not
	// the whole history.
	if snap.Version > 1 {
		if prev, err := s.hist.Snapshot(r.Context(), key, snap.Version-1); err == nil {
			v.PrevN, v.PrevHref = prev.Version, versionNumberHref(key, prev.Version)
			v.DiffPrevHref = diffHref(key, prev.ContentHash, snap.ContentHash)
		}
	}
	if next, err := s.hist.Snapshot(r.Context(), key, snap.Version+1); err == nil {
		v.NextN, v.NextHref = next.Version, versionNumberHref(key, next.Version)
	}
	c := cacheOfRefs(r.PathValue("ref"))
	if c == immutableContent {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	s.renderPage(w, r, http.StatusOK, "version", layout{Title: v.Key + " version " + strconv.Itoa(v.N), Feed: v.PageHref + "/feed.atom", FeedTitle: "relwatch: changes to " + v.Key, Body: v})
}

// sourceLine is where a version came from, in a sentence.
func sourceLine(p relwatch.Provenance, first *time.Time) string {
	if line := diff.SourceOf(p).Line(first); line != "" {
		return strings.ToUpper(line[:1]) + line[1:]
	}
	return "A live check of the page"
}

// sectionViews lays out sections with HTML heading levels by depth, so
// the headings go in order (h1 is the page title) whatever levels the
// page itself used.
func sectionViews(secs []snapshots.Section, h int) []sectionView {
	out := make([]sectionView, 0, len(secs))
	for _, sec := range secs {
		sv := sectionView{Heading: sec.Heading, H: min(h, 6)}
		for _, b := range sec.Blocks {
			bullet := b.Kind == snapshots.Bullet
			if n := len(sv.Runs); n > 0 && sv.Runs[n-1].Bullets == bullet {
				sv.Runs[n-1].Texts = append(sv.Runs[n-1].Texts, b.Text)
				continue
			}
			sv.Runs = append(sv.Runs, blockRun{Bullets: bullet, Texts: []string{b.Text}})
		}
		next := h
		if sec.Heading != "" {
			next = h + 1
		}
		sv.Sections = sectionViews(sec.Sections, next)
		out = append(out, sv)
	}
	return out
}

// GET /p/{id}/{lang}/diff?from=&to=[&view=side] — what changed.
type diffView struct {
	Key, Lang            string
	From, To             sideView
	Dates, Summary       string
	Notes                []string
	Groups               []diff.Group
	Side                 bool
	InlineHref, SideHref string
	Permalink, PageHref  string
}

type sideView struct {
	N            int
	Line, Source string
	Href         string
}

func (s *Server) diffPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	view := q.Get("view")
	if view != "" && view != "inline" && view != "side" {
		s.fail(w, r, badInput("view %q: want inline or side", view))
		return
	}
	c, err := s.compare(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := c.Page
	permalink := diffHref(key, c.Older.ContentHash, c.Newer.ContentHash)
	v := diffView{
		Key: key.String(), Lang: key.Lang, Dates: diff.DatesLine(c.Report, history.RenderOptions().StampZone), Summary: c.Report.SummaryLine(),
		Notes: c.Notes, Groups: diff.Groups(c.Report), Side: view == "side",
		InlineHref: permalink, SideHref: permalink + "&view=side", Permalink: permalink, PageHref: pageHref(key),
	}
	for i, snap := range []snapshots.Snapshot{c.Older, c.Newer} {
		side := sideView{N: snap.Version, Source: sourceLine(c.Sources[i], snap.FirstSeen), Href: versionHref(key, snap.ContentHash)}
		if i == 0 {
			side.Line = diff.SideLine(c.Report.From)
			v.From = side
		} else {
			side.Line = diff.SideLine(c.Report.To)
			v.To = side
		}
	}
	if cacheOfRefs(q.Get("from"), q.Get("to")) == immutableContent {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	title := v.Key + ": version " + strconv.Itoa(v.From.N) + " → " + strconv.Itoa(v.To.N)
	s.renderPage(w, r, http.StatusOK, "diff", layout{Title: title, Body: v})
}

// GET /search?q=&page= — search results.
type searchView struct {
	Query, Page string
	Total       int // hits found; at most searchShown are listed
	Hits        []hitView
}

// searchShown is how many hits the search page lists; the API returns
// them all, as `relwatch search --json` does.
const searchShown = 200

type hitView struct {
	Page, Lang, PageHref string
	Path                 []string
	Kind, Text, Href     string
	Versions             string
	FirstSeen, LastSeen  *time.Time
	VanishedIn           int
	VanishedSeen         *time.Time
	VanishedHref         string
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	v := searchView{Query: r.URL.Query().Get("q"), Page: r.URL.Query().Get("page")}
	if strings.TrimSpace(v.Query) != "" {
		text, page, err := s.searchQuery(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		hits, err := s.hist.Search(r.Context(), text, page)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Total = len(hits)
		for _, h := range hits[:min(len(hits), searchShown)] {
			key, err := snapshots.ParsePageRef(h.Page)
			if err != nil || len(h.Versions) == 0 {
				continue
			}
			hv := hitView{
				Page: h.Page, Lang: key.Lang, PageHref: pageHref(key), Path: h.Path, Kind: h.Kind, Text: h.Text,
				Href:     versionNumberHref(key, slices.Max(h.Versions)),
				Versions: history.VersionList(h.Versions), FirstSeen: timePtr(h.FirstSeen), LastSeen: timePtr(h.LastSeen),
				VanishedIn: h.VanishedIn, VanishedSeen: h.VanishedSeen,
			}
			if h.VanishedIn > 0 {
				hv.VanishedHref = versionNumberHref(key, h.VanishedIn)
			}
			v.Hits = append(v.Hits, hv)
		}
	}
	title := "Search"
	if v.Query != "" {
		title = "Search: " + v.Query
	}
	s.renderPage(w, r, http.StatusOK, "search", layout{Title: title, Query: v.Query, Body: v})
}
