// Package output writes what relwatch hands to people and scripts outside
// the archive, the same for every front end that writes it:
//
//   - a scrape's results: a line per page and the run's summary line, or
//     JSON Lines (WriteResults, RunSummary);
//   - the --report-dir files of each change, in Markdown, HTML and JSON
//     (WriteReports), and the Markdown job summary appended to
//     $GITHUB_STEP_SUMMARY or --summary (AppendSummary);
//   - the export tree that history.PlanExport plans, written into a folder
//     file by file, atomically and only when a file differs (WriteExport).
//
// The stderr log is NewLogger's (text on a terminal, JSON otherwise), and
// what Go's libraries print through the log package joins it
// (RouteStdlibLog). What reaches a terminal goes through a SafeWriter, which writes control
// characters and bidirectional overrides from page text as visible
// escapes.
//
// Nothing is ever written through a symbolic link below the folder the
// user named (NoLinkBelow). The package decides no content: what the
// files say comes from history and diff; it only puts it on disk safely.
package output
