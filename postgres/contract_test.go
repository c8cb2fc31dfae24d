package postgres

import (
	"context"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archivetest"
)

// TestContract runs the store contract that every engine passes.
func TestContract(t *testing.T) {
	archivetest.Run(t, archivetest.Engine{Name: "postgres", New: func(t testing.TB) archivetest.Opener {
		dsn := TestDSN(t)
		return func(t testing.TB, writable bool) relwatch.Store {
			t.Helper()
			mode := ReadOnly
			if writable {
				mode = ReadWrite
			}
			a, err := Open(context.Background(), dsn, mode)
			if err != nil {
				t.Fatalf("open %s: %v", Redact(dsn), err)
			}
			t.Cleanup(func() { a.Close() })
			return a
		}
	}})
}
