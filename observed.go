package relwatch

import (
	"slices"
	"time"
)

// CaptureTime is what ordering a page's captures needs to know of each.
type CaptureTime struct {
	ID   int64
	Live bool // made by a live check; false for Wayback and imported captures
	Seen time.Time
}

// ObservedOrder returns the order in which a page's captures were
// observed, as indexes into captures (which come in capture id order): the
// live ones in id order (ids only grow, clocks jump), and each of the
// others, taken by time, before the first live capture made after it.
// Every store numbers versions in this order.
func ObservedOrder(captures []CaptureTime) []int {
	var live, past []int
	for i, c := range captures {
		if c.Live {
			live = append(live, i)
		} else {
			past = append(past, i)
		}
	}
	slices.SortStableFunc(past, func(x, y int) int { return captures[x].Seen.Compare(captures[y].Seen) })
	out := make([]int, 0, len(captures))
	for len(live) > 0 || len(past) > 0 {
		if len(past) > 0 && (len(live) == 0 || captures[past[0]].Seen.Before(captures[live[0]].Seen)) {
			out, past = append(out, past[0]), past[1:]
		} else {
			out, live = append(out, live[0]), live[1:]
		}
	}
	return out
}
