package track

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
)

// RunOptions shape one scrape run.
type RunOptions struct {
	// Parallel is how many hosts are fetched at once (0: the scraper's
	// default).
	Parallel int
	// Deadline, when not 0, stops fetching after this long; pages not
	// fetched by then fail with kind deadline.
	Deadline time.Duration
	// AfterPage, when not nil, runs after each page is recorded (its
	// transaction committed), in the order pages are recorded; done counts
	// the pages recorded so far.
	AfterPage func(done int, r Result)
	Log       *slog.Logger
}

// How checks are grouped into transactions: a group is committed when it
// has groupMax checks, or new versions whose bodies come to groupBytes (a
// new version's body, compressed body and snapshot are held until the
// commit: this bounds the memory), or groupWait after its first check
// came in, or before a failure is recorded, or at the end of the run.
// Meanwhile the group's checks are written in its open transaction
// groupStep at a time (relwatch.BeginGroup), so that when a run's last
// page comes in, at most groupStep checks and the commit are left to do:
// written one by one as they came, they cost more CPU (about 7 ms a run
// of 200 unchanged pages, interleaved with the fetches) than the commit
// they saved waiting for. (Variables so that tests can change them.)
var (
	groupMax   = 50
	groupBytes = 1 << 20
	groupWait  = 100 * time.Millisecond
	groupStep  = 10
)

// Run checks pages: it asks the archive for each page's validators (for a
// conditional request), fetches every page (per-host pacing, different
// hosts in parallel) and records each capture as it arrives. It returns
// one Result per page, in the order given. Fetching stops when ctx is done
// or at the deadline; recording a page fetched in time does not, so that a
// fetched page is never lost. The error is for the archive only.
//
// Captures are worked out (hashed, parsed, compared, diffed) on every core
// as they arrive, and recorded by one writer in the order they are worked
// out. Unchanged checks and new versions are committed in groups (see
// groupMax), so that a run is not one sync to disk (and one write of the
// search index) per page; a failure is committed in a transaction of its
// own. Nothing about a check (AfterPage, its result) is reported before
// its transaction is committed, and every transaction is committed before
// Run returns.
func Run(ctx context.Context, arc Archive, pages []Page, opts RunOptions) ([]Result, error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// A stop signal does not cancel these reads: a run stopped now still
	// reports its pages, as skipped.
	readCtx := context.WithoutCancel(ctx)
	// What each check needs of the archive, read for all pages at once.
	// The writer lock (or the run's host claims) keeps it true until the
	// page is recorded, but for a page listed twice: its second capture
	// reads its state again once the first is recorded.
	keys := make([]snapshots.PageKey, len(pages))
	for i, p := range pages {
		keys[i] = p.Key
	}
	checkStates, err := arc.CheckStates(readCtx, keys)
	if err != nil {
		return nil, err
	}
	requests := make([]scraper.Target, len(pages))
	for i, p := range pages {
		st := checkStates[p.Key]
		requests[i] = scraper.Target{Page: p.Key.String(), URL: p.URL, Policy: p.Fetch, Redact: p.Redact,
			ETag: st.ETag, LastModified: st.LastModified}
	}

	fetchCtx, cancel := ctx, context.CancelFunc(func() {})
	if opts.Deadline > 0 {
		fetchCtx, cancel = context.WithTimeout(ctx, opts.Deadline)
	}
	defer cancel()
	writeCtx := context.WithoutCancel(ctx)

	parallel := opts.Parallel
	if parallel == 0 {
		parallel = scraper.DefaultParallel
	}
	// The pages' state before the run decides their failed and recovered
	// events. Only the workers need it, and nothing is written before they
	// have it: it is read while the first pages are fetched, not before.
	prior := readPrior(readCtx, arc)
	w := &runWriter{arc: arc, ctx: writeCtx, log: log, afterPage: opts.AfterPage, results: make([]Result, len(pages))}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, workers)
	// Room for a few outcomes: while the writer commits a group (a sync to
	// disk), the fetches and the parses go on and their outcomes wait here.
	// Not a whole group: with new versions grouped too, each outcome
	// waiting here holds a body, a snapshot and maybe a diff, and 52 of
	// them took a 10 %-changed run to 62 MB of peak RSS (27: 57–59 MB; 8:
	// 54 MB, with the same wall times).
	outcomes := make(chan assessed, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				p := pages[j.i]
				st, seen := checkStates[p.Key]
				latest := st.Latest
				if j.after != nil {
					<-j.after // the same page, earlier in the run: its outcome is the baseline
					if !w.failed.Load() {
						again, err := arc.CheckStates(writeCtx, []snapshots.PageKey{p.Key})
						latest, seen = again[p.Key].Latest, true
						if err != nil {
							outcomes <- assessed{i: j.i, done: j.done, outcome: outcome{err: err}}
							continue
						}
					}
				}
				before, err := prior.wait()
				if err != nil {
					outcomes <- assessed{i: j.i, done: j.done, outcome: outcome{err: err}}
					continue
				}
				if w.failed.Load() {
					close(j.done)
					continue
				}
				outcomes <- assessed{i: j.i, done: j.done, outcome: assess(writeCtx, arc, p, before[p.Key.String()], latest, seen, j.c)}
			}
		})
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		w.run(outcomes)
	}()

	// A page listed twice (the config refuses that; a library caller may
	// not) is worked out only once its earlier capture is recorded.
	recorded := map[snapshots.PageKey]chan struct{}{}
	scraper.NewFetcher(parallel, log).Fetch(fetchCtx, requests, func(i int, c scraper.Capture) {
		if w.failed.Load() {
			return
		}
		if c.Err != nil && c.Err.Kind == scraper.KindCanceled && ctx.Err() == nil && fetchCtx.Err() == context.DeadlineExceeded {
			c.Err = &scraper.FetchError{Kind: relwatch.KindDeadline, Msg: fmt.Sprintf("not checked within the run deadline (--deadline %v)", opts.Deadline)}
		}
		j := job{i: i, c: c, after: recorded[pages[i].Key], done: make(chan struct{})}
		recorded[pages[i].Key] = j.done
		jobs <- j
	})
	close(jobs)
	wg.Wait()
	close(outcomes)
	<-writerDone
	_, priorErr := prior.wait() // read even when no page needed it: not left running after Run returns
	if w.err != nil {
		return nil, w.err
	}
	if priorErr != nil {
		return nil, priorErr
	}
	return w.results, nil
}

