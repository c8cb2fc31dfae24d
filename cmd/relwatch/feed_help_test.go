package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestFeedHelpDescribesEntryIDs: the id format in `feed --help` is the one
// history.ChangeEntry.ID makes.
func TestFeedHelpDescribesEntryIDs(t *testing.T) {
	e := newTestEnv(t)
	help := e.mustRun(0, "feed", "--help")
	if strings.Contains(help, "/v<N>") {
		t.Errorf("feed --help still describes version-numbered ids:\n%s", help)
	}
	if !strings.Contains(help, "tag:relwatch,<date>:<page>/sha256:<16 hex>/<first-seen>") {
		t.Errorf("feed --help lacks the id format:\n%s", help)
	}
	// The example id in the help has the shape of a real one.
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	shape := regexp.MustCompile(`^tag:relwatch,\d{4}-\d{2}-\d{2}:kazakhstan/fr/sha256:[0-9a-f]{16}/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
	ids := regexp.MustCompile(`<id>(tag:relwatch,\d{4}-[^<]*/sha256:[^<]*)</id>`).FindAllStringSubmatch(e.mustRun(0, "feed"), -1)
	if len(ids) != 1 || !shape.MatchString(ids[0][1]) {
		t.Errorf("feed entry ids %v", ids)
	}
	example := regexp.MustCompile(`tag:relwatch,\d{4}-\d{2}-\d{2}:kazakhstan/fr/sha256:[0-9a-f]{16}/[0-9TZ:-]+`).FindString(help)
	if !shape.MatchString(example) {
		t.Errorf("feed --help example id %q does not look like a real one", example)
	}
}
