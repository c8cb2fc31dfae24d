package scraper

import (
	"context"
	"log/slog"
	"mime"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relwatch/relwatch/internal/third_party/colly"
	"golang.org/x/net/publicsuffix"

	"github.com/relwatch/relwatch"
)

// Fetcher fetches targets politely and within bounds: robots.txt, one
// request in flight per host with a delay between requests, timeouts,
// retries with backoff, body and redirect limits. It returns raw captures;
// parsing is the caller's business.
//
// Fetching is built on colly (one Collector per Fetch call), with our own
// RoundTripper, redirect handler, robots layer, pacing and retry loop around
// colly's traps: it ignores robots.txt unless told, converts charsets in
// place, re-encodes queries and retries nothing (see transport.go and
// robots.go).
type Fetcher struct {
	parallel int
	log      *slog.Logger

	// Test hooks. NewFetcher sets the production values.
	clock         func() time.Time                                 // resolves HTTP-date Retry-After values
	wait          func(ctx context.Context, d time.Duration) error // backoff and Retry-After waits
	randN         func(int64) int64                                // backoff jitter
	backoffBase   time.Duration
	backoffMax    time.Duration
	crawlDelayCap time.Duration
}

// NewFetcher returns a Fetcher that works on at most parallel hosts at once
// (config `parallel`; ≤ 0 means the default 4). logger gets debug, info and
// warn lines; it may be nil.
func NewFetcher(parallel int, logger *slog.Logger) *Fetcher {
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Fetcher{
		parallel:      parallel,
		log:           logger,
		clock:         time.Now,
		wait:          sleepCtx,
		randN:         defaultRandN,
		backoffBase:   defaultBackoffBase,
		backoffMax:    defaultBackoffMax,
		crawlDelayCap: 30 * time.Second,
	}
}

// Fetch fetches every target and returns one Capture per target, in input
// order. done, if not nil, is called as each target completes, in the order
// they complete, from one goroutine and never concurrently; Fetch returns
// after the last call. With done, the returned captures carry no Body:
// done had it, and a run of many pages should not keep every body in
// memory until the end. Cancelling ctx stops everything (requests,
// pacing and backoff waits, robots.txt fetches); targets not finished then
// get a KindCanceled error.
//
// Targets are grouped by host:port. Each host is worked by one goroutine, in
// input order, so a host never has more than one request in flight; at most
// `parallel` requests (hence hosts) are in flight at once.
func (f *Fetcher) Fetch(ctx context.Context, targets []Target, done func(i int, c Capture)) []Capture {
	r := f.newRun(ctx)
	defer r.tr.closeIdle()

	var keys []string
	groups := map[string][]int{}
	for i, t := range targets {
		key := "#" + strconv.Itoa(i) // invalid URLs each fail on their own
		if u, err := url.Parse(t.URL); err == nil {
			key = hostPort(u)
		}
		if _, ok := groups[key]; !ok {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], i)
	}

	// done runs on one goroutine of its own, so that a host's next request
	// goes out while the caller parses and records the previous page. The
	// queue is short: a slow caller holds back the fetching rather than
	// piling bodies up in memory.
	type finished struct {
		i int
		c Capture
	}
	queue := make(chan finished, len(keys)+1)
	callerDone := make(chan struct{})
	go func() {
		defer close(callerDone)
		for f := range queue {
			if done != nil {
				done(f.i, f.c)
			}
		}
	}()

	caps := make([]Capture, len(targets))
	var wg sync.WaitGroup
	for _, key := range keys {
		wg.Go(func() {
			h := &hostWorker{run: r, robots: map[string]*robotsVerdict{}}
			for _, i := range groups[key] {
				c := h.fetch(ctx, targets[i])
				caps[i] = c
				if done != nil {
					caps[i].Body = nil
				}
				queue <- finished{i, c}
			}
		})
	}
	wg.Wait()
	close(queue)
	<-callerDone
	return caps
}

