package scraper

import "testing"

// BenchmarkParse measures the largest old-site and new-site fixtures.
// Target: at most 3 ms per 100 KB of HTML on a 2-core machine.
//
//	go test ./scraper -run '^$' -bench Parse -benchmem
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"layout4-2022-fr", "layout5-2025-fr"} {
		raw := readFixture(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(raw, htmlUTF8, oldFR, ParseOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000*100_000/float64(len(raw)), "ms/100KB")
		})
	}
}
