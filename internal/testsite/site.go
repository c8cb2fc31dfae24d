// Package testsite is the one scriptable loopback web site relwatch's
// tests fetch from, instead of a hand-rolled server in each test file.
//
// A Site answers each path with a script of Steps: request n of a path
// gets step n and the last step repeats, so "500, then the page" or
// "200, 404, 404, 200" is one line. Unscripted paths answer 404,
// robots.txt included (script it to test robots rules). Every request is
// recorded with its arrival time and headers, and the site keeps the
// most requests it ever answered at once, for politeness and validator
// assertions.
//
// Steps cover the ways a fetch can go wrong (status codes, bot
// challenges through headers, redirects, slow headers, a trickling body,
// a cut or reset connection, an endless or compressed-bomb body, wrong
// content types) and the ways it goes right: a page, a testdata fixture
// with a fresh chrome token on every answer (Fixture), and the validator
// mode (Validated: ETag and Last-Modified, 304 when they match). A
// Wayback is the Wayback Machine's CDX API and raw replay.
//
// It imports none of relwatch's packages, so any package's tests can use
// it.
package testsite

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A Step answers one request.
type Step = http.HandlerFunc

// Site is a scripted loopback HTTP server.
type Site struct {
	*httptest.Server
	mu       sync.Mutex
	routes   map[string][]Step
	fallback []Step // for paths not scripted; none answers 404
	hits     []Hit
	inFlight int // requests being answered now
	maxLoad  int // the most ever answered at once
}

// Hit is one request the site received.
type Hit struct {
	At     time.Time
	Path   string // path and raw query
	Header http.Header
}

// New starts a site on 127.0.0.1; the test's end stops it.
func New(t testing.TB) *Site { return NewOn(t, "127.0.0.1:0") }

// NewOn starts a site listening on addr: "127.0.0.2:0" gives a second
// loopback host. A test that cannot listen there is skipped.
func NewOn(t testing.TB, addr string) *Site {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	s := &Site{routes: map[string][]Step{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Listener.Close()
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *Site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits = append(s.hits, Hit{At: time.Now(), Path: r.URL.RequestURI(), Header: r.Header.Clone()})
	s.inFlight++
	s.maxLoad = max(s.maxLoad, s.inFlight)
	steps, ok := s.routes[r.URL.Path]
	if !ok {
		steps = s.fallback
	}
	n := 0
	for _, h := range s.hits {
		if pathOf(h.Path) == r.URL.EscapedPath() {
			n++
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	if len(steps) == 0 {
		http.NotFound(w, r)
		return
	}
	steps[min(n, len(steps))-1](w, r)
}

func pathOf(requestURI string) string { return strings.SplitN(requestURI, "?", 2)[0] }

// On scripts path (without its query): request n of the path gets
// steps[n-1], the last step repeating. The count runs on across a new
// script; Replace starts it over.
func (s *Site) On(path string, steps ...Step) *Site {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[path] = steps
	return s
}

// Replace scripts path anew and forgets its requests so far: the next
// request gets steps[0] (as between two runs of a command).
func (s *Site) Replace(path string, steps ...Step) *Site {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[path] = steps
	s.hits = deleteHits(s.hits, path)
	return s
}

func deleteHits(hits []Hit, path string) []Hit {
	out := hits[:0]
	for _, h := range hits {
		if pathOf(h.Path) != path {
			out = append(out, h)
		}
	}
	return out
}

// Fallback scripts every path that On or Replace did not script (a
// redirect's other paths, robots.txt unless scripted), each path counting
// its own requests.
func (s *Site) Fallback(steps ...Step) *Site {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = steps
	return s
}

// Reset forgets every script and every request (MaxInFlight starts again
// from the requests in flight): the site answers 404 until scripted
// again.
func (s *Site) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes, s.fallback, s.hits, s.maxLoad = map[string][]Step{}, nil, nil, s.inFlight
}

// MaxInFlight is the most requests the site was answering at once, a
// slow step's wait included (a politeness rule allows one per host).
func (s *Site) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxLoad
}

// At is the absolute URL of path (and query) on the site.
func (s *Site) At(path string) string { return s.URL + path }

// Hits are the requests for path (without query), in arrival order.
func (s *Site) Hits(path string) []Hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Hit
	for _, h := range s.hits {
		if pathOf(h.Path) == path {
			out = append(out, h)
		}
	}
	return out
}

// AllHits are every request, in arrival order.
func (s *Site) AllHits() []Hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Hit(nil), s.hits...)
}

// Gaps are the times between consecutive hits.
func Gaps(hits []Hit) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(hits); i++ {
		out = append(out, hits[i].At.Sub(hits[i-1].At))
	}
	return out
}
