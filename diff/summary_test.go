package diff

import (
	"testing"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

func TestSummaryWording(t *testing.T) {
	for _, c := range []struct {
		name string
		r    Result
		want string
	}{
		{"plurals and block kinds", Result{Changes: []Change{
			{Kind: BlockRemoved, OldKind: snapshots.Bullet},
			{Kind: StampChanged, Old: "1 May 2020", New: "2 May 2020"},
			{Kind: BlockRemoved, OldKind: snapshots.Bullet},
			{Kind: BlockAdded, NewKind: snapshots.Paragraph},
			{Kind: BlockRemoved, OldKind: snapshots.Paragraph},
			{Kind: BlockMoved, OldKind: snapshots.Paragraph, NewKind: snapshots.Bullet},
			{Kind: SectionRemoved}, {Kind: SectionRemoved},
		}}, "8 changes: 1 stamp changed, 2 sections removed, 1 paragraph added, 1 paragraph removed, 2 bullets removed, 1 bullet moved"},
		{"stamp removed", Result{Changes: []Change{{Kind: StampChanged, Old: "1 May 2020"}}, StampOnly: true},
			"1 change: 1 stamp removed (only the page's stamp changed)"},
		{"stamp added", Result{Changes: []Change{{Kind: StampChanged, New: "1 May 2020"}, {Kind: LeadChanged, Old: "a", New: "b"}}},
			"2 changes: 1 stamp added, 1 lead changed"},
		{"stamp backwards", Result{Changes: []Change{{Kind: StampChanged, Old: "2 May 2020", New: "1 May 2020"}}, StampOnly: true, StampWentBack: true},
			"1 change: 1 stamp went backwards (only the page's stamp changed)"},
		{"nothing", Result{}, "No changes."},
	} {
		if got := c.r.SummaryLine(); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestStampWentBack(t *testing.T) {
	old, new := page2022(), page2022()
	new.UpdatedRaw, new.UpdatedOn, new.UpdatedAt = "12 Oct. 2017 10:21", "2017-10-12", "2017-10-12T08:21:00Z"
	if r := Compare(old, new); !r.StampWentBack || r.Describe() != "1 stamp went backwards" {
		t.Errorf("a stamp set back five years: StampWentBack %v, %q", r.StampWentBack, r.Describe())
	}
	if r := Compare(new, old); r.StampWentBack {
		t.Error("a stamp moving forward is reported as going back")
	}
	// Date-only stamps compare by day.
	new.UpdatedAt = ""
	o := old
	o.UpdatedAt = ""
	if r := Compare(o, new); !r.StampWentBack {
		t.Error("a date-only stamp set back is not reported")
	}
}

func TestAppendCountsWordsLikeDescribe(t *testing.T) {
	r := Result{Changes: []Change{
		{Kind: BlockRemoved, OldKind: snapshots.Bullet}, {Kind: StampChanged, Old: "a", New: "b"},
		{Kind: BlockRemoved, OldKind: snapshots.Bullet}, {Kind: SectionAdded},
	}, Summary: map[string]int{BlockRemoved: 2, StampChanged: 1, SectionAdded: 1}}
	if got, want := string(AppendCounts([]byte("v2: "), r.Summary, "")), "v2: 1 stamp changed, 1 section added, 2 blocks removed"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := r.Describe(), "1 stamp changed, 1 section added, 2 bullets removed"; got != want {
		t.Errorf("Describe %q, want %q", got, want)
	}
	// With the counts per block kind the archive keeps, the same words
	// as the report; mixed kinds paragraphs first.
	if got, want := string(AppendCounts(nil, r.StoredSummary(), "")), r.Describe(); got != want {
		t.Errorf("from the stored summary %q, Describe %q", got, want)
	}
	mixed := Result{Changes: []Change{
		{Kind: BlockChanged, OldKind: snapshots.Bullet, NewKind: snapshots.Bullet}, {Kind: BlockChanged, OldKind: snapshots.Paragraph, NewKind: snapshots.Paragraph},
		{Kind: BlockChanged, OldKind: snapshots.Bullet, NewKind: snapshots.Bullet},
	}, Summary: map[string]int{BlockChanged: 3}}
	if got, want := string(AppendCounts(nil, mixed.StoredSummary(), "")), "1 paragraph changed, 2 bullets changed"; got != want || got != mixed.Describe() {
		t.Errorf("mixed: %q, want %q (Describe %q)", got, want, mixed.Describe())
	}
	if got := string(AppendCounts(nil, map[string]int{StampChanged: 1}, "removed")); got != "1 stamp removed" {
		t.Errorf("a removed stamp: %q", got)
	}
	if got := AppendCounts(nil, nil, ""); len(got) != 0 {
		t.Errorf("no counts: %q", got)
	}
}

func TestStampVerb(t *testing.T) {
	may1 := Stamp{Raw: "1 May 2020 10:00", On: "2020-05-01", At: "2020-05-01T08:00:00Z"}
	may2 := Stamp{Raw: "2 May 2020", On: "2020-05-02"}
	for _, c := range []struct {
		old, new Stamp
		want     string
	}{
		{may1, may2, "changed"}, {may2, may1, "went backwards"}, {Stamp{}, may1, "added"}, {may1, Stamp{}, "removed"},
		{may1, Stamp{Raw: "1 May 2020 09:00", On: "2020-05-01", At: "2020-05-01T07:00:00Z"}, "went backwards"},
	} {
		if got := StampVerb(c.old, c.new); got != c.want {
			t.Errorf("%v → %v: %q, want %q", c.old, c.new, got, c.want)
		}
	}
}

// wentBackByParsing is wentBack without its fixed-form fast path.
func wentBackByParsing(old, new Stamp) bool {
	if old.At != "" && new.At != "" {
		o, err1 := time.Parse(time.RFC3339, old.At)
		n, err2 := time.Parse(time.RFC3339, new.At)
		if err1 == nil && err2 == nil {
			return n.Before(o)
		}
	}
	return old.On != "" && new.On != "" && new.On < old.On
}

// FuzzWentBack: comparing stamps as text says what comparing the parsed
// times says.
func FuzzWentBack(f *testing.F) {
	for _, p := range [][2]string{{"2026-11-14T09:05:00Z", "2022-05-23T13:38:00Z"}, {"2022-05-23T13:38:00Z", "2026-11-14T09:05:00Z"},
		{"2026-02-29T00:00:00Z", "2025-01-01T00:00:00Z"}, {"2026-01-01T24:00:00Z", "2025-01-01T00:00:00Z"},
		{"2026-01-01T10:00:00+02:00", "2026-01-01T09:00:00Z"}, {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}, {"", "2026-01-01T00:00:00Z"}} {
		f.Add(p[0], p[1], "2026-11-14", "2022-05-23")
	}
	f.Fuzz(func(t *testing.T, oldAt, newAt, oldOn, newOn string) {
		old, new := Stamp{Raw: "x", On: oldOn, At: oldAt}, Stamp{Raw: "y", On: newOn, At: newAt}
		if got, want := wentBack(old, new), wentBackByParsing(old, new); got != want {
			t.Errorf("wentBack(%q, %q) = %v, want %v", oldAt, newAt, got, want)
		}
	})
}
