// Package archive is relwatch's memory: one embedded SQLite file holding
// every fetch attempt (captures), every raw body once (content-addressed by
// SHA-256, gzip-compressed), every distinct version of every page, the
// changes between consecutive versions and a full-text index over the
// blocks of text that ever appeared.
//
// The design follows two rules. First, every write
// is one SQLite transaction begun IMMEDIATE, so a crash at any point leaves
// the archive as it was before or as it is after, and a writer never fails
// with SQLITE_BUSY halfway through. Second, the file is only ever touched
// once we know it is ours: Open looks at a file read-only before it sets a
// single pragma, so pointing --db at the wrong file cannot damage it.
//
// Readers use WAL snapshots and never wait for the writer. One scrape run at
// a time is ensured by Lock, an flock(2) on "<archive>.lock" that the kernel
// drops when the holder dies, so there are no stale locks to clean up.
//
// archive imports only the standard library, SQLite, flock, x/text and
// snapshots. Diffing and parsing come in from the caller as JSON bytes and
// func values, which keeps the arrows pointing inward.
//
// The tables are documented for users in docs/archive.md.
package archive
