package postgres

import (
	"os"
	"syscall"
)

// crashAt names a point in the write path where the process kills itself
// with SIGKILL, for the crash tests: "<what>:before-commit" or
// "<what>:after-commit", as in package archive. It is read once, from
// $RELWATCH_CRASH_AT, and is empty in normal use.
var crashAt = os.Getenv("RELWATCH_CRASH_AT")

// crashPoint kills the process, as a power cut or kill -9 would, when
// crashAt names this point.
func crashPoint(doing, point string) {
	if crashAt != "" && crashAt == doing+":"+point {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}
