package main

import (
	"context"
	"errors"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/config"
)

// Exit codes, in one place: cron jobs and CI branch on them.
const (
	exitOK          = 0   // success
	exitChanged     = 1   // scrape --exit-code: a page is new or changed
	exitUsage       = 2   // bad flags, bad arguments or a bad config file
	exitFailed      = 3   // one or more targets failed (the others were archived)
	exitUnusable    = 4   // archive unusable: locked, corrupt, not an archive, newer schema
	exitInterrupted = 130 // interrupted (SIGINT/SIGTERM)
)

const exitCodesHelp = `Exit codes:
  0    success
  1    scrape --exit-code only: some page is new or changed
  2    usage or config error, or a page or version not in the archive
  3    one or more targets failed or are stale (the others were still archived)
  4    archive unusable (locked, corrupt, not an archive, newer schema, missing)
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
	case errors.As(err, &ce), errors.Is(err, relwatch.ErrNotFound):
		return exitUsage // a bad config, or a page or version the archive does not have
	case errors.Is(err, relwatch.ErrUnusable):
		return exitUnusable
	default:
		return exitFailed
	}
}
