package relwatch

import (
	"testing"
	"time"
)

func TestObservedOrder(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 1, h, 0, 0, 0, time.UTC) }
	c := []CaptureTime{
		{ID: 1, Live: true, Seen: at(5)},
		{ID: 2, Live: true, Seen: at(3)}, // the clock jumped back: still after 1
		{ID: 3, Seen: at(4)},
		{ID: 4, Seen: at(1)},
		{ID: 5, Seen: at(9)},
	}
	var ids []int64
	for _, i := range ObservedOrder(c) {
		ids = append(ids, c[i].ID)
	}
	if len(ids) != 5 || ids[0] != 4 || ids[1] != 3 || ids[2] != 1 || ids[3] != 2 || ids[4] != 5 {
		t.Errorf("order %v, want [4 3 1 2 5]", ids)
	}
}
