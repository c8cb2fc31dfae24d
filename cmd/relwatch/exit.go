package main

import (
	"context"
	"errors"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/history"
)

// Exit codes, in one place: cron jobs and CI branch on them.
const (
	exitOK          = 0   // success
	exitChanged     = 1   // scrape --exit-code: a page is new or changed
	exitUsage       = 2   // bad flags, bad arguments or a bad config file
	exitFailed      = 3   // one or more targets failed (the others were archived)
	exitUnusable    = 4   // archive unusable: locked, corrupt, not an archive, newer schema, unwritable
	exitOther       = 5   // an output could not be written (export, --report-dir, --summary), or any other error
	exitNotify      = 6   // scrape --notify-strict: a notification could not be delivered
	exitInterrupted = 130 // interrupted (SIGINT/SIGTERM)
)

const exitCodesHelp = `Exit codes:
  0    success
  1    scrape --exit-code only: some page is new or changed
  2    usage or config error, or a page or version not in the archive
  3    one or more targets failed or are stale (the others were still archived)
  4    archive unusable (locked, corrupt, not an archive, newer schema, missing)
       or unwritable (disk full, read-only, a bad lock file)
  5    an output could not be written (export DIR, --report-dir, --summary),
       or another error that is neither a target's nor the archive's
  6    scrape --notify-strict only: a notification could not be delivered
  130  interrupted`

// exitError carries an exit code out of a command. Its message, if any, has
// already been printed or is printed by main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// outputError marks an error writing an output relwatch was asked for
// (export DIR, --report-dir, --summary): exit code 5.
func outputError(err error) error { return &exitError{code: exitOther, err: err} }

// usageError marks an error as the user's: exit code 2.
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var ee *exitError
	var ce *config.Error
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &ce), errors.Is(err, history.ErrBadInput), errors.Is(err, relwatch.ErrNotFound):
		return exitUsage // a bad config, a bad page or version reference, or one the archive does not have
	case errors.Is(err, relwatch.ErrUnusable):
		return exitUnusable
	default:
		return exitOther // exit 3 is only for targets that failed or are stale
	}
}
