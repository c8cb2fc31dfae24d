//go:build unix

package relwatchtest

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time (user and system) this process has used.
// Benchmarks report it beside wall time: the shared machines they run on
// are often busy with other work, which inflates wall time but not CPU
// time (and a client's CPU leaves out its server's work).
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
