// Package output writes what relwatch hands to people and scripts outside
// the archive, the same for every front end that writes it: the export
// tree that history.PlanExport plans, written into a folder file by file,
// atomically and only when a file differs, and never through a symbolic
// link below the folder the user named.
//
// It decides no content: what the files say comes from history and diff;
// this package only puts it on disk safely.
package output
