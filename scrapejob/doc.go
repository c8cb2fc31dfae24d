// Package scrapejob is the scrape job, once for every front end that runs
// it (relwatch scrape, and relwatch watch on a schedule): it holds the
// store's writer lock (on a shared store, a claim per host) while
// track.Run checks every page, completes the results from the archive
// (page stamps, staleness), reports what an earlier run archived but did
// not report, writes the results, the --report-dir files and the Markdown
// summary (through output), settles the run's reports in the outbox and
// delivers the notifications the destinations are owed.
//
// It decides no exit code and parses no flag: Run returns an Outcome (the
// results, an output error, whether every notification went) and the
// front end says what that means for its user.
package scrapejob
