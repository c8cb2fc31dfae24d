package serve

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/snapshots"
)

// The JSON API answers the questions the CLI's --json outputs answer, with
// the same bytes: both encode the views of package history.

const jsonType = "application/json; charset=utf-8"

// writeView answers with a history JSON view.
func (s *Server) writeView(w http.ResponseWriter, r *http.Request, v any, c cacheFor) {
	var buf bytes.Buffer
	if err := history.WriteJSON(&buf, v); err != nil {
		s.fail(w, r, err)
		return
	}
	writeBody(w, r, jsonType, buf.Bytes(), c)
}

// GET /api/pages = relwatch pages --json
func (s *Server) apiPages(w http.ResponseWriter, r *http.Request) {
	pages, err := s.overview(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeView(w, r, history.PageEntries(pages), revalidate)
}

func (s *Server) overview(r *http.Request) ([]history.PageHealth, error) {
	return history.Overview(r.Context(), s.hist, s.opts.Now(), s.opts.StaleAfter, s.opts.LagAfter)
}

// GET /api/pages/{id}/{lang}/versions = relwatch log PAGE --json
func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request) {
	key, err := s.pageOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := s.hist.Versions(r.Context(), key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	removals, err := history.Removals(r.Context(), s.hist, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeView(w, r, history.LogEntries(versions, removals), revalidate)
}

// GET /api/pages/{id}/{lang}/versions/{n|hash|latest}[?at=DATE]
// = relwatch show PAGE --version … (or --at DATE) --format json
func (s *Server) apiVersion(w http.ResponseWriter, r *http.Request) {
	key, err := s.pageOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.findVersion(r, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := history.SnapshotJSON(v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeBody(w, r, jsonType, body, cacheOfRefs(r.PathValue("ref")))
}

// findVersion reads the version a request names: {ref} is a number, a
// content hash prefix or "latest", and ?at=DATE (with "latest") the
// version current at that time.
func (s *Server) findVersion(r *http.Request, key snapshots.PageKey) (history.Version, error) {
	ref := r.PathValue("ref")
	at := r.URL.Query().Get("at")
	var when time.Time
	if at != "" {
		if ref != "latest" {
			return history.Version{}, badInput("give a version (%s) or ?at=, not both: ?at= goes with …/latest", ref)
		}
		t, err := history.ParseAt("at", at)
		if err != nil {
			return history.Version{}, err
		}
		when = t
	}
	if ref == "latest" {
		ref = ""
	} else if ref == "" {
		return history.Version{}, badInput("no version given: want a number, a content hash prefix or latest")
	}
	return history.FindVersion(r.Context(), s.hist, key, history.Ref{Name: "version", Value: ref}, when)
}

// cacheOfRefs is immutableContent when every reference is a content hash.
func cacheOfRefs(refs ...string) cacheFor {
	for _, ref := range refs {
		if !isHashRef(ref) {
			return revalidate
		}
	}
	return immutableContent
}

// GET /api/pages/{id}/{lang}/diff?from=&to= = relwatch diff PAGE --from --to --format json
func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request) {
	c, err := s.compare(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := c.Render(&buf, "json", history.RenderOptions()); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	writeBody(w, r, jsonType, buf.Bytes(), cacheOfRefs(q.Get("from"), q.Get("to")))
}

// compare reads the comparison a diff request asks for.
func (s *Server) compare(r *http.Request) (history.Comparison, error) {
	key, err := s.pageOf(r)
	if err != nil {
		return history.Comparison{}, err
	}
	q := r.URL.Query()
	return history.Compare(r.Context(), s.hist, key,
		history.Ref{Name: "from", Value: q.Get("from")}, history.Ref{Name: "to", Value: q.Get("to")})
}

// GET /api/search?q=&page= = relwatch search TEXT [--page PAGE] --json
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q, page, err := s.searchQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hits, err := s.hist.Search(r.Context(), q, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeView(w, r, history.SearchHits(hits), revalidate)
}

// searchQuery reads ?q= (required) and ?page= (a page to search only).
func (s *Server) searchQuery(r *http.Request) (string, *snapshots.PageKey, error) {
	q := r.URL.Query()
	text := q.Get("q")
	if strings.TrimSpace(text) == "" {
		return "", nil, badInput("search: empty q: give the text to find, e.g. ?q=securite")
	}
	ref := q.Get("page")
	if ref == "" {
		return text, nil, nil
	}
	key, err := history.ResolvePage(r.Context(), s.hist, ref)
	if err != nil {
		return "", nil, err
	}
	return text, &key, nil
}
