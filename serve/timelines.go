package serve

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// timelineCache keeps each page's timeline summary (its changes per year
// and the versions it came back to: one pass over thousands of versions)
// while the page's latest version stays the same. Any new version, and
// any backfill or reparse that renumbers them, changes the latest
// version's number or content, and so the key; an entry is also dropped
// after timelineCacheAge, in case a reparse rewrote older versions only.
type timelineCache struct {
	relwatch.History
	store relwatch.TimelineReader

	mu      sync.Mutex
	entries map[snapshots.PageKey]cachedSummary
}

type cachedSummary struct {
	latest  int    // the page's latest version when it was read
	hash    string // and its content hash
	read    time.Time
	summary relwatch.TimelineSummary
}

const (
	timelineCacheAge   = 5 * time.Minute
	timelineCachePages = 4096 // beyond this many pages, start afresh
)

func newTimelineCache(h relwatch.History, store relwatch.TimelineReader) *timelineCache {
	return &timelineCache{History: h, store: store, entries: map[snapshots.PageKey]cachedSummary{}}
}

func (c *timelineCache) VersionRange(ctx context.Context, page snapshots.PageKey, from, to int) ([]relwatch.VersionInfo, error) {
	return c.store.VersionRange(ctx, page, from, to)
}

func (c *timelineCache) TimelineSummary(ctx context.Context, page snapshots.PageKey) (relwatch.TimelineSummary, error) {
	latest, err := c.History.Snapshot(ctx, page, 0)
	if errors.Is(err, relwatch.ErrNotFound) {
		return c.store.TimelineSummary(ctx, page) // no version yet, or no such page: the store says which
	}
	if err != nil {
		return relwatch.TimelineSummary{}, err
	}
	c.mu.Lock()
	e, ok := c.entries[page]
	c.mu.Unlock()
	if ok && e.latest == latest.Version && e.hash == latest.ContentHash && time.Since(e.read) < timelineCacheAge {
		return e.summary, nil
	}
	sum, err := c.store.TimelineSummary(ctx, page)
	if err != nil {
		return sum, err
	}
	c.mu.Lock()
	if len(c.entries) >= timelineCachePages {
		clear(c.entries)
	}
	c.entries[page] = cachedSummary{latest: latest.Version, hash: latest.ContentHash, read: time.Now(), summary: sum}
	c.mu.Unlock()
	return sum, nil
}
