package scraper

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/internal/lazyregexp"
)

// The Wayback Machine half of the scraper: listing a page's captures with
// the CDX server API and fetching each one's raw bytes with the id_ replay
// form. Requests go through the same transport as live fetches (timeouts,
// body limits, redirect and address checks); the CDX API and the replay
// server are paced separately, and 429 and 5xx answers are backed off
// exponentially from a floor, since Wayback's 429s seldom say how long to
// wait.

// Wayback defaults: the public endpoints, 20 CDX requests a minute (the CDX
// server allows about 30 per IP) and one capture a second.
const (
	DefaultCDXURL          = "https://web.archive.org/cdx/search/cdx"
	DefaultReplayURL       = "https://web.archive.org/web/"
	DefaultCDXInterval     = 3 * time.Second
	DefaultCaptureInterval = time.Second
	DefaultWaybackBackoff  = 30 * time.Second
	DefaultWaybackMaxWait  = 5 * time.Minute
	DefaultWaybackRetries  = 5
	DefaultCDXPageSize     = 1000
)

// WaybackOptions configure a Wayback client; zero fields take the defaults.
type WaybackOptions struct {
	CDXURL, ReplayURL string
	CDXInterval       time.Duration // minimum gap between the starts of two CDX requests
	CaptureInterval   time.Duration // minimum gap between the starts of two capture requests
	Backoff           time.Duration // the first wait after a 429 or 5xx; it doubles on each retry
	MaxWait           time.Duration // the longest wait between retries
	Retries           int           // retries of a 429, 5xx or network failure; < 0 means none
	PageSize          int           // CDX rows per request (limit=)
	// Policy supplies the User-Agent, timeout and body limit. Its Delay,
	// Retries and robots.txt settings do not apply: pacing and retries are
	// the intervals above, and the Wayback Machine is an archive, not the
	// site.
	Policy Policy
	// Redact says what of a URL may be shown in messages and logs.
	Redact relwatch.Redactor
}

func (o WaybackOptions) normalized() WaybackOptions {
	if o.CDXURL == "" {
		o.CDXURL = DefaultCDXURL
	}
	if o.ReplayURL == "" {
		o.ReplayURL = DefaultReplayURL
	}
	if !strings.HasSuffix(o.ReplayURL, "/") {
		o.ReplayURL += "/"
	}
	if o.CDXInterval <= 0 {
		o.CDXInterval = DefaultCDXInterval
	}
	if o.CaptureInterval <= 0 {
		o.CaptureInterval = DefaultCaptureInterval
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultWaybackBackoff
	}
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultWaybackMaxWait
	}
	o.MaxWait = max(o.MaxWait, o.Backoff)
	if o.Retries == 0 {
		o.Retries = DefaultWaybackRetries
	}
	o.Retries = max(o.Retries, 0)
	if o.PageSize <= 0 {
		o.PageSize = DefaultCDXPageSize
	}
	o.Policy = o.Policy.normalized()
	return o
}

// WaybackCapture is one row of a CDX listing.
type WaybackCapture struct {
	Timestamp  string    // 14 digits, UTC: yyyyMMddhhmmss
	Time       time.Time // Timestamp as a time
	Original   string    // the URL as captured
	StatusCode string
	MimeType   string
	Digest     string // base32 SHA-1 of the captured payload
}

// Memento is one capture fetched raw from the replay server.
type Memento struct {
	Asked WaybackCapture // the capture listed and asked for
	// Timestamp, Time and Original name the capture actually served: the
	// replay server redirects an inexact timestamp to the nearest capture,
	// so they may differ from Asked.
	Timestamp string
	Time      time.Time
	Original  string
	ReplayURL string // the URL the bytes were fetched from
	// Capture holds the fetch: Status, ContentType and Header are the
	// original response's (from the x-archive-orig-* headers when the
	// replay server sends them), Body the raw captured bytes, Started and
	// Finished when relwatch fetched it, Err why it failed.
	Capture
}

// Exact reports whether the capture served is the one asked for.
func (m Memento) Exact() bool { return m.Timestamp == m.Asked.Timestamp }

