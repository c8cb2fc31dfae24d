package archive

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/relwatch/relwatch"
)

// TestScratchCopy: the copy holds what the archive holds, writes to it
// leave the archive alone, and discard removes it.
func TestScratchCopy(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	mustVersion(t, a, capture(kzFR, 0, "1"), snap(kzFR, "", "Un."), nil)
	t.Setenv("TMPDIR", t.TempDir())
	c, discard, err := a.ScratchCopy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := a.Versions(ctx, kzFR)
	if got, err := c.Versions(ctx, kzFR); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("copy's versions = %+v, %v; want %+v", got, err, want)
	}
	mustVersion(t, c, capture(kzFR, 24, "2"), snap(kzFR, "", "Deux."), &relwatch.ChangeRecord{})
	if got, _ := a.Versions(ctx, kzFR); len(got) != 1 {
		t.Errorf("a write to the copy reached the archive: %d versions", len(got))
	}
	if err := discard(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), "*")); len(left) > 0 {
		t.Errorf("discard left %v", left)
	}
}
