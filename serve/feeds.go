package serve

import (
	"bytes"
	"net/http"

	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/snapshots"
)

// feedLimit is how many changes a feed holds, newest first, as `relwatch
// feed` does by default.
const feedLimit = 50

const atomType = "application/atom+xml; charset=utf-8"

// GET /feed.atom — every page's changes.
func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	s.writeFeed(w, r, nil, "/feed.atom")
}

// GET /p/{id}/{lang}/feed.atom — one page's changes.
func (s *Server) pageFeed(w http.ResponseWriter, r *http.Request) {
	key, err := s.pageOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeFeed(w, r, &key, pageHref(key)+"/feed.atom")
}

// writeFeed answers with the Atom feed of a page's changes (every page's
// when page is nil): rel="self" is the feed's own address, and each entry
// links to its diff page.
func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, page *snapshots.PageKey, self string) {
	base := baseURL(r)
	alternate := base + "/"
	if page != nil {
		alternate = base + pageHref(*page)
	}
	f, err := history.ReadFeed(r.Context(), s.hist, history.FeedQuery{
		Page: page, Limit: feedLimit,
		Links: []history.Link{
			{Rel: "self", Href: base + self, Type: "application/atom+xml"},
			{Rel: "alternate", Href: alternate, Type: "text/html"},
		},
		EntryLinks: func(c history.ChangeEntry) []history.Link {
			return []history.Link{
				{Rel: "alternate", Href: base + diffHref(c.Page, c.Report.From.ContentHash, c.Hash), Type: "text/html"},
				{Rel: "related", Href: c.URL, Type: "text/html"},
			}
		},
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := history.WriteFeed(&buf, f); err != nil {
		s.fail(w, r, err)
		return
	}
	writeBody(w, r, atomType, buf.Bytes(), revalidate)
}

// baseURL is the address the client reached the server at, for the
// absolute links a feed needs.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