// Wayback is a client of the Wayback Machine's CDX API and replay server,
// bound to one context. Its methods are not safe for concurrent use: a
// backfill asks one thing at a time.
type Wayback struct {
	opts      WaybackOptions
	log       *slog.Logger
	run       *fetchRun
	cdx, capt pacer
	randN     func(int64) int64
}

// NewWayback returns a client whose requests stop when ctx is cancelled.
// Close it when done. logger may be nil.
func NewWayback(ctx context.Context, opts WaybackOptions, logger *slog.Logger) (*Wayback, error) {
	opts = opts.normalized()
	for _, u := range []string{opts.CDXURL, opts.ReplayURL} {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("wayback: %s is not an http(s) URL", relwatch.RedactURL(u))
		}
	}
	f := NewFetcher(1, logger)
	return &Wayback{
		opts:  opts,
		log:   f.log,
		run:   f.newRun(ctx),
		cdx:   pacer{every: opts.CDXInterval},
		capt:  pacer{every: opts.CaptureInterval},
		randN: defaultRandN,
	}, nil
}

// Close releases the client's connections.
func (w *Wayback) Close() { w.run.tr.closeIdle() }

// pacer spaces the starts of requests at least every apart.
type pacer struct {
	every time.Duration
	next  time.Time
}

func (p *pacer) wait(ctx context.Context) error {
	if err := sleepCtx(ctx, time.Until(p.next)); err != nil {
		return err
	}
	p.next = time.Now().Add(p.every)
	return nil
}

// get makes one paced request, retrying 429, 5xx and network failures.
// It returns the final attempt, or the error that ended the tries.
func (w *Wayback) get(ctx context.Context, raw string, p *pacer) (*attempt, *FetchError) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fetchErr(KindNetwork, "invalid URL %s", w.opts.Redact.URL(raw))
	}
	x := exchange{url: u, exempt: hostPort(u), policy: w.opts.Policy, redact: w.opts.Redact}
	for n := 1; ; n++ {
		if err := p.wait(ctx); err != nil {
			return nil, fetchErr(KindCanceled, "cancelled before %s", w.opts.Redact.Parsed(u))
		}
		a := w.run.do(ctx, x)
		fe := a.err
		if fe == nil && a.final {
			fe = w.status(a)
		} else if fe == nil {
			fe = fetchErr(KindNetwork, "%s: no response", a.shown).transient()
		}
		if fe == nil {
			return a, nil
		}
		if fe.Kind == KindCanceled || ctx.Err() != nil {
			return a, fetchErr(KindCanceled, "cancelled during %s", w.opts.Redact.Parsed(u))
		}
		if !fe.retry || n > w.opts.Retries {
			return a, fe
		}
		wait := max(backoff(n, w.opts.Backoff, w.opts.MaxWait, w.randN), w.opts.Backoff, fe.RetryAfter)
		if wait > w.opts.MaxWait {
			return a, fe // asked to wait longer than we will
		}
		w.log.Info("wayback: backing off", "url", w.opts.Redact.Parsed(u), "status", fe.Status, "attempt", n, "wait", wait)
		if err := sleepCtx(ctx, wait); err != nil {
			return a, fetchErr(KindCanceled, "cancelled while backing off from %s", w.opts.Redact.Parsed(u))
		}
	}
}

// status classifies a complete answer: 2xx is content; 429 and 5xx are
// worth retrying; anything else is final.
func (w *Wayback) status(a *attempt) *FetchError {
	s := a.status
	if s >= 200 && s <= 299 {
		return nil
	}
	fe := fetchErr(KindHTTPStatus, "HTTP %d %s from %s", s, http.StatusText(s), a.redact.Parsed(a.finalURL))
	fe.Status = s
	if s == http.StatusTooManyRequests || s >= 500 {
		fe.transient()
		if ra, ok := parseRetryAfter(a.header.Get("Retry-After"), time.Now()); ok {
			fe.RetryAfter = ra
		}
	}
	return fe
}

// cdxFields are the fields asked of the CDX server, in this order.
const cdxFields = "timestamp,original,statuscode,mimetype,digest"

