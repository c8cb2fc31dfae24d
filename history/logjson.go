package history

import (
	"encoding/binary"
	"io"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// WriteLogJSON writes entries exactly as WriteJSON would (encoding/json,
// two-space indent, no HTML escaping), field by field into one buffer:
// for a page with thousands of versions, reflection and the separate
// indentation pass were most of `log --json`'s time. TestLogJSONMatchesEncodingJSON
// holds the two to the same bytes.
func WriteLogJSON(out io.Writer, entries []LogEntry) error {
	if !logJSONFieldsKnown {
		return WriteJSON(out, entries) // LogEntry has fields appendLogEntry does not write
	}
	for _, e := range entries {
		if e.Removals == nil || len(e.Removals) > 0 {
			return WriteJSON(out, entries) // rare: a page that was removed
		}
		if !jsonTimeOK(e.FirstSeen.Time) || !jsonTimeOK(e.LastSeen.Time) || (e.ChangedAfter != nil && !jsonTimeOK(e.ChangedAfter.Time)) {
			return WriteJSON(out, entries) // let encoding/json say what is wrong
		}
	}
	if len(entries) == 0 {
		_, err := io.WriteString(out, "[]\n")
		return err
	}
	return writeRows(out, []byte("[\n"), len(entries), func() func([]byte, int) []byte {
		summaries := summaryMemo{}
		return func(b []byte, i int) []byte {
			if i > 0 {
				b = append(b, ",\n"...)
			}
			return appendLogEntry(b, &entries[i], summaries)
		}
	}, []byte("\n]\n"))
}

// WriteVersionsJSON writes WriteLogJSON(out, LogEntries(versions,
// removals)), each entry made as its row is written instead of all of them
// first: a page with thousands of versions made a megabyte of entries, a
// page fault each 4 KiB, for one use. A page with removals, or a time
// encoding/json refuses, goes the long way.
func WriteVersionsJSON(out io.Writer, versions []relwatch.VersionInfo, removals []relwatch.Removal) error {
	if !logJSONFieldsKnown || len(removals) > 0 || len(versions) == 0 || slices.ContainsFunc(versions, badJSONTimes) {
		return WriteLogJSON(out, LogEntries(versions, removals))
	}
	back := cameBack(versions)
	return writeRows(out, []byte("[\n"), len(versions), func() func([]byte, int) []byte {
		var e LogEntry
		var fields entryFields
		kinds, summaries := perKindMemo{}, summaryMemo{}
		return func(b []byte, i int) []byte {
			if i > 0 {
				b = append(b, ",\n"...)
			}
			fields.fill(&e, versions[i], back[i], kinds)
			return appendLogEntry(b, &e, summaries)
		}
	}, []byte("\n]\n"))
}

// badJSONTimes reports whether a time of v is one encoding/json refuses
// (a year outside 0–9999), as WriteLogJSON checks its entries.
func badJSONTimes(v relwatch.VersionInfo) bool {
	return !jsonTimeOK(v.FirstSeen) || !jsonTimeOK(v.LastSeen) || v.WindowStart != nil && !v.WindowStart.IsZero() && !jsonTimeOK(*v.WindowStart)
}

// logJSONFields are LogEntry's JSON tags, in order, as appendLogEntry
// writes them. A field added to LogEntry and not to appendLogEntry makes
// WriteLogJSON fall back to encoding/json (and TestLogJSONFastPath fail).
var logJSONFields = []string{"version", "content_hash", "first_seen", "last_seen", "checks", "updated_raw",
	"updated_on", "updated_at", "parser_version", "changed_after", "summary", "stamp_only",
	"parser_change", "suspect", "came_back_to", "source", "original_url", "origin", "removals"}

var logJSONFieldsKnown = func() bool {
	t := reflect.TypeFor[LogEntry]()
	if t.NumField() != len(logJSONFields) {
		return false
	}
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("json") != logJSONFields[i] {
			return false
		}
	}
	return true
}()

// jsonTimeOK reports whether snapshots.JSONTime.MarshalJSON accepts t.
func jsonTimeOK(t time.Time) bool {
	// 0000-01-01 and 10000-01-01 UTC in Unix seconds: the year read from
	// seconds, thousands of times a long log.
	u := t.Unix()
	return u >= -62167219200 && u < 253402300800
}

