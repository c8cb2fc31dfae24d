package archive

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archivetest"
)

// TestContract runs the store contract that every engine passes.
func TestContract(t *testing.T) {
	archivetest.Run(t, archivetest.Engine{Name: "sqlite", New: func(t testing.TB) archivetest.Opener {
		path := filepath.Join(t.TempDir(), "archive.db")
		return func(t testing.TB, writable bool) relwatch.Store {
			t.Helper()
			mode := ReadOnly
			if writable {
				mode = ReadWrite
			}
			a, err := Open(context.Background(), path, mode)
			if err != nil {
				t.Fatalf("open %s: %v", path, err)
			}
			t.Cleanup(func() { a.Close() })
			return a
		}
	}})
}
