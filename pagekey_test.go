package relwatch

import (
	"testing"

	"github.com/relwatch/relwatch/snapshots"
)

func TestValidatePageKey(t *testing.T) {
	for _, ok := range []snapshots.PageKey{{ID: "kazakhstan", Lang: "fr"}, {ID: "a.b_c-1", Lang: "pt-BR"}} {
		if err := ValidatePageKey(ok); err != nil {
			t.Errorf("%v refused: %v", ok, err)
		}
	}
	for _, bad := range []snapshots.PageKey{
		{ID: "kz en", Lang: "en"}, {ID: "changes", Lang: "en"}, {ID: "Feed.Atom", Lang: "en"},
		{ID: "..", Lang: "en"}, {ID: "a..b", Lang: "en"}, {ID: "kz\x1b[31m", Lang: "en"},
		{ID: "kz", Lang: "e\u202en"}, {ID: "", Lang: "en"}, {ID: "kz", Lang: ""}, {ID: ".hidden", Lang: "en"},
	} {
		if err := ValidatePageKey(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
