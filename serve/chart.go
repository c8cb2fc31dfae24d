package serve

import (
	"fmt"
	"strconv"
)

// chart is the timeline's bar chart of changes per year, drawn as SVG
// rectangles (no script, no inline style).
type chart struct {
	Width, Height, AxisY int
	// PixelWidth and PixelHeight are the drawn size: twice the viewBox.
	PixelWidth, PixelHeight int
	Label                   string // the whole chart in words, for screen readers
	Bars                    []bar
}

type bar struct {
	Year, ShortYear string
	Count           int
	X, Y, W, H      int
	LabelX          int
}

const (
	barWidth   = 18
	barGap     = 6
	chartPlot  = 60 // height of the tallest bar
	chartAxis  = 14 // room for the year labels
	chartLeft  = 4
	maxYearBar = 60 // years shown at most, the most recent
)

// changesChart draws a page's changes per year, from the first year to
// the last, empty years included.
func changesChart(perYear map[int]int) chart {
	first, last, total := 0, 0, 0
	for y, n := range perYear {
		total += n
		if first == 0 || y < first {
			first = y
		}
		last = max(last, y)
	}
	if total == 0 {
		return chart{}
	}
	first = max(first, last-maxYearBar+1)
	counts := perYear
	most := 0
	for y := first; y <= last; y++ {
		most = max(most, counts[y])
	}
	c := chart{Height: chartPlot + chartAxis, AxisY: chartPlot + chartAxis - 2}
	for i, y := 0, first; y <= last; i, y = i+1, y+1 {
		n := counts[y]
		h := 0
		if n > 0 {
			h = max(2, n*chartPlot/most)
		}
		x := chartLeft + i*(barWidth+barGap)
		year := strconv.Itoa(y)
		c.Bars = append(c.Bars, bar{Year: year, ShortYear: "’" + year[len(year)-2:], Count: n,
			X: x, Y: chartPlot - h, W: barWidth, H: h, LabelX: x + barWidth/2})
	}
	c.Width = chartLeft*2 + len(c.Bars)*(barWidth+barGap) - barGap
	c.PixelWidth, c.PixelHeight = 2*c.Width, 2*c.Height
	c.Label = fmt.Sprintf("Changes per year, %d to %d: %d in all, at most %d in a year", first, last, total, most)
	return c
}