func appendLogEntry(b []byte, e *LogEntry, summaries summaryMemo) []byte {
	const in = "    " // fields of an element of the top-level array
	field := func(name string) {
		b = append(b, in...)
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `": `...)
	}
	next := func() { b = append(b, ",\n"...) }
	str := func(name, v string) { field(name); b = appendJSONString(b, v) }
	num := func(name string, v int) { field(name); b = strconv.AppendInt(b, int64(v), 10) }
	optStr := func(name string, v *string) {
		field(name)
		if v == nil {
			b = append(b, "null"...)
		} else {
			b = appendJSONString(b, *v)
		}
	}
	tm := func(name string, t snapshots.JSONTime) {
		field(name)
		b = append(b, '"')
		b = appendJSONTime(b, t.Time)
		b = append(b, '"')
	}
	boolean := func(name string, v bool) { field(name); b = strconv.AppendBool(b, v) }

	b = append(b, "  {\n"...)
	num("version", e.Version)
	next()
	str("content_hash", e.ContentHash)
	next()
	tm("first_seen", e.FirstSeen)
	next()
	tm("last_seen", e.LastSeen)
	next()
	num("checks", e.Checks)
	next()
	optStr("updated_raw", e.UpdatedRaw)
	next()
	optStr("updated_on", e.UpdatedOn)
	next()
	optStr("updated_at", e.UpdatedAt)
	next()
	num("parser_version", e.ParserVersion)
	next()
	if e.ChangedAfter != nil {
		tm("changed_after", *e.ChangedAfter)
	} else {
		field("changed_after")
		b = append(b, "null"...)
	}
	next()
	switch {
	case e.Summary == nil:
		field("summary")
		b = append(b, "null"...)
		next()
	case len(e.Summary) == 0:
		field("summary")
		b = append(b, "{}"...)
		next()
	default:
		field("summary")
		b = summaries.appendJSON(b, e.Summary)
		next()
	}
	boolean("stamp_only", e.StampOnly)
	next()
	boolean("parser_change", e.ParserChange)
	next()
	optStr("suspect", e.Suspect)
	next()
	field("came_back_to")
	if e.CameBackTo == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*e.CameBackTo), 10)
	}
	next()
	str("source", e.Source)
	next()
	optStr("original_url", e.OriginalURL)
	next()
	optStr("origin", e.Origin)
	next()
	field("removals") // WriteLogJSON leaves entries with removals to encoding/json
	b = append(b, "[]"...)
	return append(b, "\n  }"...)
}

// appendJSONSummary appends a summary with counts as an object of a log
// entry, its keys in order, as encoding/json indents it.
func appendJSONSummary(b []byte, summary map[string]int) []byte {
	const in = "    " // the entry's fields
	b = append(b, "{\n"...)
	keys := make([]string, 0, len(summary))
	for k := range summary {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = append(b, in+"  "...)
		b = appendJSONString(b, k)
		b = append(b, ": "...)
		b = strconv.AppendInt(b, int64(summary[k]), 10)
	}
	return append(b, "\n"+in+"}"...)
}

// appendJSONString appends s as encoding/json writes a string with HTML
// escaping off: quotes, backslashes and control characters escaped,
// invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at once while none needs a look (hashes, times,
		// URLs: nearly every string of a log).
		if i+8 <= len(s) && plainJSON(binary.LittleEndian.Uint64([]byte(s[i:i+8]))) {
			i += 8
			continue
		}
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainJSON reports whether each of w's eight bytes is ASCII that a JSON
// string holds as it is: not a control character, a quote or a
// backslash. (^((x | highs) - ones) & highs marks each byte of x that is
// 0; a byte's top bit, set first, keeps the subtraction from borrowing
// from the next byte.)
func plainJSON(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote, backslash := w^'"'*ones, w^'\\'*ones
	control := ^((w | highs) - 0x20*ones)
	control |= ^((quote | highs) - ones)
	control |= ^((backslash | highs) - ones)
	return w&highs == 0 && control&highs == 0
}