// fetchRun is one Fetch call: its collector, transport and request slots.
type fetchRun struct {
	f     *Fetcher
	log   *slog.Logger
	c     *colly.Collector
	tr    *transport
	slots chan struct{} // one per request in flight, `parallel` in all
	seq   atomic.Uint64
}

const attemptKey = "relwatch.attempt" // in colly's per-request Context

func (f *Fetcher) newRun(ctx context.Context) *fetchRun {
	r := &fetchRun{f: f, log: f.log, tr: newTransport(ctx), slots: make(chan struct{}, f.parallel)}
	c := colly.NewCollector(colly.StdlibContext(ctx))
	// NewCollector applies COLLY_* environment variables after its options,
	// so everything we rely on is set here, after it.
	c.Async = false
	c.AllowURLRevisit = true        // retries revisit the URL (colly #805)
	c.IgnoreRobotsTxt = true        // colly allows after a 5xx robots.txt; robots.go does it
	c.ParseHTTPErrorResponse = true // we classify every status ourselves (colly #896)
	c.MaxBodySize = 0               // colly truncates silently; the transport errors instead
	c.CacheDir = ""                 // would serve stored 404s as live answers
	c.DetectCharset = false
	c.CheckHead = false
	c.MaxDepth, c.MaxRequests = 0, 0
	c.AllowedDomains, c.DisallowedDomains = nil, nil
	c.URLFilters, c.DisallowedURLFilters = nil, nil
	c.TraceHTTP = false
	c.Headers = nil
	c.SetRequestTimeout(0) // the per-attempt deadline lives in the transport
	c.DisableCookies()     // one jar per target, kept by the transport
	c.WithTransport(r.tr)
	c.SetRedirectHandler(r.tr.checkRedirect)
	c.OnResponse(func(resp *colly.Response) {
		if a := r.attemptOf(resp.Ctx); a != nil {
			a.delivered = true
		}
	})
	c.OnError(func(resp *colly.Response, err error) {
		if a := r.attemptOf(resp.Ctx); a != nil {
			a.collyErr = err
		}
	})
	r.c = c
	return r
}

func (r *fetchRun) attemptOf(cctx *colly.Context) *attempt {
	if cctx == nil {
		return nil
	}
	v, ok := r.tr.attempts.Load(cctx.Get(attemptKey))
	if !ok {
		return nil
	}
	return v.(*attempt)
}

// exchange is what one attempt asks for.
type exchange struct {
	url    *url.URL
	exempt string // host:port of the configured target
	policy Policy
	robots bool
	header http.Header // extra request headers (validators)
	redact relwatch.Redactor
	jar    http.CookieJar // the target's own cookies; nil sends and keeps none
}

// do makes one attempt through colly and returns it with its outcome
// recorded: either a.final (a non-redirect response was read) or a.err.
func (r *fetchRun) do(ctx context.Context, x exchange) *attempt {
	a := &attempt{
		id:      strconv.FormatUint(r.seq.Add(1), 10),
		policy:  x.policy,
		origin:  x.url,
		shown:   x.redact.Parsed(x.url),
		redact:  x.redact,
		jar:     x.jar,
		exempt:  x.exempt,
		maxHops: maxPageHops,
		maxBody: x.policy.MaxBody,
		robots:  x.robots,
	}
	if x.robots {
		a.maxHops, a.maxBody = maxRobotsHops, maxRobotsBody
	}
	select {
	case r.slots <- struct{}{}:
	case <-ctx.Done():
		a.err = fetchErr(KindCanceled, "run cancelled before %s", a.shown)
		return a
	}
	defer func() { <-r.slots }()

	a.deadline = time.Now().Add(x.policy.Timeout)
	r.tr.register(a)
	defer r.tr.unregister(a)

	hdr := x.header.Clone()
	if hdr == nil {
		hdr = http.Header{}
	}
	hdr.Set(attemptHeader, a.id)
	hdr.Set("User-Agent", x.policy.UserAgent)
	hdr.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	cctx := colly.NewContext()
	cctx.Put(attemptKey, a.id)
	r.log.Debug("request", "url", a.shown, "robots", x.robots)

	err := r.c.Request(http.MethodGet, x.url.String(), nil, cctx, hdr)
	switch {
	case a.err != nil || (a.final && err == nil):
	case a.final:
		// We have the whole response; colly failed on its own copy
		// afterwards (e.g. a charset it cannot convert). Ours is intact.
		r.log.Debug("colly error after a complete response", "url", a.shown, "err", x.redact.Scrub(err.Error(), x.url))
	case ctx.Err() != nil:
		a.err = fetchErr(KindCanceled, "run cancelled during %s", a.shown)
	default:
		if err == nil {
			err = a.collyErr
		}
		msg := "no response"
		if err != nil {
			msg = x.redact.Scrub(describeNetErr(err), x.url)
		}
		a.err = fetchErr(KindNetwork, "%s: %s", a.shown, msg)
	}
	return a
}

