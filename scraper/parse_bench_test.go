package scraper

import (
	"runtime"
	"testing"

	"github.com/relwatch/relwatch/relwatchtest"
)

// BenchmarkParse measures the largest old-site and new-site fixtures.
// Target: at most 3 ms per 100 KB of HTML on a 2-core machine.
//
//	go test ./scraper -run '^$' -bench Parse -benchmem
//
// ms/100KB is wall time; cpu-ms/100KB is the CPU time the process spent
// (garbage collection included), which a busy machine does not inflate.
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"layout4-2022-fr", "layout5-2025-fr"} {
		raw := readFixture(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			runtime.GC()
			cpu0 := relwatchtest.ProcessCPU()
			for b.Loop() {
				if _, err := Parse(raw, htmlUTF8, oldFR, ParseOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			per100KB := func(ns float64) float64 { return ns / float64(b.N) / 1e6 * 100_000 / float64(len(raw)) }
			b.ReportMetric(per100KB(float64(b.Elapsed().Nanoseconds())), "ms/100KB")
			if cpu := relwatchtest.ProcessCPU() - cpu0; cpu > 0 {
				b.ReportMetric(per100KB(float64(cpu.Nanoseconds())), "cpu-ms/100KB")
			}
		})
	}
}
