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

func TestInTimeOrder(t *testing.T) {
	e := []timelineEntry{
		{id: 1, live: true, seen: at(5)},
		{id: 2, live: true, seen: at(3)}, // the clock jumped back: still after 1
		{id: 3, seen: at(4)},
		{id: 4, seen: at(1)},
		{id: 5, seen: at(9)},
	}
	got := inTimeOrder(e)
	var ids []int64
	for _, i := range got {
		ids = append(ids, e[i].id)
	}
	if len(ids) != 5 || ids[0] != 4 || ids[1] != 3 || ids[2] != 1 || ids[3] != 2 || ids[4] != 5 {
		t.Errorf("order %v, want [4 3 1 2 5]", ids)
	}
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
