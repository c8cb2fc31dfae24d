package stores

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
)

// TestOpenSQLite: a read never creates an archive; a write does, and the
// dry-run copy of a read-only SQLite archive is another file.
func TestOpenSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "relwatch.db")
	if _, err := Open(ctx, path, false); !errors.Is(err, relwatch.ErrNoArchive) {
		t.Fatalf("read of a missing archive: %v, want ErrNoArchive", err)
	}
	rw, err := Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	scratch, discard, err := ForDryRun(ctx, ro, path)
	if err != nil {
		t.Fatal(err)
	}
	if scratch.Path() == ro.Path() {
		t.Errorf("the dry run of a SQLite archive works in the archive itself (%s)", scratch.Path())
	}
	if err := discard(); err != nil {
		t.Fatal(err)
	}
}

func TestShown(t *testing.T) {
	if got := Shown("postgres://relwatch:s3cret@db/relwatch"); strings.Contains(got, "s3cret") || !strings.Contains(got, "db/relwatch") {
		t.Errorf("Shown of a connection string: %q", got)
	}
	if got := Shown("/var/lib/relwatch.db"); got != "/var/lib/relwatch.db" {
		t.Errorf("Shown of a file: %q", got)
	}
}

// TestForReparse: reparse never creates an archive; the real run holds
// the writer lock until done, a dry run does not take it.
func TestForReparse(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "relwatch.db")
	if _, _, err := ForReparse(ctx, path, false); !errors.Is(err, relwatch.ErrNoArchive) {
		t.Fatalf("reparse of a missing archive: %v, want ErrNoArchive", err)
	}
	rw, err := Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	_, done, err := ForReparse(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.Lock(ctx, 0); !errors.Is(err, relwatch.ErrUnusable) {
		t.Errorf("while reparse runs, another writer locks: %v", err)
	}
	if err := done(); err != nil {
		t.Fatal(err)
	}
	unlock, err := rw.Lock(ctx, 0)
	if err != nil {
		t.Fatalf("after reparse, the lock is still held: %v", err)
	}
	// A dry run while another process holds the lock.
	arc, done, err := ForReparse(ctx, path, true)
	if err != nil {
		t.Fatalf("dry run under another's lock: %v", err)
	}
	if arc.Path() == path {
		t.Errorf("the dry run works in the archive itself")
	}
	if err := done(); err != nil {
		t.Fatal(err)
	}
	unlock()
}
