//go:build unix

package scraper

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used. BenchmarkParse reports
// it beside wall time because the shared 2-core machine it runs on is often
// busy with other work, which inflates wall time but not CPU time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
