package history

import (
	"context"
	"encoding/json"
	"io"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// WriteLog writes `relwatch log` of page to out: the text table
// (WriteLogTable), or the JSON array of its log entries when asJSON. A
// store that is a relwatch.VersionStreamer has its versions written as
// they are read, when the page has no removals and the JSON is written
// without encoding/json; the bytes are the same either way.
func WriteLog(ctx context.Context, h relwatch.History, page snapshots.PageKey, out io.Writer, asJSON bool) error {
	removals, err := Removals(ctx, h, page)
	if err != nil {
		return err
	}
	if s, ok := h.(relwatch.VersionStreamer); ok && asJSON && len(removals) == 0 && logJSONFieldsKnown {
		return streamVersionsJSON(ctx, s, page, out)
	}
	versions, err := h.Versions(ctx, page)
	if err != nil {
		return err
	}
	if asJSON {
		return WriteVersionsJSON(out, versions, removals)
	}
	return WriteLogTable(out, versions, removals)
}

// streamVersionsJSON writes WriteVersionsJSON(out, versions, nil) of the
// page's versions as s reads them, through one buffer. A time that
// encoding/json refuses ends it with encoding/json's error, after the
// versions before it.
func streamVersionsJSON(ctx context.Context, s relwatch.VersionStreamer, page snapshots.PageKey, out io.Writer) error {
	const flushAt = 60 << 10
	b := make([]byte, 0, flushAt+8<<10)
	b = append(b, "[\n"...)
	var (
		e       LogEntry
		fields  entryFields
		kinds   = perKindMemo{}
		counts  = summaryMemo{}
		latest  = map[string]int{} // content hash → its latest version so far, for came_back_to
		written int
	)
	err := s.EachVersion(ctx, page, func(batch []relwatch.VersionInfo) error {
		for _, v := range batch {
			if badJSONTimes(v) {
				return refusedTimes(v)
			}
			if written > 0 {
				b = append(b, ",\n"...)
			}
			written++
			back := latest[v.ContentHash]
			latest[v.ContentHash] = v.Version
			fields.fill(&e, v, back, kinds)
			b = appendLogEntry(b, &e, counts)
		}
		if len(b) < flushAt {
			return nil
		}
		_, err := out.Write(b)
		b = b[:0]
		return err
	})
	if err != nil {
		return err
	}
	if written == 0 {
		b = append(b[:0], "[]\n"...)
	} else {
		b = append(b, "\n]\n"...)
	}
	_, err = out.Write(b)
	return err
}

// refusedTimes is encoding/json's error for the log entry of v, a version
// with a time it refuses (badJSONTimes).
func refusedTimes(v relwatch.VersionInfo) error {
	return json.NewEncoder(io.Discard).Encode(LogEntries([]relwatch.VersionInfo{v}, nil))
}
