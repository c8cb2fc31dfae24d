package history

import (
	"reflect"
	"unsafe"

	"github.com/relwatch/relwatch/diff"
)

// A summaryMemo writes each change summary of a listing once: a store
// hands out one map for all the versions whose change has the same
// summary (a VersionInfo is read-only), so a map's identity stands for
// what it holds, and a page with thousands of versions has a few dozen
// summaries. Looking one up is a tenth of wording it again (iterating a
// map, ordering its kinds). Maps that are equal but not the same are
// worded again, no less right. A memo serves one goroutine at a time; a
// nil memo remembers nothing.
type summaryMemo map[summaryKey]string

type summaryKey struct {
	summary   unsafe.Pointer // the map's identity; kept alive by the key
	stampVerb string         // from diff.StampVerb, "" for "changed"
}

// appendCounts appends diff.AppendCounts(b, summary, stampVerb).
func (m summaryMemo) appendCounts(b []byte, summary map[string]int, stampVerb string) []byte {
	if m == nil {
		return diff.AppendCounts(b, summary, stampVerb)
	}
	k := summaryKey{identity(summary), stampVerb}
	if text, ok := m[k]; ok {
		return append(b, text...)
	}
	from := len(b)
	b = diff.AppendCounts(b, summary, stampVerb)
	m[k] = string(b[from:])
	return b
}

// appendJSON appends summary as a log entry's "summary" object, the keys
// in order (appendJSONSummary), remembered by its identity.
func (m summaryMemo) appendJSON(b []byte, summary map[string]int) []byte {
	if m == nil {
		return appendJSONSummary(b, summary)
	}
	k := summaryKey{summary: identity(summary)}
	if text, ok := m[k]; ok {
		return append(b, text...)
	}
	from := len(b)
	b = appendJSONSummary(b, summary)
	m[k] = string(b[from:])
	return b
}

// perKindMemo gives one per-kind map for the versions that share a
// summary map, so that they share it too (see summaryMemo).
type perKindMemo map[unsafe.Pointer]map[string]int

func (m perKindMemo) of(summary map[string]int) map[string]int {
	k := identity(summary)
	kinds, ok := m[k]
	if !ok {
		kinds = perKind(summary)
		m[k] = kinds
	}
	return kinds
}

// identity is what stands for a summary map in the memos: the map itself,
// not what it holds (nil for a nil map).
func identity(summary map[string]int) unsafe.Pointer { return reflect.ValueOf(summary).UnsafePointer() }
