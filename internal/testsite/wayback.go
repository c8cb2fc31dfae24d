package testsite

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Capture is one capture a Wayback holds.
type Capture struct {
	Timestamp, Original, Status, Digest string
	Fixture                             string // file under the Wayback's Dir replayed as the capture's body
	RedirectTo                          string // the replay answers with a redirect to this timestamp instead
	Unlisted                            bool   // not in the CDX index (reached only by a redirect)
	Missing                             bool   // listed, but the replay answers 404
	// OrigHeader are the original answer's headers, replayed as
	// X-Archive-Orig-* (Last-Modified, Set-Cookie…).
	OrigHeader map[string]string
}

// Wayback is a loopback stand-in for the Wayback Machine: the CDX API
// under /cdx (JSON, field names first, collapse=digest,
// filter=statuscode:200, from/to, resume keys, PageSize rows a page) and
// raw id_ replay under /web/ with the x-archive-orig-* headers, redirects
// from inexact timestamps and a 429 without Retry-After for each
// timestamp in Limited (once) and for the first CDXLimited CDX queries.
//
// Lock Mu to read what it recorded or to change the script while it runs.
type Wayback struct {
	*httptest.Server
	Dir      string
	Captures []Capture
	PageSize int
	// CollapseWithinPage collapses repeated digests within each page of
	// the listing only, as the real CDX server does: a digest repeated
	// across a resume key comes back twice. Without it the whole listing
	// is collapsed before paging.
	CollapseWithinPage bool

	Mu sync.Mutex
	// CDXLimited is how many CDX queries, from the next one on, are
	// answered with a 429 without Retry-After.
	CDXLimited int
	// CDXStarts are when each CDX query arrived, 429s included.
	CDXStarts []time.Time
	// Limited timestamps are answered once with a 429.
	Limited map[string]bool
	// OnCapture, when not nil, runs before each replay answer with the
	// number of replay requests the client started so far.
	OnCapture func(n int)
	// CaptureStarts are when each replay request the client started
	// arrived (a redirect followed within one is not counted).
	CaptureStarts []time.Time
	// LimitedAt are when each 429 was sent and when its timestamp was
	// asked for again.
	LimitedAt  []time.Time
	Requested  []string        // replay timestamps asked for, in order
	CDXQueries []url.Values    // every CDX query, 429s included
	retry      map[string]bool // timestamps answered with a 429, not asked again yet
}

// NewWayback starts a Wayback replaying fixtures from dir; the test's end
// stops it.
func NewWayback(t testing.TB, dir string, captures []Capture) *Wayback {
	t.Helper()
	wb := &Wayback{Dir: dir, Captures: captures, PageSize: 2, Limited: map[string]bool{}, retry: map[string]bool{}}
	wb.Server = httptest.NewServer(wb)
	t.Cleanup(wb.Close)
	return wb
}

// sameURL compares URLs the way the CDX server does, ignoring scheme, host
// and port.
func sameURL(a, b string) bool {
	ua, e1 := url.Parse(a)
	ub, e2 := url.Parse(b)
	return e1 == nil && e2 == nil && ua.Path == ub.Path && ua.RawQuery == ub.RawQuery
}

