package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcPercent reads the collector's GOGC setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestBatchGCRestores(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before, limit := gcPercent(), debug.SetMemoryLimit(-1)
	restore := batchGC()
	if p, l := gcPercent(), debug.SetMemoryLimit(-1); p != 400 || l != 32<<20 {
		t.Errorf("during a batch command: GOGC %d, memory limit %d; want 400 and 32 MiB", p, l)
	}
	restore()
	if p, l := gcPercent(), debug.SetMemoryLimit(-1); p != before || l != limit {
		t.Errorf("after: GOGC %d, memory limit %d; want %d and %d", p, l, before, limit)
	}
}

// A user's GOGC is left alone.
func TestBatchGCLeavesUsersSetting(t *testing.T) {
	t.Setenv("GOGC", "150")
	before := gcPercent()
	defer batchGC()()
	if p := gcPercent(); p != before {
		t.Errorf("GOGC set by the user: the collector's setting moved from %d to %d", before, p)
	}
}

// A big live heap brings Go's default back: with the limit, it would be
// collected over and over.
func TestBatchGCBacksOffForABigHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before, limit := gcPercent(), debug.SetMemoryLimit(-1)
	defer batchGC()()
	live := make([]byte, 24<<20)
	for i := range live {
		live[i] = 1
	}
	deadline := time.Now().Add(10 * time.Second)
	for gcPercent() == 400 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(live)
	if p, l := gcPercent(), debug.SetMemoryLimit(-1); p != before || l != limit {
		t.Errorf("with 24 MiB live: GOGC %d, memory limit %d; want the settings from before back (%d, %d)", p, l, before, limit)
	}
}