// priorStates is the pages' state before a run (Archive.Pages), read on
// a goroutine of its own.
type priorStates struct {
	done   chan struct{} // closed once byPage and err are set
	byPage map[string]relwatch.PageStatus
	err    error
}

// readPrior starts reading the pages' state before the run.
func readPrior(ctx context.Context, arc Archive) *priorStates {
	p := &priorStates{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		states, err := arc.Pages(ctx)
		if err != nil {
			p.err = err
			return
		}
		p.byPage = make(map[string]relwatch.PageStatus, len(states))
		for _, s := range states {
			p.byPage[s.Page.String()] = s
		}
	}()
	return p
}

// wait returns the pages' state once it is read.
func (p *priorStates) wait() (map[string]relwatch.PageStatus, error) {
	<-p.done
	return p.byPage, p.err
}

// job is a fetched page waiting to be worked out.
type job struct {
	i     int
	c     scraper.Capture
	after <-chan struct{} // closed when the page's previous capture is recorded; nil if none
	done  chan struct{}   // closed once this one is recorded (or dropped)
}

// assessed is a page worked out, waiting for the writer.
type assessed struct {
	i    int
	done chan struct{}
	outcome
}

// runWriter records a run's outcomes, one at a time, grouping the
// groupable ones.
type runWriter struct {
	arc       Archive
	ctx       context.Context
	log       *slog.Logger
	afterPage func(int, Result)
	results   []Result
	recorded  int

	group   []assessed       // checks not yet committed
	tx      relwatch.GroupTx // the group's transaction; nil before its first checks are written
	bytes   int              // the size of the group's new versions' bodies
	written int              // how many of the group's checks are written in tx
	timer   *time.Timer      // commits the group groupWait after its first check
	err     error            // the first archive error: the run stops
	failed  atomic.Bool      // err is set (read by the fetch callback and the workers)
}

