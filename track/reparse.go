package track

import (
	"context"
	"fmt"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
)

// Reparser is the part of a store that reparse needs.
type Reparser interface {
	Pages(ctx context.Context) ([]relwatch.PageStatus, error)
	Reparse(ctx context.Context, page *snapshots.PageKey, parse relwatch.ParseFunc, compare relwatch.CompareFunc, dryRun bool) (relwatch.ReparseReport, error)
}

// Reparse rebuilds the versions and changes of one page (only), or of
// every page when only is nil, from their stored raw captures with the
// current parser: each page in its own transaction, parsed with the
// options the caller's parse gives it now (the config's content and
// exclude selectors) and the URL the archive stored. done is called with
// each page's report as soon as it is rebuilt, so that what a later page's
// error stops is still said. With dryRun every transaction is rolled back.
func Reparse(ctx context.Context, arc Reparser, only *snapshots.PageKey, parse func(snapshots.PageKey) scraper.ParseOptions, dryRun bool, done func(relwatch.PageReparse)) error {
	pages, err := arc.Pages(ctx)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if only != nil && p.Page != *only {
			continue
		}
		page := Page{Key: p.Page, URL: p.URL, Parse: parse(p.Page)}
		report, err := arc.Reparse(ctx, &p.Page, Parser(page), Compare, dryRun)
		if err != nil {
			return fmt.Errorf("reparse %s: %w", p.Page, err)
		}
		for _, r := range report.Pages {
			done(r)
		}
	}
	return nil
}
