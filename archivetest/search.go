package archivetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

func init() {
	register("Search", testSearch)
	register("SearchQueryIsNeverSyntax", testSearchQueryIsNeverSyntax)
}

func testSearch(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
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
	want := []relwatch.Hit{{Page: "kazakhstan/fr", Kind: relwatch.KindParagraph, Path: []string{"Highlights"}, Text: sec, Versions: []int{2, 3},
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
	// A phrase is its words in order, next to each other.
	if hits, _ := a.Search(ctx, "matière de sécurité", &kzFR); len(hits) != 1 {
		t.Errorf("the phrase found %d blocks, want 1", len(hits))
	}
	if hits, _ := a.Search(ctx, "sécurité de matière", &kzFR); len(hits) != 0 {
		t.Errorf("the words out of order found %+v", hits)
	}

	// The title is indexed once per page, in every version.
	hits, _ = a.Search(ctx, "relations with kazakhstan", &kzFR)
	if len(hits) != 1 || len(hits[0].Path) != 0 || !reflect.DeepEqual(hits[0].Versions, []int{1, 2, 3, 4}) ||
		!hits[0].LastSeen.Equal(at(96)) || hits[0].VanishedIn != 0 || hits[0].VanishedSeen != nil {
		t.Errorf("title hit = %+v", hits)
	}
	// Every hit says what its text is; headings are found, under the
	// headings of the sections around them (none for a top-level one).
	hits, _ = a.Search(ctx, "highlights", &kzFR)
	if len(hits) != 1 || hits[0].Kind != relwatch.KindHeading || hits[0].Text != "Highlights" || hits[0].Path == nil || len(hits[0].Path) != 0 ||
		!reflect.DeepEqual(hits[0].Versions, []int{1, 2, 3, 4}) {
		t.Errorf("heading hit = %+v", hits)
	}
	nested := snap(kzEN, "", "Security cooperation.")
	nested.Sections[0].Sections = []snapshots.Section{{Heading: "Steppe Eagle exercises", Level: 3,
		Blocks: []snapshots.Block{{Kind: snapshots.Bullet, Text: "Annual."}}}}
	nested.Captions = []string{"Astana, a view."}
	nested.Seal()
	mustVersion(t, a, capture(kzEN, 24, "e2"), nested, nil)
	for _, tt := range []struct {
		query, kind string
		path        []string
	}{
		{"steppe eagle", relwatch.KindHeading, []string{"Highlights"}},
		{"annual", relwatch.KindBullet, []string{"Highlights", "Steppe Eagle exercises"}},
		{"astana", relwatch.KindCaption, []string{}},
		{"relations with", relwatch.KindTitle, []string{}},
		{"cooperate", relwatch.KindLead, []string{}},
	} {
		hits, err := a.Search(ctx, tt.query, &kzEN)
		if err != nil || len(hits) != 1 || hits[0].Kind != tt.kind || !reflect.DeepEqual(hits[0].Path, tt.path) {
			t.Errorf("Search(%q) = %+v, %v; want one %s under %q", tt.query, hits, err, tt.kind, tt.path)
		}
	}

	// Hits come by page, then in the order their text first appeared.
	hits, _ = a.Search(ctx, "kazakhstan", nil)
	var order []string
	for _, h := range hits {
		order = append(order, h.Page+" "+h.Text)
	}
	wantOrder := []string{"kazakhstan/en Relations with Kazakhstan", "kazakhstan/en NATO and Kazakhstan cooperate.",
		"kazakhstan/fr Relations with Kazakhstan", "kazakhstan/fr NATO and Kazakhstan cooperate."}
	if !reflect.DeepEqual(order, wantOrder) {
		t.Errorf("hit order = %q\nwant %q", order, wantOrder)
	}

	// An unchanged check does not touch the index, but moves last seen.
	mustUnchanged(t, a, capture(kzFR, 120, "4"), 4)
	hits, _ = a.Search(ctx, "partenariat", &kzFR)
	if len(hits) != 1 || !hits[0].LastSeen.Equal(at(120)) || !reflect.DeepEqual(hits[0].Versions, []int{1, 2, 3, 4}) {
		t.Errorf("after an unchanged check = %+v", hits)
	}
	MustCheckClean(t, a)
}

func testSearchQueryIsNeverSyntax(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 0, "1"), snap(kzEN, "", `He said "NEAR(peace, war)": a-b * c:d OR e AND NOT f`), nil)
	for _, q := range []string{`"`, `""`, `*`, `peace*`, `NEAR(`, `NEAR(peace war)`, `-`, `-peace`, `:`, `text:peace`,
		`text : "x"`, `(`, `)`, `^peace`, `OR`, `AND NOT`, `{text}: x`, `a"b`, `'`, `\`, "\x00", `'; DROP TABLE pages; --`,
		`<->`, `!peace`, `peace & war`, `peace | war`, `peace:*`} {
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
	if pages, err := a.Pages(ctx); err != nil || len(pages) != 1 {
		t.Errorf("pages = %+v, %v", pages, err)
	}
}
