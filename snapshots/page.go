package snapshots

import (
	"fmt"
	"strings"
)

// PageKey names one page series: a page id in one language. Its string
// form "<id>/<lang>" is how users address it ("kazakhstan/fr").
type PageKey struct {
	ID   string
	Lang string
}

func (k PageKey) String() string { return k.ID + "/" + k.Lang }

// ParsePageRef splits a user's page reference. "kazakhstan/fr" gives both
// parts; "kazakhstan" gives an empty Lang, which the caller resolves when
// the id has only one language.
func ParsePageRef(ref string) (PageKey, error) {
	id, lang, _ := strings.Cut(strings.TrimSpace(ref), "/")
	if id == "" || strings.Contains(lang, "/") {
		return PageKey{}, fmt.Errorf("page %q: want <id> or <id>/<lang>, e.g. kazakhstan/fr", ref)
	}
	return PageKey{ID: id, Lang: lang}, nil
}