// hostWorker works through the targets of one host:port, in order.
type hostWorker struct {
	run         *fetchRun
	lastEnd     time.Time     // when the previous request to this host ended
	crawlDelay  time.Duration // robots.txt Crawl-delay, capped
	robots      map[string]*robotsVerdict
	robotsNoted bool
	deferred    *FetchError // a Retry-After beyond the cap: the whole host waits for a later run
	down        *FetchError // the host could not be reached: its other pages are not tried
	downPage    string      // the page whose error says why
}

// pace waits until the host's delay has passed since the end of its
// previous request. Measuring from the end (not the start) keeps the gap
// even when the server is slow; retries and robots.txt count as requests.
func (h *hostWorker) pace(ctx context.Context, delay time.Duration) error {
	if h.lastEnd.IsZero() {
		return ctx.Err()
	}
	return sleepCtx(ctx, time.Until(h.lastEnd.Add(max(delay, h.crawlDelay))))
}

func (h *hostWorker) fetch(ctx context.Context, t Target) Capture {
	c := Capture{Page: t.Page, URL: t.URL, Started: time.Now()}
	c.Err = h.fetchInto(ctx, t, &c)
	c.Finished = time.Now()
	// The page's logger is made only for a line that is written: With
	// formats its attributes at once, which every page of a run that logs
	// no info lines paid for, on the host's one fetching goroutine.
	log := func() *slog.Logger {
		return h.run.log.With("page", t.Page, "url", t.Redact.URL(t.URL), "attempts", c.Attempts)
	}
	info := h.run.log.Enabled(context.Background(), slog.LevelInfo)
	switch {
	case c.Err != nil && c.Err.seeEarlier:
		// Said once for the host, with the page that found it down.
		if info {
			log().Info("not requested: host unreachable", "kind", c.Err.Kind, "see", h.downPage)
		}
	case c.Err != nil:
		c.Err.Msg = t.Redact.Scrub(c.Err.Msg, parseOrNil(t.URL))
		log().Warn("fetch failed", "kind", c.Err.Kind, "status", c.Err.Status, "err", c.Err.Msg)
		if c.Err.hostDown && h.down == nil {
			h.down, h.downPage = c.Err, t.Page
		}
	case !info:
	case c.NotModified:
		log().Info("not modified", "status", c.Status)
	default:
		log().Info("fetched", "status", c.Status, "bytes", len(c.Body), "final_url", c.FinalURL,
			"took", c.Finished.Sub(c.Started).Round(time.Millisecond))
	}
	return c
}

