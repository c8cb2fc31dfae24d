package scraper

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestWaybackVariants(t *testing.T) {
	got := WaybackVariants("https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=fr", "fr")
	want := []string{
		"https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=fr",
		"https://www.nato.int/cps/fr/natohq/topics_49598.htm",
		"https://www.nato.int/cps/en/natohq/topics_49598.htm?selectedLocale=fr",
		"https://www.nato.int/cps/fr/natolive/topics_49598.htm",
		"https://www.nato.int/cps/fr/natolive/topics_49598.htm?selectedLocale=fr",
		"https://www.nato.int/cps/en/natolive/topics_49598.htm?selectedLocale=fr",
	}
	if !slices.Equal(got, want) {
		t.Errorf("fr variants:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	got = WaybackVariants("https://www.nato.int/cps/en/SID-8A6FF285-56EC9BFE/natolive/topics_49598.htm?", "en")
	if got[1] != "https://www.nato.int/cps/en/natolive/topics_49598.htm" || !slices.Contains(got, "https://www.nato.int/cps/en/natohq/topics_49598.htm") {
		t.Errorf("SID variants: %q", got)
	}
	if got := WaybackVariants("https://example.org/page?", "en"); !slices.Equal(got, []string{"https://example.org/page?", "https://example.org/page"}) {
		t.Errorf("other site: %q", got)
	}
}

// TestWaybackListAndFetch pages through a CDX listing, backs off from a 429
// without Retry-After, and notices a redirect to another capture.
func TestWaybackListAndFetch(t *testing.T) {
	var cdxCalls, limited atomic.Int32
	var starts []time.Time
	mux := http.NewServeMux()
	mux.HandleFunc("/cdx", func(w http.ResponseWriter, r *http.Request) {
		starts = append(starts, time.Now())
		cdxCalls.Add(1)
		q := r.URL.Query()
		if q.Get("fl") != cdxFields || q.Get("output") != "json" || q.Get("collapse") != "digest" || q.Get("filter") != "statuscode:200" {
			t.Errorf("CDX query %q", r.URL.RawQuery)
		}
		if limited.Add(1) == 1 {
			w.WriteHeader(http.StatusTooManyRequests) // no Retry-After
			return
		}
		rows := [][]string{{"timestamp", "original", "statuscode", "mimetype", "digest"}}
		if q.Get("resumeKey") == "" {
			rows = append(rows, []string{"20100101000000", "http://x/p", "200", "text/html", "A"}, []string{"20110101000000", "http://x/p", "200", "text/html", "B"}, []string{}, []string{"key1"})
		} else {
			rows = append(rows, []string{"20110102000000", "http://x/p", "200", "text/html", "B"}, []string{"20120101000000", "http://x/p", "200", "text/html", "A"})
		}
		json.NewEncoder(w).Encode(rows)
	})
	mux.HandleFunc("/web/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/web/20100101000001id_/") {
			http.Redirect(w, r, "/web/20100101000000id_/http://x/p", http.StatusFound)
			return
		}
		w.Header().Set("X-Archive-Orig-Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Archive-Orig-Last-Modified", "Fri, 01 Jan 2010 00:00:00 GMT")
		w.Header().Set("X-Archive-Orig-Set-Cookie", "secret=1")
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><h1>x</h1></html>"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := context.Background()
	w, err := NewWayback(ctx, WaybackOptions{
		CDXURL: srv.URL + "/cdx", ReplayURL: srv.URL + "/web",
		CDXInterval: 40 * time.Millisecond, CaptureInterval: time.Millisecond, Backoff: 80 * time.Millisecond,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	list, err := w.List(ctx, "http://x/p", "", "")
	if err != nil {
		t.Fatal(err)
	}
	var ts []string
	for _, c := range list {
		ts = append(ts, c.Timestamp+c.Digest)
	}
	// B at 20110102 repeats B across the page boundary: collapsed.
	if strings.Join(ts, " ") != "20100101000000A 20110101000000B 20120101000000A" {
		t.Errorf("listed %q", ts)
	}
	if n := cdxCalls.Load(); n != 3 {
		t.Errorf("%d CDX requests, want 3 (a 429, then two pages)", n)
	}
	// The server sees arrivals, which jitter around the paced starts.
	const jitter = 15 * time.Millisecond
	if gap := starts[1].Sub(starts[0]); gap < 80*time.Millisecond-jitter {
		t.Errorf("retried a 429 after %s, want at least the 80ms floor", gap)
	}
	if gap := starts[2].Sub(starts[1]); gap < 40*time.Millisecond-jitter {
		t.Errorf("CDX requests %s apart, want at least 40ms", gap)
	}

	m := w.Fetch(ctx, list[0])
	if m.Err != nil || !m.Exact() || m.ContentType != "text/html; charset=utf-8" || string(m.Body) != "<html><h1>x</h1></html>" {
		t.Fatalf("fetch: %+v", m)
	}
	if m.Header["Last-Modified"] == "" || m.Header["Set-Cookie"] != "" {
		t.Errorf("kept headers %v", m.Header)
	}
	inexact := list[0]
	inexact.Timestamp = "20100101000001"
	m = w.Fetch(ctx, inexact)
	if m.Err != nil || m.Exact() || m.Timestamp != "20100101000000" || m.Original != "http://x/p" {
		t.Errorf("redirected fetch: exact %v, timestamp %s, original %s, err %v", m.Exact(), m.Timestamp, m.Original, m.Err)
	}
}
