package scraper

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the stamp's time zone must not depend on the host's zoneinfo
	"unicode/utf8"

	"github.com/relwatch/relwatch/internal/lazyregexp"
)

// StampZoneName is how reports label a stamp's time of day: the site's
// stamps are NATO headquarters' local time (stampZone).
const StampZoneName = "Brussels"

// stampZone is where the site's stamps are written: NATO headquarters,
// Brussels (CET/CEST).
var stampZone = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		// Cannot happen with time/tzdata embedded.
		panic("scraper: load Europe/Brussels: " + err.Error())
	}
	return loc
})

// stampDate matches the day-month-year stamps the site has used:
//
//	23 May. 2022 15:38    (old site, 2012–2024; every month abbreviated with a period)
//	02-Mar-2012 15:38     (older pages)
//	09-May-2006           (oldest, no time)
//	09 May 2025           (new site: full month name, no time)
//
// French month names are accepted too, in case the French new site prints
// them.
var stampDate = lazyregexp.New(`^(\d{1,2})(?:\s+|\s*-\s*)(\pL+)\.?(?:\s+|\s*-\s*)(\d{4})(?:\s*,?\s+(?:at\s+|à\s+)?(\d{1,2})\s*[:h.]\s*(\d{2})(?::(\d{2}))?)?$`)

