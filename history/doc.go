// Package history is the read side of relwatch, the same for every front
// end (the CLI, and `relwatch serve` next): which page a reference names,
// which version a number, a content hash prefix or a date names, what
// changed between two versions, how healthy each page is, the Atom feed,
// what an export writes, and the JSON views of pages, versions, snapshots,
// diffs and search hits, so that every front end gives the same bytes.
//
// It reads only through relwatch.History (and the relwatch.Reader of one
// read transaction), never a concrete store, and it writes nothing: the
// callers print, serve or write files.
//
// Errors of the caller's making (a malformed or ambiguous reference,
// version 0, versions in the wrong order) match ErrBadInput; a page or
// version the archive does not have matches relwatch.ErrNotFound.
package history
