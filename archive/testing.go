package archive

import (
	"context"
	"path/filepath"
	"testing"
)

// TestArchive opens a fresh ReadWrite archive in a temporary directory and
// closes it when the test ends. For tests of this and other packages.
func TestArchive(t testing.TB) *Archive {
	t.Helper()
	a, err := Open(context.Background(), filepath.Join(t.TempDir(), "archive.db"), ReadWrite)
	if err != nil {
		t.Fatalf("open test archive: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close test archive: %v", err)
		}
	})
	return a
}
