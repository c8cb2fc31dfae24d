package civil

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The conversions agree with the time package on every day of 0000 to
// 2400 and on random times far beyond.
func TestAgreesWithTime(t *testing.T) {
	start := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := start; d.Year() < 2400; d = d.AddDate(0, 0, 1) {
		days := d.Unix() / 86400
		if got := DaysFromDate(d.Year(), int(d.Month()), d.Day()); got != days {
			t.Fatalf("DaysFromDate(%s) = %d, want %d", d.Format(time.DateOnly), got, days)
		}
		y, m, dd := DateFromDays(days)
		if y != d.Year() || m != int(d.Month()) || dd != d.Day() {
			t.Fatalf("DateFromDays(%d) = %d-%d-%d, want %s", days, y, m, dd, d.Format(time.DateOnly))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		unix := rng.Int64N(1<<40) - 1<<39 // about ±17,000 years
		tm := time.Unix(unix, 0).UTC()
		y, m, d, h, mi := SplitUnix(unix)
		if y != tm.Year() || m != int(tm.Month()) || d != tm.Day() || h != tm.Hour() || mi != tm.Minute() {
			t.Fatalf("SplitUnix(%d) = %d-%d-%d %d:%d, want %s", unix, y, m, d, h, mi, tm)
		}
	}
}

func TestValid(t *testing.T) {
	for y := -401; y <= 2401; y++ {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				tm := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
				want := m >= 1 && m <= 12 && tm.Day() == d && int(tm.Month()) == m
				if got := Valid(y, m, d); got != want {
					t.Fatalf("Valid(%d, %d, %d) = %v, want %v", y, m, d, got, want)
				}
			}
		}
	}
}
