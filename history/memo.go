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
	k := summaryKey{reflect.ValueOf(summary).UnsafePointer(), stampVerb}
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
	k := summaryKey{summary: reflect.ValueOf(summary).UnsafePointer()}
	if text, ok := m[k]; ok {
		return append(b, text...)
	}
	from := len(b)
	b = appendJSONSummary(b, summary)
	m[k] = string(b[from:])
	return b
}