// stampISO matches 2022-05-23 and 2022-05-23 15:38.
var stampISO = lazyregexp.New(`^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)

var months = map[string]time.Month{
	"jan": 1, "january": 1, "janv": 1, "janvier": 1,
	"feb": 2, "february": 2, "fév": 2, "févr": 2, "février": 2, "fevr": 2, "fevrier": 2,
	"mar": 3, "march": 3, "mars": 3,
	"apr": 4, "april": 4, "avr": 4, "avril": 4,
	"may": 5, "mai": 5,
	"jun": 6, "june": 6, "juin": 6,
	"jul": 7, "july": 7, "juil": 7, "juillet": 7,
	"aug": 8, "august": 8, "août": 8, "aout": 8,
	"sep": 9, "sept": 9, "september": 9, "septembre": 9,
	"oct": 10, "october": 10, "octobre": 10,
	"nov": 11, "november": 11, "novembre": 11,
	"dec": 12, "december": 12, "déc": 12, "décembre": 12, "decembre": 12,
}

// ParseStamp parses a stamp value (label already removed) into the local
// date "YYYY-MM-DD" and, when the stamp has a time of day, the UTC instant
// (RFC 3339) of that Europe/Brussels wall-clock time. ok is false when raw
// is not a date in a known format. A leading day of the week ("Monday 23
// May 2022", "lun. 23 mai 2022") is allowed and ignored: the date says
// which day it is.
//
// A wall-clock time that does not exist (the spring-forward gap, e.g.
// 27 Mar. 2022 02:30) or exists twice (the autumn fall-back hour, e.g.
// 30 Oct. 2022 02:30) is resolved the way time.Date resolves it, which is
// deterministic: see the table test.
func ParseStamp(raw string) (on, at string, ok bool) {
	s := strings.TrimSpace(strings.Join(strings.Fields(raw), " "))
	s = trimWeekday(s)
	var y, d, hh, mm, ss int
	var mon time.Month
	hasTime := false
	// Both forms put the time of day, if any, in groups 4 to 6.
	var m []string
	if m = stampDate().FindStringSubmatch(s); m != nil {
		d, _ = strconv.Atoi(m[1])
		mon = months[strings.ToLower(m[2])]
		y, _ = strconv.Atoi(m[3])
	} else if m = stampISO().FindStringSubmatch(s); m != nil {
		y, _ = strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		mon = time.Month(n)
		d, _ = strconv.Atoi(m[3])
	} else {
		return "", "", false
	}
	if m[4] != "" {
		hasTime = true
		hh, _ = strconv.Atoi(m[4])
		mm, _ = strconv.Atoi(m[5])
		if m[6] != "" {
			ss, _ = strconv.Atoi(m[6])
		}
	}
	if mon < 1 || mon > 12 || d < 1 || d > 31 || y < 1990 || y > 2200 ||
		hh > 23 || mm > 59 || ss > 59 {
		return "", "", false
	}
	// time.Date normalises 31 Feb. to 3 Mar.; a stamp like that is garbage.
	if t := time.Date(y, mon, d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return "", "", false
	}
	on = fmt.Sprintf("%04d-%02d-%02d", y, int(mon), d)
	if hasTime {
		at = time.Date(y, mon, d, hh, mm, ss, 0, stampZone()).UTC().Format(time.RFC3339)
	}
	return on, at, true
}

var weekdays = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
	"lundi": true, "mardi": true, "mercredi": true, "jeudi": true, "vendredi": true, "samedi": true, "dimanche": true,
	"lun": true, "mer": true, "jeu": true, "ven": true, "sam": true, "dim": true,
}

// trimWeekday drops a leading day of the week, with its period or comma,
// from a space-normalised stamp: "Monday, 23 May 2022" → "23 May 2022".
func trimWeekday(s string) string {
	word, rest, ok := strings.Cut(s, " ")
	if !ok {
		return s
	}
	if w := strings.TrimRight(word, ".,"); weekdays[strings.ToLower(w)] {
		return rest
	}
	return s
}

// stampLabels are the labels the site prints before its update stamp, with
// the language each one implies. Longer labels first so that "Last updated"
// is not read as "updated".
var stampLabels = []struct{ label, lang string }{
	{"dernière mise à jour", "fr"},
	{"mis à jour le", "fr"},
	{"mise à jour", "fr"},
	{"последнее обновление", "ru"},
	{"обновлено", "ru"},
	{"останнє оновлення", "uk"},
	{"оновлено", "uk"},
	{"last updated", "en"},
	{"last update", "en"},
	{"updated", "en"},
}

// stampLine recognises a line that is an update stamp: a known label
// followed by a value (which may fail to parse), or, when anyLabel is set,
// any short "<label>: <date>" line whose value parses as a date. It returns
// the value without its label and the language the label implies ("" if
// unknown).
func stampLine(text string, anyLabel bool) (value, lang string, ok bool) {
	if text == "" || len(text) > 80 {
		return "", "", false
	}
	for _, l := range stampLabels {
		rest, found := cutPrefixFold(text, l.label)
		if !found {
			continue
		}
		rest = strings.TrimSpace(rest)
		colon := strings.HasPrefix(rest, ":")
		rest = strings.TrimSpace(strings.TrimLeft(rest, ":"))
		if _, _, ok := ParseStamp(rest); ok || dateShaped(rest) {
			return rest, l.lang, true
		}
		// A stamp printed with something after it ("23 May. 2022 15:38 |
		// Print"): keep the longest run of leading words that is a date.
		words := strings.Fields(rest)
		for n := min(len(words), 6); n >= 1; n-- {
			v := strings.Join(words[:n], " ")
			if _, _, ok := ParseStamp(v); ok {
				return v, l.lang, true
			}
		}
		// "Last updated: <anything short with a number>" is the stamp line
		// even when its value is not a date we can read ("99 Foo. 20222"):
		// the value is kept raw (Parse warns), rather than the line passing
		// for text. Without the colon, the label may start a sentence.
		if colon && utf8.RuneCountInString(rest) <= maxRawStamp && strings.ContainsAny(rest, "0123456789") {
			return rest, l.lang, true
		}
		return "", "", false
	}
	label, rest, found := strings.Cut(text, ":")
	if !anyLabel || !found || len(label) > 40 || strings.ContainsAny(label, "0123456789") {
		return "", "", false
	}
	rest = strings.TrimSpace(rest)
	if _, _, ok := ParseStamp(rest); !ok {
		return "", "", false
	}
	return rest, "", true
}

// maxRawStamp is the longest value, in characters, a labelled stamp line
// ("Last updated: …") keeps as an unparseable stamp. The longest real
// stamp, "Monday 30 September 2025 15:38", has 30.
const maxRawStamp = 40

// cutPrefixFold is strings.CutPrefix ignoring case. It compares rune by
// rune because lower-casing can change a string's length in bytes.
func cutPrefixFold(s, prefix string) (string, bool) {
	n := 0
	for range prefix {
		_, size := utf8.DecodeRuneInString(s[n:])
		if size == 0 {
			return s, false
		}
		n += size
	}
	if !strings.EqualFold(s[:n], prefix) {
		return s, false
	}
	return s[n:], true
}

// dateShaped accepts a value that is not a date we can parse but looks like
// one ("23/05/2022", "May 23, 2022", "31 Foo. 2022"), so that a labelled
// but unparseable stamp is kept raw and warned about rather than ending up
// as a paragraph, while "Updated 2019 figures show…" stays text: every word
// must be a month name or short, and the value must start with a digit or a
// month.
func dateShaped(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '.' || r == ',' || r == '-' || r == '/' || r == ':'
	})
	if len(f) == 0 {
		return false
	}
	if _, month := months[f[0]]; !month && (f[0][0] < '0' || f[0][0] > '9') {
		return false
	}
	for _, w := range f {
		if _, month := months[w]; !month && utf8.RuneCountInString(w) > 4 {
			return false
		}
	}
	return true
}
