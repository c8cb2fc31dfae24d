package archive

import (
	"context"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

// TestMigrateV5Fixture migrates an archive written by schema 5 (two
// versions of kazakhstan/fr, an unchanged check and two failed ones, made
// by relwatch scrape before the outbox existed): the history reads back
// as before, and the outbox works.
func TestMigrateV5Fixture(t *testing.T) {
	ctx := context.Background()
	a := openRW(t, copyFixture(t, "testdata/schema5.db"))
	defer a.Close()
	if a.Schema() != SchemaVersion || SchemaVersion < 6 {
		t.Fatalf("schema %d after migration, want %d (6 or later)", a.Schema(), SchemaVersion)
	}
	mustCheckClean(t, a)
	versions, err := a.Versions(ctx, kzFR)
	if err != nil || len(versions) != 2 || versions[0].Checks != 2 {
		t.Fatalf("versions after migration: %+v, %v", versions, err)
	}
	caps, err := a.Captures(ctx, kzFR)
	if err != nil || len(caps) != 5 {
		t.Fatalf("%d captures after migration, want 5: %v", len(caps), err)
	}
	// Nothing is owed for what was archived before the outbox.
	if _, err := a.Subscribe(ctx, "hook", time.Now()); err != nil {
		t.Fatal(err)
	}
	if p, err := a.Pending(ctx, "hook", 10); err != nil || len(p) != 0 {
		t.Fatalf("pending after migration: %v, %v", p, err)
	}
	latest, err := a.Snapshot(ctx, kzFR, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := capture(kzFR, 1000, "v3")
	c.Started = time.Now()
	c.Events = []relwatch.Event{{ID: "e3", Kind: relwatch.EventChanged, Page: kzFR.String(), Created: time.Now(), PreviousVersion: latest.Version}}
	v := mustVersion(t, a, c, snap(kzFR, "", "Nouveau."), &relwatch.ChangeRecord{})
	p, err := a.Pending(ctx, "hook", 10)
	if err != nil || len(p) != 1 || p[0].Version != v || p[0].ID != "e3" {
		t.Fatalf("pending after a new version: %+v, %v", p, err)
	}
	mustCheckClean(t, a)
}
