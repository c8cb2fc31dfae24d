package track

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/scraper"
)

// RunOptions shape one scrape run.
type RunOptions struct {
	// Parallel is how many hosts are fetched at once (0: the scraper's
	// default).
	Parallel int
	// Deadline, when not 0, stops fetching after this long; pages not
	// fetched by then fail with kind deadline.
	Deadline time.Duration
	// AfterPage, when not nil, runs after each page is recorded, in the
	// order pages complete; done counts the pages recorded so far.
	AfterPage func(done int, r Result)
	Log       *slog.Logger
}

// Run checks pages: it asks the archive for each page's validators (for a
// conditional request), fetches every page (per-host pacing, different
// hosts in parallel) and records each capture as it arrives. It returns
// one Result per page, in the order given. Fetching stops when ctx is done
// or at the deadline; recording a page fetched in time does not, so that a
// fetched page is never lost. The error is for the archive only.
func Run(ctx context.Context, arc Archive, pages []Page, opts RunOptions) ([]Result, error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// The pages' state before the run decides their failed and recovered
	// events. A stop signal does not cancel these reads: a run stopped now
	// still reports its pages, as skipped.
	readCtx := context.WithoutCancel(ctx)
	states, err := arc.Pages(readCtx)
	if err != nil {
		return nil, err
	}
	prior := make(map[string]relwatch.PageStatus, len(states))
	for _, s := range states {
		prior[s.Page.String()] = s
	}
	requests := make([]scraper.Target, len(pages))
	for i, p := range pages {
		requests[i] = scraper.Target{Page: p.Key.String(), URL: p.URL, Policy: p.Fetch, Redact: p.Redact}
		etag, lastMod, err := arc.Validators(readCtx, p.Key)
		if err != nil && !errors.Is(err, relwatch.ErrNotFound) {
			return nil, err
		}
		requests[i].ETag, requests[i].LastModified = etag, lastMod
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
	results := make([]Result, len(pages))
	var archiveErr error
	done := 0
	scraper.NewFetcher(parallel, log).Fetch(fetchCtx, requests, func(i int, c scraper.Capture) {
		if archiveErr != nil {
			return
		}
		if c.Err != nil && c.Err.Kind == scraper.KindCanceled && ctx.Err() == nil && fetchCtx.Err() == context.DeadlineExceeded {
			c.Err = &scraper.FetchError{Kind: relwatch.KindDeadline, Msg: fmt.Sprintf("not checked within the run deadline (--deadline %v)", opts.Deadline)}
		}
		results[i], archiveErr = Live(writeCtx, arc, pages[i], prior[pages[i].Key.String()], c)
		if archiveErr != nil {
			return
		}
		done++
		log.Info("checked", "page", results[i].Page, "status", results[i].Status, "version", results[i].Version, "error", results[i].Error)
		for _, w := range results[i].Warnings {
			log.Warn(w, "page", results[i].Page)
		}
		if opts.AfterPage != nil {
			opts.AfterPage(done, results[i])
		}
	})
	if archiveErr != nil {
		return nil, archiveErr
	}
	return results, nil
}
