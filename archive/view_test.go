package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/relwatch/relwatch"
)

// TestReadViewIsOneSnapshot: a version written while a view is open is
// not seen by any of the view's reads, which otherwise answer exactly as
// the Archive's own methods do.
func TestReadViewIsOneSnapshot(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	mustVersion(t, a, capture(kzFR, 0, "1"), snap(kzFR, "", "Un."), nil)
	mustVersion(t, a, capture(kzFR, 24, "2"), snap(kzFR, "", "Un.", "Deux."), &relwatch.ChangeRecord{Summary: map[string]int{"added": 1}})

	wantPages, _ := a.Pages(ctx)
	wantVersions, _ := a.Versions(ctx, kzFR)
	wantSnap, _ := a.Snapshot(ctx, kzFR, 0)
	wantChange, wantWindow, _ := a.Change(ctx, kzFR, 2)
	wantProv, _ := a.VersionProvenance(ctx, kzFR, 2)

	err := a.ReadView(ctx, func(v relwatch.Reader) error {
		pages, err := v.Pages(ctx)
		if err != nil || !reflect.DeepEqual(pages, wantPages) {
			t.Errorf("View.Pages = %+v, %v; want %+v", pages, err, wantPages)
		}
		// Another writer adds version 3 between the view's reads.
		mustVersion(t, a, capture(kzFR, 48, "3"), snap(kzFR, "", "Un.", "Deux.", "Trois."), &relwatch.ChangeRecord{Summary: map[string]int{"added": 1}})

		if vs, err := v.Versions(ctx, kzFR); err != nil || !reflect.DeepEqual(vs, wantVersions) {
			t.Errorf("View.Versions after a write = %+v, %v; want %+v", vs, err, wantVersions)
		}
		if s, err := v.Snapshot(ctx, kzFR, 0); err != nil || !reflect.DeepEqual(s, wantSnap) {
			t.Errorf("View.Snapshot(latest) after a write = v%d, %v; want v%d", s.Version, err, wantSnap.Version)
		}
		if _, err := v.Snapshot(ctx, kzFR, 3); !errors.Is(err, relwatch.ErrNotFound) {
			t.Errorf("View.Snapshot(3) = %v, want relwatch.ErrNotFound", err)
		}
		if cr, w, err := v.Change(ctx, kzFR, 2); err != nil || !reflect.DeepEqual(cr, wantChange) || !reflect.DeepEqual(w, wantWindow) {
			t.Errorf("View.Change(2) = %+v %v, %v", cr, w, err)
		}
		if _, _, err := v.Change(ctx, kzFR, 3); !errors.Is(err, relwatch.ErrNotFound) {
			t.Errorf("View.Change(3) = %v, want relwatch.ErrNotFound", err)
		}
		if p, err := v.VersionProvenance(ctx, kzFR, 2); err != nil || p != wantProv {
			t.Errorf("View.VersionProvenance(2) = %+v, %v", p, err)
		}
		if _, err := v.VersionProvenance(ctx, kzFR, 3); !errors.Is(err, relwatch.ErrNotFound) {
			t.Errorf("View.VersionProvenance(3) = %v, want relwatch.ErrNotFound", err)
		}
		if pages, _ := v.Pages(ctx); pages[0].Latest != 2 {
			t.Errorf("View.Pages after a write: latest v%d, want v2", pages[0].Latest)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages, _ := a.Pages(ctx); pages[0].Latest != 3 {
		t.Errorf("after the view: latest v%d, want v3", pages[0].Latest)
	}
	sentinel := errors.New("fn's own error")
	if err := a.ReadView(ctx, func(relwatch.Reader) error { return sentinel }); err != sentinel {
		t.Errorf("ReadView returned %v, want fn's error as it is", err)
	}
}

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
