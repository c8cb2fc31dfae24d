package history

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/internal/civil"
	"github.com/relwatch/relwatch/snapshots"
)

// How the history is worded for people, the same in every front end.

// ShortTime is t in UTC to the minute: "2006-01-02 15:04".
func ShortTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

// appendShortTime appends ShortTime(t) to b, without fmt: a log of
// thousands of versions formats thousands of times.
func appendShortTime(b []byte, t time.Time) []byte {
	y, mo, d, h, mi := civil.SplitUnix(t.Unix())
	if y < 0 || y > 9999 {
		return append(b, ShortTime(t)...)
	}
	return appendDateMinute(b, y, mo, d, ' ', h, mi)
}

// appendJSONTime appends t in UTC as snapshots.JSONTimeLayout lays it
// out, "2006-01-02T15:04:05.000000000Z", without the time package's
// layout interpreter: `log --json` writes three times a version.
func appendJSONTime(b []byte, t time.Time) []byte {
	unix := t.Unix()
	y, mo, d, h, mi := civil.SplitUnix(unix)
	if y < 0 || y > 9999 {
		return t.UTC().AppendFormat(b, snapshots.JSONTimeLayout)
	}
	b = appendDateMinute(b, y, mo, d, 'T', h, mi)
	b = append(b, ':')
	b = appendTwoDigits(b, int((unix%60+60)%60))
	b = append(b, '.')
	var ns [9]byte
	for i, n := len(ns)-1, t.Nanosecond(); i >= 0; i, n = i-1, n/10 {
		ns[i] = byte('0' + n%10)
	}
	b = append(b, ns[:]...)
	return append(b, 'Z')
}

// appendDateMinute appends "2006-01-02 15:04", with sep between the date
// and the time, for a year of four digits.
func appendDateMinute(b []byte, y, mo, d int, sep byte, h, mi int) []byte {
	b = appendTwoDigits(b, y/100)
	b = appendTwoDigits(b, y%100)
	b = append(b, '-')
	b = appendTwoDigits(b, mo)
	b = append(b, '-')
	b = appendTwoDigits(b, d)
	b = append(b, sep)
	b = appendTwoDigits(b, h)
	b = append(b, ':')
	return appendTwoDigits(b, mi)
}

func appendTwoDigits(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

// ChangeLine says in one line what a version changed and when:
// "1 stamp changed, 1 block changed (between 2026-11-27 06:00 and
// 2026-11-28 06:00)".
func ChangeLine(v relwatch.VersionInfo) string { return string(appendChangeLine(nil, v, nil, 0, nil)) }

// appendChangeLine appends ChangeLine(v) to b. prev, when not nil, is the
// version before v, whose stamp says what happened to v's: "stamp
// removed", "stamp went backwards". counts, when not nil, remembers how
// summaries were worded, for a listing of many versions.
func appendChangeLine(b []byte, v relwatch.VersionInfo, prev *relwatch.VersionInfo, back int, counts summaryMemo) []byte {
	if v.Version == 1 {
		b = append(b, "first version"...)
		return appendSourceNote(b, v)
	}
	if v.ParserChange {
		// relwatch reparse: the same capture read by a newer parser.
		b = append(b, "parser update, not an edit of the page: "...)
	}
	if len(v.Summary) == 0 {
		b = append(b, "changed"...)
	} else {
		// Worded and ordered as every report words a change.
		stamp := ""
		if prev != nil && prev.Version+1 == v.Version {
			stamp = diff.StampVerb(diff.Stamp{Raw: prev.UpdatedRaw, On: prev.UpdatedOn, At: prev.UpdatedAt},
				diff.Stamp{Raw: v.UpdatedRaw, On: v.UpdatedOn, At: v.UpdatedAt})
		}
		b = counts.appendCounts(b, v.Summary, stamp)
	}
	if v.WindowStart != nil {
		b = append(b, " (between "...)
		b = appendShortTime(b, *v.WindowStart)
		b = append(b, " and "...)
		b = appendShortTime(b, v.FirstSeen)
		b = append(b, ')')
	}
	if back != 0 {
		b = append(b, "; the page came back to version "...)
		b = strconv.AppendInt(b, int64(back), 10)
	}
	if v.Suspect != "" {
		b = append(b, "; suspect: "...)
		b = append(b, v.Suspect...)
	}
	return appendSourceNote(b, v)
}

// appendSourceNote appends where a version came from when not from a
// live check: "; from the Wayback Machine capture of 2016-04-12".
func appendSourceNote(b []byte, v relwatch.VersionInfo) []byte {
	switch v.Source {
	case relwatch.SourceWayback:
		b = append(b, "; from the Wayback Machine capture of "...)
		return v.FirstSeen.UTC().AppendFormat(b, time.DateOnly)
	case relwatch.SourceImport:
		b = append(b, "; imported from "...)
		return append(b, filepath.Base(v.Origin)...)
	}
	return b
}

// VanishedText says when a search hit's text vanished: "vanished in
// version 4 (2026-11-27 06:00)", or "still present" when the latest
// version has it.
func VanishedText(h relwatch.Hit) string {
	if h.VanishedIn == 0 || h.VanishedSeen == nil {
		return "still present"
	}
	return fmt.Sprintf("vanished in version %d (%s)", h.VanishedIn, ShortTime(*h.VanishedSeen))
}

// VersionList says "version 2" or "versions 2-4, 6".
func VersionList(vs []int) string {
	var parts []string
	for i := 0; i < len(vs); {
		j := i
		for j+1 < len(vs) && vs[j+1] == vs[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprint(vs[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", vs[i], vs[j]))
		}
		i = j + 1
	}
	if len(vs) == 1 {
		return "version " + parts[0]
	}
	return "versions " + strings.Join(parts, ", ")
}

// cameBack says, for each of a page's versions in order, which earlier
// version's content it brought back (as Reverts finds it), or 0.
func cameBack(versions []relwatch.VersionInfo) []int {
	reverts := Reverts(relwatch.RepeatedContents(versions))
	back := make([]int, len(versions))
	for i, v := range versions {
		back[i] = reverts[v.Version]
	}
	return back
}

// WarnBadHash warns on w (stderr) for each stored snapshot that no longer
// matches its content hash (edited by hand, or damaged): what is shown is
// not what relwatch recorded. The command goes on and its exit code is
// unchanged.
func WarnBadHash(w io.Writer, page snapshots.PageKey, snaps ...snapshots.Snapshot) {
	for _, s := range snaps {
		if !s.VerifyHash() {
			fmt.Fprintf(w, "warning: %s version %d does not match its content hash %s: the archive was changed outside relwatch or is damaged; run relwatch check\n",
				page, s.Version, s.ContentHash)
		}
	}
}
