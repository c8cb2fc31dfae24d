package testsite

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestScript: request n gets step n, the last repeats; unscripted paths
// and robots.txt answer 404; Replace starts the count over.
func TestScript(t *testing.T) {
	s := New(t)
	s.On("/page", Status(500), Page("<p>ok</p>"))
	for i, want := range []int{500, 200, 200} {
		if code, _ := get(t, s.At("/page?x=1")); code != want {
			t.Errorf("request %d: %d, want %d", i+1, code, want)
		}
	}
	if code, _ := get(t, s.At("/robots.txt")); code != 404 {
		t.Errorf("unscripted robots.txt: %d", code)
	}
	if n := len(s.Hits("/page")); n != 3 {
		t.Errorf("%d hits on /page, want 3", n)
	}
	s.Replace("/page", Status(404), Page("back"))
	if code, _ := get(t, s.At("/page")); code != 404 {
		t.Errorf("after Replace: %d, want the first step's 404", code)
	}
	if len(s.AllHits()) != 2 {
		t.Errorf("AllHits %d, want robots.txt and one /page since Replace", len(s.AllHits()))
	}
}

// TestValidated: the ETag and Last-Modified of the body; 304 when the
// client's validator matches, 200 again once the body changes.
func TestValidated(t *testing.T) {
	body, mod := "<p>one</p>", time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	s := New(t)
	s.On("/page", Validated(func() string { return body }, func() time.Time { return mod }))
	resp, err := http.Get(s.At("/page"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm != "Sat, 28 Nov 2026 06:00:00 GMT" {
		t.Fatalf("validators %q, %q", etag, lm)
	}
	if code, b := get(t, s.At("/page"), "If-None-Match", etag); code != 304 || b != "" {
		t.Errorf("matching ETag: %d %q, want 304 and no body", code, b)
	}
	if code, _ := get(t, s.At("/page"), "If-Modified-Since", lm); code != 304 {
		t.Errorf("matching Last-Modified: %d, want 304", code)
	}
	body = "<p>two</p>"
	if code, b := get(t, s.At("/page"), "If-None-Match", etag); code != 200 || !strings.Contains(b, "two") {
		t.Errorf("changed body: %d %q, want 200 with it", code, b)
	}
}

// TestWayback: the CDX listing filters, collapses and pages; replay
// answers a limited timestamp once with 429, then the capture with its
// original date.
func TestWayback(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(dir+"/a.html", "<p>a</p>"); err != nil {
		t.Fatal(err)
	}
	orig := "http://example.org/p"
	wb := NewWayback(t, dir, []Capture{
		{Timestamp: "20100101000000", Original: orig, Status: "200", Digest: "A", Fixture: "a.html"},
		{Timestamp: "20100201000000", Original: orig, Status: "200", Digest: "A", Fixture: "a.html"},
		{Timestamp: "20100301000000", Original: orig, Status: "302", Digest: "R"},
	})
	wb.Limited["20100101000000"] = true
	_, list := get(t, wb.URL+"/cdx?url="+orig+"&fl=timestamp,digest&collapse=digest&filter=statuscode:200")
	if strings.TrimSpace(list) != `[["timestamp","digest"],["20100101000000","A"]]` {
		t.Errorf("CDX listing %s", list)
	}
	if code, _ := get(t, wb.URL+"/web/20100101000000id_/"+orig); code != 429 {
		t.Errorf("limited replay: %d, want 429", code)
	}
	code, body := get(t, wb.URL+"/web/20100101000000id_/"+orig)
	if code != 200 || body != "<p>a</p>" {
		t.Errorf("replay: %d %q", code, body)
	}
	wb.Mu.Lock()
	defer wb.Mu.Unlock()
	if len(wb.LimitedAt) != 2 || len(wb.CaptureStarts) != 2 {
		t.Errorf("recorded %d limited, %d starts; want 2 and 2", len(wb.LimitedAt), len(wb.CaptureStarts))
	}
}

func writeFile(path, data string) error { return os.WriteFile(path, []byte(data), 0o644) }

// TestTokened: the status and body as given, with a token fresh on every
// answer in place of each "{{TOKEN}}".
func TestTokened(t *testing.T) {
	s := New(t)
	s.On("/page", Tokened(503, "<p>{{TOKEN}} and {{TOKEN}}</p>"))
	code, first := get(t, s.At("/page"))
	_, second := get(t, s.At("/page"))
	if code != 503 || strings.Contains(first, "{{TOKEN}}") || first == second {
		t.Errorf("Tokened: %d %q then %q, want 503 and a fresh token each time", code, first, second)
	}
	if a, b, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(first, "<p>"), "</p>"), " and "); a != b {
		t.Errorf("one answer's tokens differ: %q", first)
	}
}

// TestMaxInFlight: requests answered one after another count one; a
// second request arriving while a slow one waits counts two.
func TestMaxInFlight(t *testing.T) {
	s := New(t)
	release := make(chan struct{})
	arrived := make(chan struct{}, 2)
	s.On("/held", func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		Page("held")(w, r)
	})
	s.On("/page", Page("<p>ok</p>"))
	get(t, s.At("/page"))
	get(t, s.At("/page"))
	if n := s.MaxInFlight(); n != 1 {
		t.Fatalf("two requests in turn: MaxInFlight %d, want 1", n)
	}
	done := make(chan struct{})
	for range 2 {
		go func() {
			defer func() { done <- struct{}{} }()
			resp, err := http.Get(s.At("/held"))
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	<-arrived
	<-arrived
	close(release)
	<-done
	<-done
	if n := s.MaxInFlight(); n != 2 {
		t.Errorf("two requests at once: MaxInFlight %d, want 2", n)
	}
}
