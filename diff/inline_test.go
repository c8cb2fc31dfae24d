package diff

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// checkOps asserts the inline property: equal+delete spell old, equal+insert
// spell new, no op is empty and no two neighbours share a kind.
func checkOps(t testing.TB, old, new string, ops []Op) {
	t.Helper()
	var a, b strings.Builder
	for i, op := range ops {
		if op.Text == "" {
			t.Fatalf("op %d is empty: %q", i, ops)
		}
		if i > 0 && ops[i-1].Op == op.Op {
			t.Fatalf("ops %d and %d are both %s: %q", i-1, i, op.Op, ops)
		}
		switch op.Op {
		case OpEqual:
			a.WriteString(op.Text)
			b.WriteString(op.Text)
		case OpDelete:
			a.WriteString(op.Text)
		case OpInsert:
			b.WriteString(op.Text)
		default:
			t.Fatalf("op %d has kind %q", i, op.Op)
		}
	}
	if a.String() != validUTF8(old) || b.String() != validUTF8(new) {
		t.Fatalf("ops do not spell the texts\nold %q\ngot %q\nnew %q\ngot %q\nops %q", old, a.String(), new, b.String(), ops)
	}
}

func TestInline(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []Op
	}{
		{"equal", "a b", "a b", []Op{{OpEqual, "a b"}}},
		{"both empty", "", "", nil},
		{"added", "", "a", []Op{{OpInsert, "a"}}},
		{"removed", "a", "", []Op{{OpDelete, "a"}}},
		{"whole words", "le rôle actif", "le rôle réactif",
			[]Op{{OpEqual, "le rôle "}, {OpDelete, "actif"}, {OpInsert, "réactif"}}},
		{"moved comma", "de défense, et ils", "de défense et, ils",
			[]Op{{OpEqual, "de défense"}, {OpDelete, ","}, {OpEqual, " et"}, {OpInsert, ","}, {OpEqual, " ils"}}},
		{"no common ends", "ab", "ac", []Op{{OpDelete, "ab"}, {OpInsert, "ac"}}},
		{"prefix", "un deux", "un deux trois", []Op{{OpEqual, "un deux"}, {OpInsert, " trois"}}},
		{"invalid UTF-8", "a\xffb c", "a\xffb d",
			[]Op{{OpEqual, "a\uFFFDb "}, {OpDelete, "c"}, {OpInsert, "d"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Inline(tt.old, tt.new)
			checkOps(t, tt.old, tt.new, got)
			if len(got) != len(tt.want) {
				t.Fatalf("Inline(%q, %q) = %q, want %q", tt.old, tt.new, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Inline(%q, %q) = %q, want %q", tt.old, tt.new, got, tt.want)
				}
			}
		})
	}
}

// TestInlineSizeGuard: past maxInlineTokens the diff is delete-all,
// insert-all, and it stays fast and exact.
func TestInlineSizeGuard(t *testing.T) {
	old := strings.Repeat("alpha beta ", maxInlineTokens) + "x"
	new := "y " + strings.Repeat("beta alpha ", maxInlineTokens)
	ops := Inline(old, new)
	checkOps(t, old, new, ops)
	if len(ops) != 2 {
		t.Fatalf("got %d ops for an oversized diff, want delete-all and insert-all", len(ops))
	}
}

func TestInlineFixtures(t *testing.T) {
	for _, c := range pairCases() {
		r := Compare(c.old, c.new)
		for _, ch := range r.Changes {
			if ch.Inline != nil {
				checkOps(t, ch.Old, ch.New, ch.Inline)
			}
		}
	}
}

func FuzzInline(f *testing.F) {
	f.Add("L’OTAN et le Kazakhstan coopèrent activement, pour la mise en œuvre", "L’OTAN et le Kazakhstan coopèrent activement pour la mise, en œuvre")
	f.Add("a\xffb", "a\xfeb")
	f.Add("", "x")
	f.Add("\ue000\U000f0000 x", "\ue001 x")
	f.Fuzz(func(t *testing.T, old, new string) {
		ops := Inline(old, new)
		checkOps(t, old, new, ops)
		for _, op := range ops {
			if !utf8.ValidString(op.Text) {
				t.Fatalf("invalid UTF-8 in %q", op)
			}
		}
	})
}
