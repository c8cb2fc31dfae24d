package archive

import (
	"context"
	"fmt"
	"testing"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// past is a Wayback capture of kzEN made at hour n.
func past(n int, body string) relwatch.Capture {
	c := capture(kzEN, n, body)
	c.Source, c.Header = relwatch.SourceWayback, nil
	c.OriginalURL = "http://www.nato.int/cps/en/natolive/topics_49598.htm"
	c.OriginalDigest = "DIGEST" + body
	c.Origin = "https://web.archive.org/web/" + at(n).Format("20060102150405") + "id_/" + c.OriginalURL
	c.Retrieved = at(1000)
	return c
}

func recordPast(t *testing.T, a *Archive, n int, body string, s snapshots.Snapshot) relwatch.Placed {
	t.Helper()
	p, err := a.RecordInOrder(context.Background(), past(n, body), s, 1, fakeCompare)
	if err != nil {
		t.Fatalf("RecordInOrder at hour %d: %v", n, err)
	}
	return p
}

// BenchmarkRecordInOrder places one past capture at the start of a page
// with 400 captures in 30 versions: the whole timeline is rebuilt.
func BenchmarkRecordInOrder(b *testing.B) {
	ctx := context.Background()
	a := TestArchive(b)
	for i := range 400 {
		c := capture(kzEN, 10000+i, fmt.Sprint("live", i))
		s := benchSnap(i / 14)
		if i%14 == 0 {
			mustVersion(b, a, c, s, nil)
		} else {
			mustUnchanged(b, a, c, i/14+1)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		c := past(-1-i, fmt.Sprint("past", i))
		if _, err := a.RecordInOrder(ctx, c, benchSnap(1000+i%3), 1, fakeCompare); err != nil {
			b.Fatal(err)
		}
	}
}