func (wb *Wayback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/cdx":
		wb.cdx(w, r)
	case strings.HasPrefix(r.URL.Path, "/web/"):
		wb.replay(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (wb *Wayback) cdx(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	wb.Mu.Lock()
	wb.CDXQueries = append(wb.CDXQueries, q)
	wb.CDXStarts = append(wb.CDXStarts, time.Now())
	pageSize := wb.PageSize
	limited := wb.CDXLimited > 0
	if limited {
		wb.CDXLimited--
	}
	wb.Mu.Unlock()
	if limited {
		w.WriteHeader(http.StatusTooManyRequests) // no Retry-After, as the Wayback's 429s seldom say
		return
	}
	collapse := q.Get("collapse") == "digest"
	fl := strings.Split(q.Get("fl"), ",")
	var rows [][]string
	for _, c := range wb.Captures {
		if c.Unlisted || !sameURL(c.Original, q.Get("url")) || (q.Get("filter") == "statuscode:200" && c.Status != "200") {
			continue
		}
		// from and to are inclusive: 1-14 digits, padded to a timestamp.
		if from := q.Get("from"); from != "" && c.Timestamp < from+strings.Repeat("0", 14-len(from)) {
			continue
		}
		if to := q.Get("to"); to != "" && c.Timestamp > to+strings.Repeat("9", 14-len(to)) {
			continue
		}
		row := make([]string, len(fl))
		for i, name := range fl {
			row[i] = map[string]string{"timestamp": c.Timestamp, "original": c.Original, "statuscode": c.Status, "mimetype": "text/html", "digest": c.Digest}[name]
		}
		if collapse && !wb.CollapseWithinPage && repeats(rows, row, fl) {
			continue
		}
		rows = append(rows, row)
	}
	start := 0
	if k := q.Get("resumeKey"); k != "" {
		fmt.Sscanf(k, "k%d", &start)
	}
	out := [][]string{fl}
	end := min(start+pageSize, len(rows))
	for _, row := range rows[start:end] {
		if collapse && wb.CollapseWithinPage && repeats(out[1:], row, fl) {
			continue
		}
		out = append(out, row)
	}
	if end < len(rows) && q.Get("showResumeKey") == "true" {
		out = append(out, []string{}, []string{fmt.Sprintf("k%d", end)})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// repeats reports whether row has the digest of the last of rows.
func repeats(rows [][]string, row, fl []string) bool {
	i := slices.Index(fl, "digest")
	return i >= 0 && len(rows) > 0 && rows[len(rows)-1][i] == row[i]
}

func (wb *Wayback) replay(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/web/")
	ts, original, ok := strings.Cut(rest, "id_/")
	if r.URL.RawQuery != "" {
		original += "?" + r.URL.RawQuery
	}
	wb.Mu.Lock()
	wb.Requested = append(wb.Requested, ts)
	// A redirect is followed at once, within the capture's paced request:
	// only the requests the client starts itself are timed.
	if !slices.ContainsFunc(wb.Captures, func(c Capture) bool { return c.Unlisted && c.Timestamp == ts }) {
		wb.CaptureStarts = append(wb.CaptureStarts, time.Now())
	}
	n := len(wb.CaptureStarts)
	hook := wb.OnCapture
	limited := wb.Limited[ts]
	delete(wb.Limited, ts)
	switch {
	case limited:
		wb.LimitedAt = append(wb.LimitedAt, time.Now())
		wb.retry[ts] = true
	case wb.retry[ts]:
		wb.LimitedAt = append(wb.LimitedAt, time.Now())
		delete(wb.retry, ts)
	}
	wb.Mu.Unlock()
	if hook != nil {
		hook(n)
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	if limited {
		w.WriteHeader(http.StatusTooManyRequests) // Wayback's 429s seldom say how long
		return
	}
	for _, c := range wb.Captures {
		if c.Timestamp != ts || !sameURL(c.Original, original) {
			continue
		}
		if c.Missing {
			break
		}
		if c.RedirectTo != "" {
			// As the Wayback Machine does: the full replay URL, "//" kept.
			w.Header().Set("Location", "http://"+r.Host+"/web/"+c.RedirectTo+"id_/"+c.Original)
			w.WriteHeader(http.StatusFound)
			return
		}
		body, err := os.ReadFile(filepath.Join(wb.Dir, c.Fixture))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		when, _ := time.Parse("20060102150405", c.Timestamp)
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("X-Archive-Orig-Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Archive-Orig-Date", when.Format(http.TimeFormat))
		w.Header().Set("Memento-Datetime", when.Format(http.TimeFormat))
		for k, v := range c.OrigHeader {
			w.Header().Set("X-Archive-Orig-"+k, v)
		}
		w.Write(body)
		return
	}
	http.NotFound(w, r)
}
