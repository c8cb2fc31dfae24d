package serve

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"sync"
	"time"

	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/snapshots"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// templateFuncs are the helpers the templates use. html/template escapes
// every value for its context, so page text always stays text.
var templateFuncs = template.FuncMap{
	"iso":    func(t *time.Time) string { return t.UTC().Format(time.RFC3339) },
	"short":  func(t *time.Time) string { return history.ShortTime(*t) + " UTC" },
	"bullet": func(b snapshots.Block) bool { return b.Kind == snapshots.Bullet },
	// oldOps and newOps split a word-level diff into its two sides: what
	// the older version read (kept and deleted words) and what the newer
	// one reads (kept and inserted words).
	"oldOps": func(ops []diff.Op) []diff.Op { return sideOps(ops, diff.OpDelete) },
	"newOps": func(ops []diff.Op) []diff.Op { return sideOps(ops, diff.OpInsert) },
}

func sideOps(ops []diff.Op, keep string) []diff.Op {
	var out []diff.Op
	for _, op := range ops {
		if op.Op == diff.OpEqual || op.Op == keep {
			out = append(out, op)
		}
	}
	return out
}

// pageNames are the HTML pages, each a template file with the layout.
var pageNames = []string{"index", "timeline", "version", "diff", "search", "error"}

// templates holds one parsed template set per page.
type templates map[string]*template.Template

func parseTemplates() (templates, error) {
	ts := templates{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		ts[name] = t
	}
	return ts, nil
}

// pageTemplates are parsed once, when serve first renders a page (not
// when any relwatch command starts); a broken template is a build error
// that the tests catch.
var pageTemplates = sync.OnceValue(func() templates {
	ts, err := parseTemplates()
	if err != nil {
		panic(err)
	}
	return ts
})

// layout is what every page's frame shows.
type layout struct {
	Title     string // in <title>, before " · relwatch"
	Query     string // the search box's text
	Feed      string // the page's Atom feed, for <link rel="alternate">
	FeedTitle string
	Body      any // what the page's "content" template sees
}

// renderPage writes an HTML page. It renders into a buffer first, so a
// failure midway still gets a clean error page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, l layout) {
	var buf bytes.Buffer
	if err := pageTemplates()[name].ExecuteTemplate(&buf, "layout", l); err != nil {
		s.fail(w, r, fmt.Errorf("render the %s page: %w", name, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// errorView is what the error page shows.
type errorView struct {
	Title, Msg string
}

// renderErrorPage renders the HTML page of an error answer.
func renderErrorPage(buf *bytes.Buffer, e *Error) error {
	title := http.StatusText(e.Status)
	return pageTemplates()["error"].ExecuteTemplate(buf, "layout", layout{Title: title, Body: errorView{Title: title, Msg: e.Msg}})
}

// staticHandler serves the embedded stylesheet. Its bytes change only with
// the binary, so browsers may keep it for an hour.
func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	files := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
}
