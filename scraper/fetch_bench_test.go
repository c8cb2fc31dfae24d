package scraper

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkFetch measures what relwatch's fetch path (colly, our transport,
// robots.txt, pacing) costs a page on top of the HTTP exchange itself:
// 100 pages of 94 KB (with a Content-Length) from one loopback host, no delay, fetched by Fetch and
// by a bare net/http loop. The difference is our overhead a page.
//
//	go test ./scraper -run '^$' -bench Fetch -benchtime 20x -count 6
func BenchmarkFetch(b *testing.B) {
	page := bytes.Repeat([]byte("<p>Relations with Kazakhstan. "), 96256/30)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(page))) // as nginx sends a static file
		w.Write(page)
	}))
	defer srv.Close()
	const pages = 100
	targets := make([]Target, pages)
	for i := range targets {
		p := DefaultPolicy()
		p.Delay = 0
		targets[i] = Target{Page: fmt.Sprintf("p%d/en", i), URL: fmt.Sprintf("%s/pages/%d.htm", srv.URL, i), Policy: p}
	}
	b.Run("relwatch", func(b *testing.B) {
		for b.Loop() {
			n := 0
			NewFetcher(0, nil).Fetch(context.Background(), targets, func(i int, c Capture) {
				if c.Err != nil || len(c.Body) != len(page) {
					b.Fatalf("page %d: %v, %d bytes", i, c.Err, len(c.Body))
				}
				n++
			})
			if n != pages {
				b.Fatalf("%d pages fetched", n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*pages), "µs/page")
	})
	b.Run("net-http", func(b *testing.B) {
		client := &http.Client{Transport: &http.Transport{}}
		for b.Loop() {
			for _, t := range targets {
				resp, err := client.Get(t.URL)
				if err != nil {
					b.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || len(body) != len(page) {
					b.Fatalf("%s: %v, %d bytes", t.URL, err, len(body))
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*pages), "µs/page")
	})
}