func (w *runWriter) run(in <-chan assessed) {
	w.timer = time.NewTimer(groupWait)
	w.timer.Stop()
	for {
		select {
		case a, ok := <-in:
			if !ok {
				w.flush()
				return
			}
			w.take(a)
		case <-w.timer.C:
			w.flush()
		}
	}
}

// take records a, or adds it to the group.
func (w *runWriter) take(a assessed) {
	switch {
	case w.err != nil:
		close(a.done)
	case a.err != nil:
		w.fail(a.err)
		close(a.done)
	case a.groupable():
		w.group = append(w.group, a)
		if len(w.group)-w.written >= groupStep {
			if err := w.write(); err != nil {
				w.fail(err)
				w.flush() // rolls the group back
				return
			}
		}
		if a.kind == recordVersion {
			w.bytes += len(a.capture.Body)
		}
		if len(w.group) == 1 {
			w.timer.Reset(groupWait)
		}
		if len(w.group) >= groupMax || w.bytes >= groupBytes {
			w.flush()
		}
	default:
		// A failure is committed on its own, after the checks that came
		// before it.
		w.flush()
		if w.err == nil {
			if err := a.record(w.ctx, w.arc); err != nil {
				w.fail(err)
			} else {
				w.finish(a)
			}
		}
		close(a.done)
	}
}

// write writes the group's checks not yet written in its transaction,
// starting it for the group's first ones. The SQLite store writes them
// now; a store that cannot keep a transaction open holds them until the
// commit.
func (w *runWriter) write() error {
	if w.tx == nil {
		tx, err := relwatch.BeginGroup(w.ctx, w.arc)
		if err != nil {
			return err
		}
		w.tx = tx
	}
	for ; w.written < len(w.group); w.written++ {
		if err := w.tx.Add(w.group[w.written].checked()); err != nil {
			return err
		}
	}
	return nil
}

// flush commits the group, then publishes its checks. After an error it
// rolls the group back and lets its pages go unreported.
func (w *runWriter) flush() {
	if len(w.group) == 0 {
		return
	}
	w.timer.Stop() // since Go 1.23 no stale tick is delivered after Stop
	if w.err == nil {
		if err := w.write(); err != nil {
			w.fail(err)
		}
	}
	group, tx := w.group, w.tx
	w.group, w.tx, w.bytes, w.written = nil, nil, 0, 0
	if w.err != nil && tx != nil {
		tx.Rollback()
	}
	if w.err == nil {
		versions, err := tx.Commit()
		if err != nil {
			w.fail(err)
		}
		for k := range group {
			if w.err != nil {
				break
			}
			if err := group[k].recorded(w.ctx, w.arc, versions[k]); err != nil {
				w.fail(err)
			} else {
				w.finish(group[k])
			}
		}
	}
	for _, a := range group {
		close(a.done)
	}
}

func (w *runWriter) fail(err error) {
	if w.err == nil {
		w.err = err
		w.failed.Store(true)
	}
}

// finish publishes a recorded page.
func (w *runWriter) finish(a assessed) {
	// The check is recorded: its body is the archive's now (a copy), and
	// nothing else keeps it.
	scraper.RecycleBody(a.capture.Body)
	r := a.res
	w.results[a.i] = r
	w.recorded++
	w.log.Info("checked", "page", r.Page, "status", r.Status, "version", r.Version, "error", r.Error)
	for _, warn := range r.Warnings {
		w.log.Warn(warn, "page", r.Page)
	}
	if w.afterPage != nil {
		w.afterPage(w.recorded, r)
	}
}