// List returns the captures of one URL (exact match) with status 200,
// adjacent duplicates by digest collapsed, oldest first, paging through the
// CDX server's resume keys. from and to bound the timestamps (1 to 14
// digits, inclusive); either may be empty.
func (w *Wayback) List(ctx context.Context, pageURL, from, to string) ([]WaybackCapture, error) {
	var out []WaybackCapture
	resume := ""
	for {
		q := url.Values{}
		q.Set("url", pageURL)
		q.Set("output", "json")
		q.Set("fl", cdxFields)
		q.Set("filter", "statuscode:200")
		q.Set("collapse", "digest")
		q.Set("showResumeKey", "true")
		q.Set("limit", fmt.Sprint(w.opts.PageSize))
		if from != "" {
			q.Set("from", from)
		}
		if to != "" {
			q.Set("to", to)
		}
		if resume != "" {
			q.Set("resumeKey", resume)
		}
		a, fe := w.get(ctx, w.opts.CDXURL+"?"+q.Encode(), &w.cdx)
		if fe != nil {
			return out, fmt.Errorf("list Wayback captures of %s: %w", w.opts.Redact.URL(pageURL), fe)
		}
		rows, next, err := parseCDX(a.body)
		if err != nil {
			return out, fmt.Errorf("list Wayback captures of %s: %w", w.opts.Redact.URL(pageURL), err)
		}
		for _, c := range rows {
			// collapse=digest drops adjacent duplicates within one answer;
			// do the same across pages.
			if n := len(out); n > 0 && out[n-1].Digest == c.Digest && c.Digest != "" {
				continue
			}
			out = append(out, c)
		}
		if next == "" || next == resume {
			return out, nil
		}
		resume = next
	}
}

// parseCDX reads a JSON CDX answer: a header row of field names, one row
// per capture, then, when there is more, an empty row and a row holding
// the resume key.
func parseCDX(body []byte) ([]WaybackCapture, string, error) {
	var rows [][]string
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, "", nil // no captures at all: some servers answer nothing
	}
	if err := json.Unmarshal(body, &rows); err != nil {
		return nil, "", fmt.Errorf("CDX answer is not JSON rows: %v", err)
	}
	if len(rows) == 0 {
		return nil, "", nil
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, need := range strings.Split(cdxFields, ",") {
		if _, ok := col[need]; !ok {
			return nil, "", fmt.Errorf("CDX answer has no %q column (header %q)", need, rows[0])
		}
	}
	var out []WaybackCapture
	resume := ""
	for i := 1; i < len(rows); i++ {
		r := rows[i]
		if len(r) == 0 {
			if i+1 < len(rows) && len(rows[i+1]) > 0 {
				resume = rows[i+1][0]
			}
			break
		}
		if len(r) != len(rows[0]) {
			return nil, "", fmt.Errorf("CDX row %d has %d fields, want %d", i, len(r), len(rows[0]))
		}
		c := WaybackCapture{
			Timestamp: r[col["timestamp"]], Original: r[col["original"]], StatusCode: r[col["statuscode"]],
			MimeType: r[col["mimetype"]], Digest: r[col["digest"]],
		}
		t, err := ParseWaybackTimestamp(c.Timestamp)
		if err != nil {
			return nil, "", fmt.Errorf("CDX row %d: %v", i, err)
		}
		c.Time = t
		out = append(out, c)
	}
	return out, resume, nil
}

// ParseWaybackTimestamp reads a 14-digit Wayback timestamp (UTC).
func ParseWaybackTimestamp(ts string) (time.Time, error) {
	t, err := time.Parse("20060102150405", ts)
	if err != nil || len(ts) != 14 {
		return time.Time{}, fmt.Errorf("bad Wayback timestamp %q", ts)
	}
	return t, nil
}

// replayPath finds the timestamp and original URL in a replay URL
// (…/web/<timestamp>id_/<original>).
var replayPath = lazyregexp.New(`/(\d{14})(?:[a-z]{2}_)?/(.+)$`)

