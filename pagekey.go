package relwatch

import (
	"fmt"
	"strings"

	"github.com/relwatch/relwatch/internal/lazyregexp"
	"github.com/relwatch/relwatch/snapshots"
)

// pageSegment is what a page id or language looks like: it becomes part of
// file names (export, --report-dir), URLs (serve) and terminal lines, so it
// is one plain path segment of letters, digits, '.', '_' and '-'.
var pageSegment = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ReservedPageIDs are names an export uses for itself at its top level; a
// page id may not be one of them, in any case.
var ReservedPageIDs = []string{"changes", "feed.atom", "README.md"}

// ValidatePageKey says what is wrong with a page's id or language, or nil.
// The config refuses a target whose key fails it, so that every command
// can use every configured page: export, reports, serve.
func ValidatePageKey(k snapshots.PageKey) error {
	for _, part := range []struct{ what, s string }{{"page id", k.ID}, {"language", k.Lang}} {
		if !pageSegment().MatchString(part.s) || strings.Contains(part.s, "..") {
			return fmt.Errorf("%s %q: want letters, digits, '.', '_' or '-', starting with a letter or digit", part.what, part.s)
		}
	}
	for _, r := range ReservedPageIDs {
		if strings.EqualFold(k.ID, r) {
			return fmt.Errorf("page id %q is a name relwatch's export uses itself", k.ID)
		}
	}
	return nil
}
