package scraper

import (
	"strings"
	"testing"

	"github.com/relwatch/relwatch/snapshots"
)

func TestParseStamp(t *testing.T) {
	tests := []struct {
		name, raw, on, at string
		ok                bool
	}{
		// Old site, 2012–2024: abbreviated month with a period, Brussels time.
		{"old site summer", "23 May. 2022 15:32", "2022-05-23", "2022-05-23T13:32:00Z", true},
		{"old site french page", "23 May. 2022 15:38", "2022-05-23", "2022-05-23T13:38:00Z", true},
		{"september is Sep.", "20 Sep. 2017 16:22", "2017-09-20", "2017-09-20T14:22:00Z", true},
		{"winter is CET", "15 Jan. 2019 09:05", "2019-01-15", "2019-01-15T08:05:00Z", true},
		{"single-digit day", "3 Feb. 2020 10:00", "2020-02-03", "2020-02-03T09:00:00Z", true},
		{"no period", "23 May 2022 15:32", "2022-05-23", "2022-05-23T13:32:00Z", true},
		{"extra spaces", "  23  May.  2022   15:32 ", "2022-05-23", "2022-05-23T13:32:00Z", true},
		{"with seconds", "23 May. 2022 15:32:10", "2022-05-23", "2022-05-23T13:32:10Z", true},
		// Older pages.
		{"dashed with time", "02-Mar-2012 15:38", "2012-03-02", "2012-03-02T14:38:00Z", true},
		{"dashed date only", "09-May-2006", "2006-05-09", "", true},
		// New site: full month name, no time: a date, not midnight UTC.
		{"new site", "09 May 2025", "2025-05-09", "", true},
		{"new site september", "30 September 2025", "2025-09-30", "", true},
		{"french month", "09 mai 2025", "2025-05-09", "", true},
		{"french abbreviation", "12 févr. 2024 11:00", "2024-02-12", "2024-02-12T10:00:00Z", true},
		{"upper case", "23 MAY. 2022 15:32", "2022-05-23", "2022-05-23T13:32:00Z", true},
		{"iso", "2022-05-23", "2022-05-23", "", true},
		{"iso with time", "2022-05-23 15:32", "2022-05-23", "2022-05-23T13:32:00Z", true},
		// Both sides of the 2022 changes in Brussels.
		{"before spring forward", "27 Mar. 2022 01:30", "2022-03-27", "2022-03-27T00:30:00Z", true},
		{"after spring forward", "27 Mar. 2022 03:30", "2022-03-27", "2022-03-27T01:30:00Z", true},
		{"day before spring forward", "26 Mar. 2022 12:00", "2022-03-26", "2022-03-26T11:00:00Z", true},
		{"day after spring forward", "28 Mar. 2022 12:00", "2022-03-28", "2022-03-28T10:00:00Z", true},
		{"before fall back", "30 Oct. 2022 01:30", "2022-10-30", "2022-10-29T23:30:00Z", true},
		{"after fall back", "30 Oct. 2022 03:30", "2022-10-30", "2022-10-30T02:30:00Z", true},
		{"day before fall back", "29 Oct. 2022 12:00", "2022-10-29", "2022-10-29T10:00:00Z", true},
		{"day after fall back", "31 Oct. 2022 12:00", "2022-10-31", "2022-10-31T11:00:00Z", true},
		// Wall-clock times that do not exist or exist twice: resolved as
		// time.Date does, pinned here so that a change shows.
		{"in the spring gap", "27 Mar. 2022 02:30", "2022-03-27", "2022-03-27T01:30:00Z", true},
		{"in the repeated hour", "30 Oct. 2022 02:30", "2022-10-30", "2022-10-30T01:30:00Z", true},
		// A day of the week before the date is ignored.
		{"weekday", "Monday 23 May 2022", "2022-05-23", "", true},
		{"weekday with a comma", "Monday, 23 May. 2022 15:32", "2022-05-23", "2022-05-23T13:32:00Z", true},
		{"short weekday", "Mon. 23 May 2022", "2022-05-23", "", true},
		{"french weekday", "lundi 23 mai 2022", "2022-05-23", "", true},
		{"weekday before iso", "Mon 2022-05-23", "2022-05-23", "", true},
		// Not stamps.
		{"weekday alone", "Monday", "", "", false},
		{"weekday, bad date", "Monday 99 Foo. 20222", "", "", false},
		{"empty", "", "", "", false},
		{"words", "yesterday", "", "", false},
		{"unknown month", "23 Foo. 2022 15:32", "", "", false},
		{"31 February", "31 Feb. 2022", "", "", false},
		{"29 February non-leap", "29 Feb. 2022", "", "", false},
		{"29 February leap", "29 Feb. 2024", "2024-02-29", "", true},
		{"hour 24", "23 May. 2022 24:00", "", "", false},
		{"minute 60", "23 May. 2022 15:60", "", "", false},
		{"day 0", "0 May. 2022", "", "", false},
		{"two-digit year", "23 May. 22", "", "", false},
		{"year out of range", "23 May. 1850", "", "", false},
		{"trailing junk", "23 May. 2022 15:32 by admin", "", "", false},
		{"month first", "May 23, 2022", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			on, at, ok := ParseStamp(tt.raw)
			if on != tt.on || at != tt.at || ok != tt.ok {
				t.Errorf("ParseStamp(%q) = %q, %q, %v; want %q, %q, %v", tt.raw, on, at, ok, tt.on, tt.at, tt.ok)
			}
		})
	}
}

