package track

import (
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/scraper"
)

// TestRemovalKindsAreTheScrapers: the removal rule (in the root package,
// which cannot import the scraper) names the scraper's and the parser's
// error kinds by their stored strings; they must stay the same.
func TestRemovalKindsAreTheScrapers(t *testing.T) {
	for _, k := range [][2]string{
		{relwatch.KindHTTPStatus, scraper.KindHTTPStatus},
		{relwatch.KindRedirectOffsite, scraper.KindRedirectOffsite},
		{relwatch.KindNoContent, scraper.ErrKindNoContent},
	} {
		if k[0] != k[1] {
			t.Errorf("relwatch kind %q, scraper kind %q", k[0], k[1])
		}
	}
}
