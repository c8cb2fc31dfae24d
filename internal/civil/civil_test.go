package civil

import (
	"math/rand/v2"
	"strconv"
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

// FuzzParseDateTime: ParseDateTime reads what time.Parse reads in its
// layout written out in full, and nothing else (time.Parse also takes a
// one-digit hour and a fraction of a second).
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2017-12-13T09:00:00", "2024-02-29T23:59:59", "2026-02-29T00:00:00", "2026-04-31T00:00:00",
		"2026-13-01T00:00:00", "2026-01-01T24:00:00", "2026-01-01T00:60:00", "2026-01-01T00:00:60", "0000-01-01T00:00:00",
		"9999-12-31T23:59:59", "2026-01-01 00:00:00", "2026-0a-01T00:00:00", "2026-01-01T0/:00:00", "2026-01-01T00:00:0:",
		"20\xb6-01-01T00:00:00", "2026-01-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseDateTime(s)
		want, err := time.Parse("2006-01-02T15:04:05", s)
		wantOK := err == nil && want.Format("2006-01-02T15:04:05") == s
		if ok != wantOK || ok && got != want.Unix() {
			t.Errorf("ParseDateTime(%q) = %d, %v; time.Parse: %v, %v", s, got, ok, want, err)
		}
	})
}

// FuzzEightDigits: EightDigits reads eight digits as strconv.Atoi does,
// and refuses anything else (a sign, a space).
func FuzzEightDigits(f *testing.F) {
	for _, s := range []string{"00000000", "99999999", "12345678", "1234567/", ":2345678", "+1234567", " 1234567", "1234567\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) < 8 {
			return
		}
		got, ok := EightDigits(s)
		want, err := strconv.Atoi(s[:8])
		wantOK := err == nil && s[0] != '+' && s[0] != '-'
		if ok != wantOK || ok && got != want {
			t.Errorf("EightDigits(%q) = %d, %v; strconv.Atoi: %d, %v", s, got, ok, want, err)
		}
	})
}
