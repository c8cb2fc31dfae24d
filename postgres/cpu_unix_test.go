//go:build unix

package postgres

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used: BenchmarkHistory5000
// reports it beside wall time, which a busy shared machine inflates (and
// which includes the server's work; the CPU is the client's alone).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