func (h *hostWorker) fetchInto(ctx context.Context, t Target, c *Capture) *FetchError {
	p := t.Policy.normalized()
	u, err := url.Parse(t.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fetchErr(KindNetwork, "invalid target URL %s: need an absolute http(s) URL", t.Redact.URL(t.URL))
	}
	if ctx.Err() != nil {
		return fetchErr(KindCanceled, "run cancelled before %s", t.Redact.Parsed(u))
	}
	if h.down != nil {
		fe := fetchErr(h.down.Kind, "%s not requested: %s is unreachable in this run (see %s)", t.Redact.Parsed(u), hostPort(u), h.downPage)
		fe.seeEarlier = true
		return fe
	}
	if h.deferred != nil {
		// The server asked the host, not just one URL, to wait.
		fe := fetchErr(KindDeferred, "%s not requested: %s asked to wait %s (Retry-After beyond the cap)",
			t.Redact.Parsed(u), hostPort(u), h.deferred.RetryAfter)
		fe.RetryAfter = h.deferred.RetryAfter
		return fe
	}
	if p.RespectRobots {
		if fe := h.checkRobots(ctx, u, p, t.Redact); fe != nil {
			return fe
		}
	} else if !h.robotsNoted {
		h.robotsNoted = true
		h.run.log.Warn("robots.txt not consulted (respect_robots is off)", "host", hostPort(u), "page", t.Page)
	}

	validators := http.Header{}
	if t.ETag != "" {
		validators.Set("If-None-Match", t.ETag)
	}
	if t.LastModified != "" {
		validators.Set("If-Modified-Since", t.LastModified)
	}
	// Cookies are the target's own: a session a site starts for one
	// target (and its retries and redirects) is never sent with another
	// target's requests, even on the same host.
	jar, err := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	if err != nil {
		return fetchErr(KindNetwork, "cookie jar for %s: %v", t.Redact.Parsed(u), err)
	}
	x := exchange{url: u, exempt: hostPort(u), policy: p, header: validators, redact: t.Redact, jar: jar}

	var fe *FetchError
	for n := 1; ; n++ {
		if err := h.pace(ctx, p.Delay); err != nil {
			fe = fetchErr(KindCanceled, "run cancelled while waiting to fetch %s", t.Redact.Parsed(u))
			fe.Status = c.Status
			return fe
		}
		a := h.run.do(ctx, x)
		h.lastEnd = time.Now()
		c.Attempts = n
		fe = h.run.outcome(a, c, len(validators) > 0)
		if fe != nil && fe.Kind == KindDeferred {
			h.deferred = fe
		}
		if fe == nil || !fe.retry || n > p.Retries {
			return fe
		}
		wait := fe.RetryAfter
		if wait == 0 {
			wait = backoff(n, h.run.f.backoffBase, h.run.f.backoffMax, h.run.f.randN)
		}
		h.run.log.Info("retrying", "page", t.Page, "kind", fe.Kind, "status", fe.Status, "attempt", n, "wait", wait)
		if err := h.run.f.wait(ctx, wait); err != nil {
			fe = fetchErr(KindCanceled, "run cancelled while backing off from %s", t.Redact.Parsed(u))
			fe.Status = c.Status
			return fe
		}
	}
}

// outcome fills c from attempt a and says whether it produced content.
func (r *fetchRun) outcome(a *attempt, c *Capture, sentValidators bool) *FetchError {
	c.Status, c.Header, c.ContentType, c.FinalURL, c.Body, c.NotModified = 0, nil, "", "", nil, false
	if a.final {
		c.Status = a.status
		c.Header = selectHeaders(a.header)
		c.ContentType = a.header.Get("Content-Type")
		c.FinalURL = a.redact.Parsed(a.finalURL)
	}
	if a.err != nil {
		e := *a.err
		e.Status = c.Status
		return &e
	}
	if !a.final {
		return fetchErr(KindNetwork, "%s: no response", a.shown).transient()
	}
	return r.classify(a, c, sentValidators)
}

