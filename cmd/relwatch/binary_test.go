package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The relwatch binary, built once for the tests that run it as a separate
// process (signals, crashes, the scheduled-run script).
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// relwatchBinary builds the binary on first use; -short skips such tests.
func relwatchBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "relwatch-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "relwatch")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = err
			t.Logf("go build:\n%s", out)
		}
	})
	if binErr != nil {
		t.Fatalf("build relwatch: %v", binErr)
	}
	return binPath
}
