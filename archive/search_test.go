package archive

import (
	"context"
	"reflect"
	"testing"

	"github.com/relwatch/relwatch"
)

func TestSearch(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	sec := "Coopération en matière de sécurité."
	mustVersion(t, a, capture(kzFR, 0, "1"), snap(kzFR, "", "Le partenariat pour la paix."), nil)
	mustVersion(t, a, capture(kzFR, 24, "2"), snap(kzFR, "", "Le partenariat pour la paix.", sec), nil)
	mustUnchanged(t, a, capture(kzFR, 48, "2"), 2)
	mustVersion(t, a, capture(kzFR, 72, "3"), snap(kzFR, "", "Le partenariat pour la paix.", sec, "Nouveau."), nil)
	mustVersion(t, a, capture(kzFR, 96, "4"), snap(kzFR, "", "Le partenariat pour la paix."), nil)
	mustVersion(t, a, capture(kzEN, 0, "e"), snap(kzEN, "", "Security cooperation."), nil)

	hits, err := a.Search(ctx, "securite", &kzFR)
	if err != nil {
		t.Fatal(err)
	}
	vanished := at(96)
	want := []relwatch.Hit{{Page: "kazakhstan/fr", Path: []string{"Highlights"}, Text: sec, Versions: []int{2, 3},
		FirstSeen: at(24), LastSeen: at(72), VanishedIn: 4, VanishedSeen: &vanished}}
	if !reflect.DeepEqual(hits, want) {
		t.Errorf("Search(securite) =\n%+v\nwant\n%+v", hits, want)
	}

	// Case and accents fold both ways; without a page filter both languages answer.
	hits, err = a.Search(ctx, "SÉCURITY", nil)
	if err != nil || len(hits) != 1 || hits[0].Page != "kazakhstan/en" {
		t.Errorf("Search(SÉCURITY) = %+v, %v", hits, err)
	}
	hits, _ = a.Search(ctx, "securit", nil)
	if len(hits) != 0 {
		t.Errorf("a partial word matched: %+v (phrases match whole tokens)", hits)
	}

	// The title is indexed once per page, in every version.
	hits, _ = a.Search(ctx, "relations with kazakhstan", &kzFR)
	if len(hits) != 1 || len(hits[0].Path) != 0 || !reflect.DeepEqual(hits[0].Versions, []int{1, 2, 3, 4}) ||
		!hits[0].LastSeen.Equal(at(96)) || hits[0].VanishedIn != 0 || hits[0].VanishedSeen != nil {
		t.Errorf("title hit = %+v", hits)
	}

	// An unchanged check does not touch the index.
	n := count(t, a, "block_versions")
	mustUnchanged(t, a, capture(kzFR, 120, "4"), 4)
	if m := count(t, a, "block_versions"); m != n {
		t.Errorf("an unchanged check changed the index: %d → %d rows", n, m)
	}
	hits, _ = a.Search(ctx, "partenariat", &kzFR)
	if len(hits) != 1 || !hits[0].LastSeen.Equal(at(120)) {
		t.Errorf("last seen after an unchanged check = %+v", hits)
	}
	mustCheckClean(t, a)
}

func TestSearchQueryIsNeverSyntax(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "1"), snap(kzEN, "", `He said "NEAR(peace, war)": a-b * c:d OR e AND NOT f`), nil)
	for _, q := range []string{`"`, `""`, `*`, `peace*`, `NEAR(`, `NEAR(peace war)`, `-`, `-peace`, `:`, `text:peace`,
		`text : "x"`, `(`, `)`, `^peace`, `OR`, `AND NOT`, `{text}: x`, `a"b`, `'`, `\`, "\x00", `'; DROP TABLE pages; --`} {
		if _, err := a.Search(ctx, q, nil); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	}
	// Quotes and operators are text: the phrase still finds the block.
	for _, q := range []string{`"NEAR(peace, war)"`, `a-b`, `c:d`, `OR e AND NOT f`} {
		hits, err := a.Search(ctx, q, nil)
		if err != nil || len(hits) != 1 {
			t.Errorf("Search(%q) = %d hits, %v; want 1", q, len(hits), err)
		}
	}
	if n := count(t, a, "pages"); n != 1 {
		t.Errorf("pages = %d", n)
	}
}

// qVanished is a history query too: TestQueryPlans holds it to an index.
func init() { planQueries["qVanished"] = qVanished }
