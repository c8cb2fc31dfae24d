package history

import "testing"

func TestCheckSegment(t *testing.T) {
	for _, tt := range []struct {
		what, s string
		ok      bool
	}{
		{"page id", "kazakhstan", true},
		{"language", "fr", true},
		{"language", "pt-BR", true},
		{"page id", "topics_49598.v2", true},
		{"page id", "", false},
		{"page id", ".", false},
		{"page id", "..", false},
		{"page id", "a..b", false},
		{"page id", ".hidden", false},
		{"page id", "a/b", false},
		{"page id", `a\b`, false},
		{"page id", "a b", false},
		{"page id", "changes", false},
		{"page id", "README.md", false},
		{"page id", "Feed.Atom", false},
		{"language", "changes", true}, // only top-level names are reserved
		{"language", "é", false},
	} {
		if err := CheckSegment(tt.what, tt.s); (err == nil) != tt.ok {
			t.Errorf("CheckSegment(%q, %q) = %v, want ok %v", tt.what, tt.s, err, tt.ok)
		}
	}
}
