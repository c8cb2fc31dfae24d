package serve

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/internal/lazyregexp"
	"github.com/relwatch/relwatch/snapshots"
)

// routes maps every address the server answers. Heavy routes (their cost
// grows with the versions they compare or search) share a cap.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /p/{id}/{lang}", s.timeline)
	mux.HandleFunc("GET /p/{id}/{lang}/v/{ref}", s.version)
	mux.HandleFunc("GET /p/{id}/{lang}/diff", s.heavyRoute(s.diffPage))
	mux.HandleFunc("GET /p/{id}/{lang}/feed.atom", s.heavyRoute(s.pageFeed))
	mux.HandleFunc("GET /search", s.heavyRoute(s.searchPage))
	mux.HandleFunc("GET /feed.atom", s.heavyRoute(s.feed))
	mux.Handle("GET /static/", staticHandler())
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})

	mux.HandleFunc("GET /api/pages", s.apiPages)
	mux.HandleFunc("GET /api/pages/{id}/{lang}/versions", s.apiVersions)
	mux.HandleFunc("GET /api/pages/{id}/{lang}/versions/{ref}", s.apiVersion)
	mux.HandleFunc("GET /api/pages/{id}/{lang}/diff", s.heavyRoute(s.apiDiff))
	mux.HandleFunc("GET /api/search", s.heavyRoute(s.apiSearch))

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, notFound("no such address: %s (see / for the pages, /api/pages for the API)", r.URL.Path))
	})
	return mux
}

// plainName is what a page id or language looks like: one path segment of
// letters, digits, '.', '_' and '-', as the config and the export require.
var plainName = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// pageOf resolves the {id} and {lang} of a request to a page the archive
// has.
func (s *Server) pageOf(r *http.Request) (snapshots.PageKey, error) {
	id, lang := r.PathValue("id"), r.PathValue("lang")
	for _, part := range []struct{ what, v string }{{"page id", id}, {"language", lang}} {
		if !plainName().MatchString(part.v) || strings.Contains(part.v, "..") {
			return snapshots.PageKey{}, badInput("%s %q: want letters, digits, '.', '_' or '-'", part.what, part.v)
		}
	}
	return history.ResolvePage(r.Context(), s.hist, id+"/"+lang)
}

// fail answers with the error err stands for.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	if e.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "uri", r.URL.RequestURI(), "error", err)
	}
	writeError(w, r, e)
}

// cacheFor says how long an answer stays right. Answers that name their
// versions by content hash hold content that never changes under that
// hash: caches may keep them a while. Everything else may change with the
// next scrape and is revalidated on every use (the ETag makes that cheap).
type cacheFor int

const (
	revalidate cacheFor = iota
	immutableContent
)

// writeBody answers 200 with body, an ETag computed from it, and 304 to a
// request that already has these bytes.
func writeBody(w http.ResponseWriter, r *http.Request, contentType string, body []byte, c cacheFor) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", etag)
	switch c {
	case immutableContent:
		// The content is fixed by its hash; what may still move is
		// last_seen and, after a backfill, the version numbers.
		h.Set("Cache-Control", "public, max-age=300")
	default:
		h.Set("Cache-Control", "no-cache")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// isHashRef reports whether a version reference is a content hash prefix
// rather than a number or "latest".
func isHashRef(ref string) bool {
	hexPart := strings.TrimPrefix(strings.ToLower(ref), "sha256:")
	return len(hexPart) >= 6 && strings.Trim(hexPart, "0123456789abcdef") == ""
}