// ParseReplayURL finds the timestamp and original URL in a replay URL
// (…/<timestamp>id_/<original>); ok is false when it is not one.
func ParseReplayURL(u string) (timestamp, original string, ok bool) {
	sm := replayPath().FindStringSubmatch(u)
	if sm == nil {
		return "", "", false
	}
	return sm[1], originalFromReplay(sm[2]), true
}

// ReplayURL is where the raw bytes of capture c are: <replay>/<timestamp>id_/<original>.
func (w *Wayback) ReplayURL(c WaybackCapture) string {
	return w.opts.ReplayURL + c.Timestamp + "id_/" + c.Original
}

// Fetch gets one capture's raw bytes. When the replay server answers with
// another capture (an inexact timestamp is redirected to the nearest one),
// the Memento says which; the caller decides whether to keep it. Failures
// are in Memento.Err.
func (w *Wayback) Fetch(ctx context.Context, c WaybackCapture) Memento {
	m := Memento{Asked: c, Timestamp: c.Timestamp, Time: c.Time, Original: c.Original, ReplayURL: w.ReplayURL(c)}
	m.URL, m.Started = m.ReplayURL, time.Now()
	a, fe := w.get(ctx, m.ReplayURL, &w.capt)
	m.Finished = time.Now()
	if a != nil {
		m.Status = a.status
	}
	if fe != nil {
		fe.Msg = "capture " + c.Timestamp + " of " + c.Original + ": " + fe.Msg
		m.Err = fe
		return m
	}
	if ts, orig, ok := ParseReplayURL(a.finalURL.String()); ok && ts != c.Timestamp {
		if t, err := ParseWaybackTimestamp(ts); err == nil {
			m.Timestamp, m.Time, m.Original = ts, t, orig
		}
	}
	m.FinalURL = m.Original
	m.Header = map[string]string{}
	for _, k := range keptHeaders {
		if v := a.header.Get("X-Archive-Orig-" + k); v != "" {
			m.Header[k] = v
		}
	}
	if v := a.header.Get("Memento-Datetime"); v != "" {
		m.Header["Memento-Datetime"] = v
	}
	m.ContentType = a.header.Get("X-Archive-Orig-Content-Type")
	if m.ContentType == "" {
		m.ContentType = a.header.Get("Content-Type")
	}
	m.Body = a.body
	return m
}

// originalFromReplay undoes the replay server's habit of folding "//"
// after the scheme into "/".
func originalFromReplay(s string) string {
	for _, scheme := range []string{"http:/", "https:/"} {
		if strings.HasPrefix(s, scheme) && !strings.HasPrefix(s, scheme+"/") {
			return scheme + "/" + s[len(scheme):]
		}
	}
	return s
}

// oldSitePath is the old site's page path: /cps/<lang>/[SID-…/]<site>/<page>.
var oldSitePath = lazyregexp.New(`^/cps/([a-z]{2})/(?:SID-[0-9A-Fa-f-]+/)?(natohq|natolive)/([^/?#]+)$`)

// WaybackVariants lists the URLs under which the Wayback Machine may hold
// captures of the page at pageURL in language lang: the URL as configured,
// its canonical form and, for the old site's /cps/ pages, the aliases that
// show the same page (natohq and natolive; the language in the path without
// a query; selectedLocale=<lang> under the path of the configured language,
// of lang and of English). The CDX server ignores the scheme and "www.",
// so variants differ only in what it compares.
func WaybackVariants(pageURL, lang string) []string {
	out := []string{pageURL}
	add := func(u string) {
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	canon := CanonicalURL(pageURL)
	add(canon)
	u, err := url.Parse(canon)
	if err != nil {
		return out
	}
	m := oldSitePath().FindStringSubmatch(u.Path)
	if m == nil || lang == "" {
		return out
	}
	base := u.Scheme + "://" + u.Host
	langs := []string{m[1]}
	for _, l := range []string{lang, "en"} {
		if !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	for _, site := range []string{"natohq", "natolive"} {
		add(fmt.Sprintf("%s/cps/%s/%s/%s", base, lang, site, m[3]))
		for _, l := range langs {
			add(fmt.Sprintf("%s/cps/%s/%s/%s?selectedLocale=%s", base, l, site, m[3], lang))
		}
	}
	return out
}
