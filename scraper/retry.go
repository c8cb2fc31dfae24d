package scraper

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	defaultBackoffBase = time.Second
	defaultBackoffMax  = 30 * time.Second
)

// backoff is the wait before retry n (n ≥ 1): base·2^(n-1), capped, with
// "equal jitter" (a uniform draw from the upper half) so retries from
// several runs do not line up, yet never wait less than half the step.
func backoff(n int, base, ceiling time.Duration, randN func(int64) int64) time.Duration {
	d := base
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	half := d / 2
	return half + time.Duration(randN(int64(d-half)+1))
}

func defaultRandN(n int64) int64 { return rand.Int64N(n) }

// parseRetryAfter reads a Retry-After value in either form: delta-seconds or
// an HTTP-date (RFC 9110 §10.2.3). A date in the past means "now". A number
// of seconds too big to parse is the longest wait there is, not no wait:
// the server asked for more than any cap.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	const ceiling = 100 * 365 * 24 * 3600 // far beyond any cap; avoids overflow
	secs, err := strconv.ParseInt(v, 10, 64)
	if errors.Is(err, strconv.ErrRange) && secs > 0 {
		secs, err = ceiling, nil // ParseInt returns MaxInt64 for a positive overflow
	}
	if err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, ceiling)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// sleepCtx waits d or until ctx is done, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
