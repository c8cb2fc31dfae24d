package serve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch/archive"
)

// BenchmarkServe times each kind of page in the server itself (handler
// and archive reads, no network) on an archive made by `relwatch dev
// gen-archive`: RELWATCH_BENCH_ARCHIVE names it, else a 2 × 5,000 one is
// generated (about 25 s). Besides ns/op it reports the 95th percentile,
// the measure. scripts/serve-load.sh measures over loopback,
// with 50 clients and a scrape running.
func BenchmarkServe(b *testing.B) {
	path := os.Getenv("RELWATCH_BENCH_ARCHIVE")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
		if _, err := archive.Generate(context.Background(), path, archive.GenerateOptions{Pages: 2, Versions: 5000}); err != nil {
			b.Fatal(err)
		}
	}
	arc, err := archive.Open(context.Background(), path, archive.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer arc.Close()
	// The generator's pages, topic-000/en on, each with the same number
	// of versions.
	all, err := arc.Pages(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	pages, versions := 0, 0
	for _, p := range all {
		if strings.HasPrefix(p.Page.ID, "topic-") {
			pages, versions = pages+1, p.Latest
		}
	}
	h := New(arc, Options{StaleAfter: 7 * 24 * time.Hour, LagAfter: 14 * 24 * time.Hour}).Handler()
	page := func(rng *rand.Rand) string { return fmt.Sprintf("/p/topic-%03d/en", rng.IntN(pages)) }
	for _, c := range []struct {
		name string
		url  func(*rand.Rand) string
	}{
		{"timeline", page},
		{"version", func(rng *rand.Rand) string { return fmt.Sprintf("%s/v/%d", page(rng), 1+rng.IntN(versions)) }},
		{"diff", func(rng *rand.Rand) string {
			n := 2 + rng.IntN(versions-1)
			return fmt.Sprintf("%s/diff?from=%d&to=%d", page(rng), n-1, n)
		}},
		{"search", func(*rand.Rand) string { return "/search?q=Baikonur+tramway+timetable" }},
	} {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			var took []time.Duration
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, c.url(rng), nil)
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				took = append(took, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d\n%.300s", req.URL, rec.Code, rec.Body)
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
