package scraper

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch/internal/testsite"
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
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.html"), []byte("<html><h1>x</h1></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	orig := map[string]string{"Last-Modified": "Fri, 01 Jan 2010 00:00:00 GMT", "Set-Cookie": "secret=1"}
	wb := testsite.NewWayback(t, dir, []testsite.Capture{
		{Timestamp: "20100101000000", Original: "http://x/p", Status: "200", Digest: "A", Fixture: "x.html", OrigHeader: orig},
		{Timestamp: "20100101000001", Original: "http://x/p", Status: "200", Digest: "A", RedirectTo: "20100101000000", Unlisted: true},
		{Timestamp: "20110101000000", Original: "http://x/p", Status: "200", Digest: "B", Fixture: "x.html"},
		{Timestamp: "20110102000000", Original: "http://x/p", Status: "200", Digest: "B", Fixture: "x.html"},
		{Timestamp: "20120101000000", Original: "http://x/p", Status: "200", Digest: "A", Fixture: "x.html"},
	})
	// Two rows a page, each page collapsed on its own: B at 20110102
	// opens the second page and repeats the first page's last row.
	wb.CollapseWithinPage = true
	wb.CDXLimited = 1
	srv := wb.Server

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
	wb.Mu.Lock()
	queries, starts := wb.CDXQueries, wb.CDXStarts
	wb.Mu.Unlock()
	if n := len(queries); n != 3 {
		t.Fatalf("%d CDX requests, want 3 (a 429, then two pages)", n)
	}
	for _, q := range queries {
		if q.Get("fl") != cdxFields || q.Get("output") != "json" || q.Get("collapse") != "digest" || q.Get("filter") != "statuscode:200" {
			t.Errorf("CDX query %q", q.Encode())
		}
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
