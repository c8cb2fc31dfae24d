package scrapejob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/relwatch/relwatch"
)

// Watch runs the job at first and then at each time next gives after a
// run ends, until ctx is done; it then returns nil. A stop signal during
// a run lets the page in hand finish. Between runs it delivers what the
// notify destinations are still owed. It says on status when the next run
// is (when that is more than a second away) and, unless the results are
// JSON Lines, heads each run's lines with its time. A run that fails is
// logged and the next one tried, except for an unusable archive, which is
// returned: it will not mend itself by the next run.
func (j *Job) Watch(ctx context.Context, first time.Time, next func(time.Time) time.Time, status io.Writer) error {
	at := first
	for {
		if wait := time.Until(at); wait > time.Second {
			fmt.Fprintf(status, "relwatch: next run at %s\n", at.UTC().Format(time.DateTime+" UTC"))
		}
		if err := j.waitNotifying(ctx, at); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if !j.JSON {
			// Each run's lines under a dated header, so that a log of many
			// runs says which run said what. JSON Lines carry no header.
			fmt.Fprintf(j.Out, "== run at %s\n", time.Now().UTC().Format(time.DateTime+" UTC"))
		}
		// Wait for another run holding the writer lock here, where a stop
		// signal ends the wait: the run below waits with a context that
		// only stops between pages.
		err := j.awaitWriterLock(ctx)
		if err == nil {
			// A stop signal lets the page in hand finish: the run has its
			// own context, cancelled between pages once ctx is done.
			runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
			var out Outcome
			out, err = j.Run(runCtx, func() {
				if ctx.Err() != nil {
					cancel()
				}
			})
			cancel()
			if err == nil {
				err = out.OutputErr
			}
		}
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, relwatch.ErrUnusable):
			return err // a broken archive will not mend itself by the next run
		case err != nil:
			j.Log.Error("run failed", "err", err)
		}
		at = next(time.Now())
	}
}

// awaitWriterLock waits up to LockWait for the archive's writer lock to be
// free, giving up at once when ctx is done, and releases it again for the
// run to take. (The run's own wait cannot be interrupted by a stop signal,
// as its context outlives the signal; a run that grabs the lock in
// between makes it wait as before.)
func (j *Job) awaitWriterLock(ctx context.Context) error {
	arc, err := j.Open(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	unlock, err := j.Lock(ctx, arc, j.LockWait)
	if err != nil {
		return err
	}
	return unlock()
}

// notifyRetryEvery is how often watch tries, between runs, to deliver the
// notifications a run could not.
const notifyRetryEvery = time.Minute

// waitNotifying waits until at (or until ctx is done), delivering what the
// notify destinations are still owed every notifyRetryEvery meanwhile. An
// error is returned only for an unusable archive.
func (j *Job) waitNotifying(ctx context.Context, at time.Time) error {
	tick := time.NewTicker(notifyRetryEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Until(at)):
			return nil
		case <-tick.C:
			if len(j.Config.Notify.Destinations) == 0 {
				continue
			}
			if err := j.deliverBetweenRuns(ctx); err != nil {
				if errors.Is(err, relwatch.ErrUnusable) {
					return err // a broken archive will not mend itself
				}
				j.Log.Warn("notifications: delivery between runs failed", "err", err.Error())
			}
		}
	}
}

// deliverBetweenRuns sends what is owed, holding the writer lock so that
// no scrape delivers the same events at the same time; when another
// process holds it, that process delivers them.
func (j *Job) deliverBetweenRuns(ctx context.Context) error {
	arc, err := j.Open(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	unlock, err := arc.Lock(ctx, 0)
	if err != nil {
		return nil // a scrape is running: it delivers
	}
	defer unlock()
	_, err = Deliver(ctx, NewSender(j.Config, arc, j.Log))
	return err
}
