package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// batchGC sets the garbage collector for a command that runs once and
// exits (scrape, log), and returns what puts it back. While the live heap
// is small, the heap may grow to five times it before a collection, not
// twice, within a soft limit of 32 MiB: such a command's live heap is a
// few megabytes, and at Go's default (a collection every 4 MiB at least)
// the collector ran many times over it for nothing, about a tenth of an
// unchanged scheduled run's instructions and a fifth of a long log's. The
// limit keeps a first run of hundreds of pages within a few megabytes of
// its size at the default. Once a collection finds more than 16 MiB live
// (pages of megabytes fetched in parallel), where the limit would make
// collections more frequent than the default, Go's default comes back
// for the rest of the command. A user's GOGC or GOMEMLIMIT wins over all
// of it.
func batchGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	const limit, bigLiveHeap = 32 << 20, 16 << 20
	percent, memoryLimit := debug.SetGCPercent(400), debug.SetMemoryLimit(limit)
	var done atomic.Bool
	back := func() {
		if !done.Swap(true) {
			debug.SetGCPercent(percent)
			debug.SetMemoryLimit(memoryLimit)
		}
	}
	afterEachGC(func() bool {
		if done.Load() {
			return false
		}
		if liveHeap() > bigLiveHeap {
			back()
			return false
		}
		return true
	})
	return back
}

// afterEachGC calls f after each garbage collection (on the finalizer
// goroutine, soon after the cycle ends) for as long as f returns true.
func afterEachGC(f func() bool) {
	type sentinel struct{ _ [16]byte } // not tiny-allocated: a finalizer of its own
	var rearm func(*sentinel)
	rearm = func(*sentinel) {
		if f() {
			runtime.SetFinalizer(&sentinel{}, rearm)
		}
	}
	runtime.SetFinalizer(&sentinel{}, rearm)
}

// liveHeap is the bytes of heap objects the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
