// Package relwatch is the domain of relwatch: the value types every store
// and every front end share (a page's status, a version, a capture, a
// change), the errors they agree on, and the small interfaces that stand
// between them.
//
// The layers, from the outside in:
//
//	cmd/relwatch, serve, worker   front ends: flags, HTTP, jobs; no logic of their own
//	track, history                the write pipeline and the read side, once for every front end
//	archive (SQLite), postgres    stores, which implement the interfaces below
//	relwatch, snapshots           this package and the data model
//
// A store implements Store; history reads through History and Reader;
// track writes through Recorder. Nothing above a store knows which engine
// it has.
//
// The package also holds the rules both stores apply, as pure functions
// over these types, so that a store keeps only its SQL: the timeline
// rebuild of backfill, import and reparse (rebuild.go), the steps of a new
// version (recordversion.go), the outbox's write rules (outboxwrite.go),
// the checks of `relwatch check` (problems.go), the removal rule
// (removal.go), and how captures, headers and summaries are stored.
package relwatch