func TestStampLine(t *testing.T) {
	tests := []struct {
		name, line string
		anyLabel   bool
		value      string
		lang       string
		ok         bool
	}{
		{"english", "Last updated: 23 May. 2022 15:32", false, "23 May. 2022 15:32", "en", true},
		{"french", "Mis à jour le: 23 May. 2022 15:38", false, "23 May. 2022 15:38", "fr", true},
		{"french spaced colon", "Mis à jour le : 09 mai 2025", false, "09 mai 2025", "fr", true},
		{"no colon", "Last updated 02-Mar-2012 15:38", false, "02-Mar-2012 15:38", "en", true},
		{"updated", "Updated: 09-May-2006", false, "09-May-2006", "en", true},
		{"new site", "Updated: 09 May 2025", false, "09 May 2025", "en", true},
		{"russian", "Последнее обновление: 23 May. 2022 15:40", false, "23 May. 2022 15:40", "ru", true},
		{"ukrainian", "Останнє оновлення: 23 May. 2022 15:41", false, "23 May. 2022 15:41", "uk", true},
		{"case", "LAST UPDATED: 23 May. 2022 15:32", false, "23 May. 2022 15:32", "en", true},
		{"known label, bad value", "Last updated: 31 Foo. 2022", false, "31 Foo. 2022", "en", true},
		{"known label, month-first value", "Last updated: May 23, 2022", false, "May 23, 2022", "en", true},
		{"label with a digit is not a label", "Version 2: 23 May. 2022", true, "", "", false},
		{"any label near title", "Date de publication: 23 May. 2022 15:38", true, "23 May. 2022 15:38", "", true},
		{"any label further down", "Date de publication: 23 May. 2022 15:38", false, "", "", false},
		{"any label needs a date", "Partenariat pour la paix : 1995", true, "", "", false},
		{"known label, numeric value", "Last updated: 23/05/2022", false, "23/05/2022", "en", true},
		{"stamp with a trailer", "Last updated: 23 May. 2022 15:38 | Print", false, "23 May. 2022 15:38", "en", true},
		{"date-only stamp with a trailer", "Updated: 09-May-2006 (archived)", false, "09-May-2006", "en", true},
		{"a sentence", "Last updated in 2022, the plan covers two years.", false, "", "", false},
		{"a sentence starting with a year", "Updated 2019 figures show growth.", false, "", "", false},
		{"too long", "Last updated: 23 May. 2022 15:32 " + string(make([]byte, 80)), false, "", "", false},
		{"label alone", "Last updated:", false, "", "", false},
		// A known label and a colon make the stamp line whatever the value,
		// kept raw for Parse to warn about.
		{"known label, garbage value", "Last updated: 99 Foo. 20222", false, "99 Foo. 20222", "en", true},
		{"french label, garbage value", "Mis à jour le : 99 Foo. 20222", false, "99 Foo. 20222", "fr", true},
		{"russian label, garbage value", "Обновлено: 99 Foo. 20222", false, "99 Foo. 20222", "ru", true},
		{"ukrainian label, garbage value", "Оновлено: 99 Foo. 20222", false, "99 Foo. 20222", "uk", true},
		{"updated, garbage value", "Updated: 2022/99/99 ??", false, "2022/99/99 ??", "en", true},
		{"weekday", "Last updated: Monday 23 May 2022", false, "Monday 23 May 2022", "en", true},
		{"weekday with a trailer", "Last updated: Monday 23 May 2022 | Print", false, "Monday 23 May 2022", "en", true},
		{"label and colon, no number", "Updated: new partnership goals", false, "", "", false},
		{"label and colon, long value", "Updated: 2022 saw 14 new partnership goals agreed with Astana", false, "", "", false},
		{"label, no colon, garbage", "Last updated 99 Foo. 20222", false, "", "", false},
		{"label is only the start of a word", "Updatedness: 99 Foo. 20222", false, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, lang, ok := stampLine(tt.line, tt.anyLabel)
			if v != tt.value || lang != tt.lang || ok != tt.ok {
				t.Errorf("stampLine(%q) = %q, %q, %v; want %q, %q, %v", tt.line, v, lang, ok, tt.value, tt.lang, tt.ok)
			}
		})
	}
}

func FuzzParseStamp(f *testing.F) {
	for _, s := range []string{"Last updated: 99 Foo. 20222", "Mis à jour le : lundi 23 mai 2022", "23 May. 2022 15:32", "02-Mar-2012 15:38", "09-May-2006", "09 May 2025", "2022-05-23 15:32", "30 Oct. 2022 02:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		on, at, ok := ParseStamp(s)
		if !ok && (on != "" || at != "") {
			t.Fatalf("not ok but %q %q", on, at)
		}
		if ok && len(on) != len("2006-01-02") {
			t.Fatalf("on %q", on)
		}
		// A stamp line's value is a non-empty piece of the line (which the
		// parser has normalised).
		line := snapshots.NormalizeText(s)
		for _, anyLabel := range []bool{false, true} {
			v, _, ok := stampLine(line, anyLabel)
			if ok && (v == "" || !strings.Contains(line, v)) || !ok && v != "" {
				t.Fatalf("stampLine(%q, %v) = %q, %v", line, anyLabel, v, ok)
			}
		}
	})
}
