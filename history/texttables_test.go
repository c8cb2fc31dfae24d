package history

import (
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

func TestWritePagesTable(t *testing.T) {
	at := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	pages := []PageHealth{
		{Status: relwatch.PageStatus{Page: snapshots.PageKey{ID: "kazakhstan", Lang: "en"}, Latest: 3, UpdatedRaw: "14 Nov. 2026 10:05", LastCheck: &at, LastSuccess: &at, LastChange: &at}},
		{Status: relwatch.PageStatus{Page: snapshots.PageKey{ID: "kazakhstan", Lang: "fr"}, Latest: 1, LastCheck: &at, ConsecutiveFailures: 2, LastError: "http_status: HTTP 503"},
			Stale: true, Lag: "last changed 38 days before kazakhstan/en"},
	}
	var b strings.Builder
	if err := WritePagesTable(&b, pages); err != nil {
		t.Fatal(err)
	}
	want := `PAGE           VERSION  PAGE STAMP          LAST CHECK (UTC)  LAST SUCCESS (UTC)  LAST CHANGE (UTC)  HEALTH
kazakhstan/en  3        14 Nov. 2026 10:05  2026-11-28 06:00  2026-11-28 06:00    2026-11-28 06:00   ok
kazakhstan/fr  1        -                   2026-11-28 06:00  -                   -                  stale; 2 failed in a row: http_status: HTTP 503
lag: kazakhstan/fr last changed 38 days before kazakhstan/en (stamps: en 14 Nov. 2026 10:05, fr -)
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteSearchText(t *testing.T) {
	first, gone := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	var b strings.Builder
	err := WriteSearchText(&b, []relwatch.Hit{{Page: "kazakhstan/en", Kind: relwatch.KindBullet, Path: []string{"Key areas", "Exercises"},
		Text: "Steppe Eagle", Versions: []int{2, 3}, FirstSeen: first, LastSeen: first.Add(time.Hour), VanishedIn: 4, VanishedSeen: &gone}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kazakhstan/en › Key areas › Exercises\n", "  bullet: Steppe Eagle\n", "first seen 2026-11-20 06:00, last seen 2026-11-20 07:00;"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in\n%s", want, b.String())
		}
	}
}
