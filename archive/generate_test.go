package archive

import (
	"context"
	"path/filepath"
	"testing"
)

func TestGenerate(t *testing.T) {
	ctx := context.Background()
	gen := func(seed uint64) (*Archive, GenerateStats) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "gen.db")
		stats, err := Generate(ctx, path, GenerateOptions{Pages: 3, Versions: 20, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		a, err := Open(ctx, path, ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a, stats
	}
	a, stats := gen(7)
	mustCheckClean(t, a)
	if stats.Pages != 3 || stats.Versions != 60 || stats.Captures < 120 || stats.Captures > 180 {
		t.Errorf("stats %+v, want 3 pages, 60 versions, 2 or 3 captures a version", stats)
	}
	pages, err := a.Pages(ctx)
	if err != nil || len(pages) != 3 {
		t.Fatalf("pages %v, %v", pages, err)
	}
	for _, p := range pages {
		vs, err := a.Versions(ctx, p.Page)
		if err != nil || len(vs) != 20 {
			t.Fatalf("%s: %d versions, %v", p.Page, len(vs), err)
		}
		checks := 0
		for _, v := range vs {
			checks += v.Checks
			if v.Version > 1 && (v.WindowStart == nil || !v.WindowStart.Before(v.FirstSeen) || v.Summary["stamp_changed"] != 1) {
				t.Errorf("%s v%d: window %v before %v, summary %v", p.Page, v.Version, v.WindowStart, v.FirstSeen, v.Summary)
			}
		}
		if checks != count(t, a, "captures WHERE page_pk = (SELECT page_pk FROM pages WHERE id = '"+p.Page.ID+"')") {
			t.Errorf("%s: checks %d do not add up to its captures", p.Page, checks)
		}
	}
	hits, err := a.Search(ctx, GenerateRarePhrase, nil)
	if err != nil || len(hits) != 1 || len(hits[0].Versions) != 1 {
		t.Errorf("search for the rare phrase: %+v, %v", hits, err)
	}

	// The same seed gives the same content; another seed does not.
	b, _ := gen(7)
	c, _ := gen(8)
	digest := func(a *Archive) string {
		var s string
		if err := a.db.QueryRow(`SELECT group_concat(content_hash || first_seen || checks, ',') FROM
			(SELECT * FROM versions ORDER BY page_pk, version)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if digest(a) != digest(b) {
		t.Error("the same seed gave different archives")
	}
	if digest(a) == digest(c) {
		t.Error("different seeds gave the same archive")
	}
}

func TestGenerateRefusesExistingFile(t *testing.T) {
	a := TestArchive(t)
	if _, err := Generate(context.Background(), a.Path(), GenerateOptions{Pages: 1, Versions: 1}); err == nil {
		t.Fatal("Generate overwrote an existing archive")
	}
}
