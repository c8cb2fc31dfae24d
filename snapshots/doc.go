// Package snapshots is relwatch's data model: the structured snapshot of a
// page (title, declared update stamp, lead, captions, nested sections of
// paragraphs and bullets), the text normalisation every stage shares, the
// canonical JSON encoding and the content hash that decides whether two
// captures are the same version.
//
// It imports none of relwatch's other packages; scraper, diff and archive
// all point inward to it.
package snapshots