// classify decides what a complete response means. Only a 2xx HTML answer
// is content; a 304 to our validators is "unchanged"; every other status is
// an error whatever colly's callbacks made of it (colly #896 sends 203–299
// to OnError, ParseHTTPErrorResponse sends 3xx–5xx bodies to OnResponse).
func (r *fetchRun) classify(a *attempt, c *Capture, sentValidators bool) *FetchError {
	s, h := a.status, a.header
	statusErr := func(kind string) *FetchError {
		fe := fetchErr(kind, "HTTP %d %s from %s", s, http.StatusText(s), a.redact.Parsed(a.finalURL))
		fe.Status = s
		return fe
	}
	switch {
	case s == http.StatusNotModified && sentValidators:
		c.NotModified = true
		return nil
	case s >= 200 && s <= 299:
		return r.content(a, c)
	case isChallenge(s, h):
		fe := statusErr(KindBlocked)
		fe.Msg += " (bot challenge)"
		return fe
	case s == http.StatusTooManyRequests || s == http.StatusInternalServerError || s == http.StatusBadGateway ||
		s == http.StatusServiceUnavailable || s == http.StatusGatewayTimeout:
		fe := statusErr(KindHTTPStatus).transient()
		if ra, ok := parseRetryAfter(h.Get("Retry-After"), r.f.clock()); ok {
			fe.RetryAfter = ra
			if ra > a.policy.MaxRetryAfter {
				fe.Kind, fe.retry = KindDeferred, false
				fe.Msg += " with Retry-After " + ra.String() + ", beyond the " + a.policy.MaxRetryAfter.String() + " cap: deferred to a later run"
			}
		}
		return fe
	default:
		return statusErr(KindHTTPStatus)
	}
}

// isChallenge spots a bot-protection answer by its headers: Cloudflare's
// `cf-mitigated: challenge`, Akamai's 403 from `Server: AkamaiGHost`.
func isChallenge(s int, h http.Header) bool {
	if s != http.StatusForbidden && s != http.StatusServiceUnavailable && s != http.StatusTooManyRequests {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("cf-mitigated")), "challenge") {
		return true
	}
	return s == http.StatusForbidden && strings.HasPrefix(strings.ToLower(h.Get("Server")), "akamaighost")
}

// content accepts a 2xx body if it is HTML. HTML served without a type, as
// text/plain or as application/octet-stream is accepted when its bytes sniff
// as HTML (colly skips OnHTML for those silently, #223); the effective type
// becomes text/html, keeping the declared charset, and the original stays in
// Header.
func (r *fetchRun) content(a *attempt, c *Capture) *FetchError {
	s := a.status
	ct := a.header.Get("Content-Type")
	wrong := func(format string, args ...any) *FetchError {
		fe := fetchErr(KindWrongType, format, args...)
		fe.Status = s
		return fe
	}
	switch s {
	case http.StatusNoContent, http.StatusResetContent:
		return wrong("HTTP %d %s from %s: no content", s, http.StatusText(s), a.redact.Parsed(a.finalURL))
	case http.StatusPartialContent:
		return wrong("HTTP 206 Partial Content from %s: not a whole page", a.redact.Parsed(a.finalURL))
	}
	mt, params := splitMediaType(ct)
	switch mt {
	case "text/html", "application/xhtml+xml":
	case "", "text/plain", "application/octet-stream":
		sniffed := http.DetectContentType(a.body)
		if !strings.HasPrefix(sniffed, "text/html") {
			return wrong("%s from %s is not HTML (sniffed %s)", orNone(ct), a.redact.Parsed(a.finalURL), sniffed)
		}
		c.ContentType = "text/html"
		if mt != "" {
			if v := mime.FormatMediaType("text/html", params); v != "" {
				c.ContentType = v
			}
		}
		r.log.Info("accepting HTML by content sniffing", "url", a.redact.Parsed(a.finalURL), "declared", orNone(ct))
	default:
		return wrong("%s from %s is not HTML", ct, a.redact.Parsed(a.finalURL))
	}
	c.Body = a.body
	if !a.delivered {
		// colly v2.3.0 sends 203–299 to OnError (#896); we classified
		// the status ourselves above, so the page is still good.
		r.log.Debug("colly reported a 2xx as an error", "status", s, "err", a.collyErr)
	}
	return nil
}

func orNone(ct string) string {
	if ct == "" {
		return "no Content-Type"
	}
	return "Content-Type " + ct
}

func parseOrNil(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}
