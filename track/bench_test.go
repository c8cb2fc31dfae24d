package track_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

// BenchmarkRunUnchanged times a scrape run (track.Run) of 50 pages of
// 72 KB on loopback in which no page changed, into a SQLite archive in
// the test's temporary folder: fetching, hashing, the parse (or its skip),
// the comparison and the commits. "same bytes": each page sends the bytes
// of its last check (a parse skipped since schema 8); "new bytes": a fresh
// token in every answer, so every page is parsed and found unchanged. It
// uses only what every relwatch since the outbox has, so that the same
// file times an older commit:
//
//	go test ./track -run '^$' -bench RunUnchanged -benchtime 20x
func BenchmarkRunUnchanged(b *testing.B) {
	raw, err := os.ReadFile("../scraper/testdata/pages/layout5-2025-en.html")
	if err != nil {
		b.Fatal(err)
	}
	const n = 50
	for _, fresh := range []bool{false, true} {
		name := map[bool]string{false: "same bytes", true: "new bytes"}[fresh]
		b.Run(name, func(b *testing.B) {
			var requests atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := strings.ReplaceAll(string(raw), "Kazakhstan", "Partner "+r.URL.Path)
				if fresh {
					body = strings.Replace(body, "</body>", fmt.Sprintf("<!-- token %d --></body>", requests.Add(1)), 1)
				}
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Content-Length", strconv.Itoa(len(body))) // as nginx sends it
				fmt.Fprint(w, body)
			}))
			b.Cleanup(srv.Close)
			policy := scraper.DefaultPolicy()
			policy.Delay, policy.RespectRobots, policy.AllowPrivateNetworks, policy.Retries = 0, false, true, 0
			pages := make([]track.Page, n)
			for i := range pages {
				pages[i] = track.Page{Key: snapshots.PageKey{ID: fmt.Sprintf("p%03d", i), Lang: "en"},
					URL: fmt.Sprintf("%s/p/%d", srv.URL, i), Fetch: policy}
			}
			arc := archive.TestArchive(b)
			ctx := context.Background()
			if _, err := track.Run(ctx, arc, pages, track.RunOptions{}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				results, err := track.Run(ctx, arc, pages, track.RunOptions{})
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range results {
					if r.Status != "unchanged" {
						b.Fatalf("%s: %s %s", r.Page, r.Status, r.Error)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/page")
		})
	}
}
