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
// they are read when the page has no removals (and the JSON is written
// without encoding/json); the bytes are the same either way.
func WriteLog(ctx context.Context, h relwatch.History, page snapshots.PageKey, out io.Writer, asJSON bool) error {
	removals, err := Removals(ctx, h, page)
	if err != nil {
		return err
	}
	if s, ok := h.(relwatch.VersionStreamer); ok && len(removals) == 0 {
		switch {
		case !asJSON:
			return streamLogTable(ctx, s, page, out)
		case logJSONFieldsKnown:
			return streamVersionsJSON(ctx, s, page, out)
		}
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

// streamLogTable writes WriteLogTable(out, versions, nil) of the page's
// versions as s reads them. The widths of the columns are known only at
// the end: each row is formatted as it comes, into blocks, with where
// each of its aligned cells ends, and written padded once all are read.
// The blocks hold about the table's size, half of the versions'.
func streamLogTable(ctx context.Context, s relwatch.VersionStreamer, page snapshots.PageKey, out io.Writer) error {
	const block = 64 << 10
	var (
		width  [logColumns]int
		blocks [][]byte
		cur    = make([]byte, 0, block)
		rows   []int   // how many rows each block holds
		inCur  int     // rows in cur
		ends   []int32 // each row's cells' ends in its block, then its own end
		prev   relwatch.VersionInfo
		counts = summaryMemo{}
		latest = map[string]int{} // content hash → its latest version so far, for "came back"
	)
	for j := range logColumns {
		width[j] = cellWidth([]byte(logHeader[j]))
	}
	ended := func(b []byte, j, from int) []byte {
		width[j] = max(width[j], cellWidth(b[from:]))
		ends = append(ends, int32(len(b)))
		return b
	}
	n := 0
	err := s.EachVersion(ctx, page, func(batch []relwatch.VersionInfo) error {
		for i := range batch {
			v := &batch[i]
			if len(cur) > block-4<<10 {
				blocks, rows = append(blocks, cur), append(rows, inCur)
				cur, inCur = make([]byte, 0, block), 0
			}
			cur = appendLogCells(cur, v, ended)
			var before *relwatch.VersionInfo
			if n > 0 {
				before = &prev
			}
			cur = appendChangeLine(cur, *v, before, latest[v.ContentHash], counts)
			cur = append(cur, '\n')
			ends = append(ends, int32(len(cur)))
			latest[v.ContentHash] = v.Version
			prev = *v
			n++
			inCur++
		}
		return nil
	})
	if err != nil {
		return err
	}
	blocks, rows = append(blocks, cur), append(rows, inCur)

	b := append(make([]byte, 0, block), logHead(width)...)
	e := ends
	for k, blk := range blocks {
		from := 0
		for range rows[k] {
			for j := range logColumns {
				start := len(b)
				b = append(b, blk[from:e[j]]...)
				b = padCell(b, start, width[j])
				from = int(e[j])
			}
			b = append(b, blk[from:e[logColumns]]...)
			from = int(e[logColumns])
			e = e[logColumns+1:]
			if len(b) > block-4<<10 {
				if _, err := out.Write(b); err != nil {
					return err
				}
				b = b[:0]
			}
		}
	}
	_, err = out.Write(b)
	return err
}
