package scraper

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/relwatch/relwatch"
)

// The transport is where colly's traps are guarded:
// colly hands every request to our RoundTripper, which enforces the
// per-attempt deadline, the connect-time address check, the body limit after
// decompression and the encoding rules, and keeps the raw body bytes before
// colly's charset conversion rewrites them.

// attemptHeader ties a request (and, because net/http copies headers onto
// redirect requests, every hop after it) to its attempt. The RoundTripper
// removes it before anything goes on the wire.
const attemptHeader = "X-Relwatch-Attempt"

const (
	maxPageHops   = 10        // redirects followed for a page
	maxRobotsHops = 5         // RFC 9309 §2.3.1.2
	maxRobotsBody = 500 << 10 // RFC 9309 §2.5: parse at least 500 KiB; we parse exactly that
)

// errRequestTimeout is the cause of an attempt context whose whole-request
// deadline passed (as opposed to the run being cancelled).
var errRequestTimeout = errors.New("whole-request timeout")

// attempt is one HTTP exchange: a colly Request and all its redirect hops.
// Everything but the dial runs on the goroutine that called colly's Request
// (the Collector is synchronous), so the fields need no lock.
type attempt struct {
	id       string
	policy   Policy
	origin   *url.URL          // the URL asked for
	shown    string            // origin, redacted, for messages
	redact   relwatch.Redactor // what of a URL messages may show
	jar      http.CookieJar    // the target's cookies; nil for robots.txt and Wayback requests
	exempt   string            // the configured target's own host:port, which may be loopback or private
	deadline time.Time
	maxHops  int
	maxBody  int64
	robots   bool // robots.txt: any site may be redirected to, the body is cut at maxBody

	hops      int  // requests sent so far: 1 + redirects followed
	final     bool // a non-redirect response arrived and was read
	status    int
	header    http.Header
	body      []byte
	finalURL  *url.URL
	err       *FetchError // set by the transport or the redirect check
	delivered bool        // colly's OnResponse ran
	collyErr  error       // what colly's OnError saw
}

// fail records the attempt's first error and returns it for net/http to pass up.
func (a *attempt) fail(e *FetchError) error {
	if a.err == nil {
		a.err = e
	}
	return a.err
}

// transport is the run's http.RoundTripper, installed with c.WithTransport.
type transport struct {
	ctx      context.Context // the run's
	attempts sync.Map        // id → *attempt

	mu    sync.Mutex
	inner map[innerKey]*http.Transport
}

// innerKey selects a pooled *http.Transport. Each dial rule has its own
// pool, so a redirect hop can never reuse a connection that was dialled
// under a looser rule (say, to a target's own loopback mirror).
type innerKey struct {
	dial dialRule
}

// dialRule is the address check made at connect time.
type dialRule int

const (
	dialPublic dialRule = iota // redirect hops: public unicast addresses only
	dialTarget                 // the configured target's own host:port: anything but link-local
	dialAny                    // allow_private_networks: no check
)

func ruleFor(p Policy, hop, exempt string) dialRule {
	switch {
	case p.AllowPrivateNetworks:
		return dialAny
	case hop == exempt:
		return dialTarget
	}
	return dialPublic
}

func newTransport(ctx context.Context) *transport {
	return &transport{ctx: ctx, inner: map[innerKey]*http.Transport{}}
}

func (t *transport) register(a *attempt)   { t.attempts.Store(a.id, a) }
func (t *transport) unregister(a *attempt) { t.attempts.Delete(a.id) }

func (t *transport) lookup(h http.Header) *attempt {
	v, ok := t.attempts.Load(h.Get(attemptHeader))
	if !ok {
		return nil
	}
	return v.(*attempt)
}

func (t *transport) closeIdle() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, tr := range t.inner {
		tr.CloseIdleConnections()
	}
}

// phase is how far one hop got: what a timeout or an error cut short.
type phase int32

const (
	phaseDial    phase = iota // connecting (after DNS, or to an IP literal)
	phaseDNS                  // resolving the host name
	phaseTLS                  // TCP connected; TLS handshake, if any
	phaseHeaders              // connection ready, waiting for the response headers
	phaseBody                 // reading the body
)

// connected reports whether the hop reached the server at all.
func (p phase) connected() bool { return p >= phaseTLS }

// hopPhase tracks a hop's phase through httptrace. The hooks may run on
// net/http's dialing goroutines, hence the atomic.
type hopPhase struct{ p atomic.Int32 }

func (h *hopPhase) get() phase { return phase(h.p.Load()) }

// raise moves the phase forward to p; it never goes back, since a late
// hook of an abandoned dial may arrive after the connection is in use.
func (h *hopPhase) raise(p phase) {
	for {
		old := h.p.Load()
		if phase(old) >= p || h.p.CompareAndSwap(old, int32(p)) {
			return
		}
	}
}

func (h *hopPhase) trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { h.p.CompareAndSwap(int32(phaseDial), int32(phaseDNS)) },
		DNSDone:  func(httptrace.DNSDoneInfo) { h.p.CompareAndSwap(int32(phaseDNS), int32(phaseDial)) },
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				h.raise(phaseTLS)
			}
		},
		GotConn: func(httptrace.GotConnInfo) { h.raise(phaseHeaders) },
	})
}

func (t *transport) innerFor(k innerKey) *http.Transport {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tr, ok := t.inner[k]; ok {
		return tr
	}
	// No phase has a timeout of its own: the attempt's deadline (the
	// config's timeout) bounds the whole request, DNS and connect included,
	// and classify names the phase it cut short.
	d := &net.Dialer{KeepAlive: 30 * time.Second}
	switch k.dial {
	case dialPublic:
		d.Control = publicOnly
	case dialTarget:
		d.Control = notLinkLocal
	}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would bypass the address check
		DialContext:            d.DialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConnsPerHost:    2,
		MaxResponseHeaderBytes: 1 << 20,
		ForceAttemptHTTP2:      true,
		// Compression stays on: the transport asks for gzip and decodes it,
		// and we count the decoded bytes. Never set Accept-Encoding by hand
		// (colly #923: colly then decodes itself, past its own limit).
	}
	t.inner[k] = tr
	return tr
}

// RoundTrip runs one hop of an attempt.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	a := t.lookup(req.Header)
	if a == nil {
		return nil, errors.New("relwatch: request outside an attempt")
	}
	// colly's own waits ignore the context (colly #555): check it here.
	if err := t.ctx.Err(); err != nil {
		return nil, a.fail(fetchErr(KindCanceled, "run cancelled before %s", a.shown))
	}
	req = req.Clone(req.Context())
	req.Header.Del(attemptHeader)

	ctx, cancel := context.WithDeadlineCause(req.Context(), a.deadline, errRequestTimeout)
	var ph hopPhase
	req = req.WithContext(ph.trace(ctx))
	hop := hostPort(req.URL)
	a.hops++
	if a.jar != nil {
		for _, c := range a.jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
	}
	resp, err := t.innerFor(innerKey{ruleFor(a.policy, hop, a.exempt)}).RoundTrip(req)
	if err != nil {
		cancel()
		return nil, a.fail(t.classify(ctx, err, a, req.URL, ph.get()))
	}
	if a.jar != nil {
		if cs := resp.Cookies(); len(cs) > 0 {
			a.jar.SetCookies(req.URL, cs)
		}
	}
	if isRedirect(resp) {
		// net/http reads at most a few KiB of a redirect body, then closes
		// it; the hop's context must live until then.
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
	defer cancel()
	a.final = true
	a.status = resp.StatusCode
	a.header = resp.Header.Clone()
	a.finalURL = relwatch.WithoutUserinfo(req.URL)
	body, fe := t.readBody(ctx, a, resp, req.URL)
	if fe != nil {
		return nil, a.fail(fe)
	}
	a.body = body
	return shellFor(resp), nil
}

// shellFor is the response colly sees: the status and headers, with an
// empty body. The bytes we keep are a.body. Colly reads a body it is given
// into a copy of its own, grown from 512 bytes (io.ReadAll): a second copy
// of every page, and most of an unchanged run's garbage, for nothing, as
// no colly callback of ours reads it. Colly would also convert its copy's
// charset in place (colly #777) and gunzip what looks gzipped (colly
// #923): with no body it has nothing to get wrong.
func shellFor(resp *http.Response) *http.Response {
	resp.Header = resp.Header.Clone()
	resp.Header.Del("Content-Encoding")
	if strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "gzip") {
		resp.Header.Set("Content-Type", "application/octet-stream")
	}
	resp.Body = http.NoBody
	resp.ContentLength = 0
	return resp
}

func isRedirect(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return resp.Header.Get("Location") != ""
	}
	return false
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// bodies holds page bodies given back with RecycleBody, for later pages
// to be read into: a run of many pages then reuses a few dozen buffers
// instead of asking the kernel for fresh memory (and zeroing it) for each
// page, on the fetching goroutine.
var bodies sync.Pool

// RecycleBody gives back a Capture's Body once nothing uses it any more
// (it is recorded, and no slice of it is kept): a later page is read into
// its memory. A body still in use must never be given back.
func RecycleBody(b []byte) {
	if cap(b) == 0 {
		return
	}
	b = b[:0]
	bodies.Put(&b)
}

// recycled is a buffer given back, or nil.
func recycled() []byte {
	if b, ok := bodies.Get().(*[]byte); ok {
		return *b
	}
	return nil
}

// readBody reads a final response's body within the attempt's limits. Only a
// 2xx body can become content, so any other body is dropped unread.
func (t *transport) readBody(ctx context.Context, a *attempt, resp *http.Response, u *url.URL) ([]byte, *FetchError) {
	defer resp.Body.Close()
	shown := a.redact.Parsed(u)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, nil
	}
	// The transport decodes a plain "gzip" itself and removes the header;
	// anything still encoded is something we cannot or will not decode
	// ("br", "zstd", a stacked "gzip, gzip").
	if ce := strings.TrimSpace(resp.Header.Get("Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		return nil, fetchErr(KindWrongType, "unsupported Content-Encoding %q from %s", ce, shown)
	}
	// Colly gunzips these itself, with no limit on the output (colly #745,
	// #923); none of them is an HTML page anyway.
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	if !a.robots && (strings.Contains(ct, "gzip") || strings.HasSuffix(strings.ToLower(u.Path), ".gz")) {
		return nil, fetchErr(KindWrongType, "compressed file (%s) from %s", resp.Header.Get("Content-Type"), shown)
	}
	if !a.robots && resp.ContentLength > a.maxBody {
		return nil, fetchErr(KindTooLarge, "Content-Length %d exceeds max_body %d bytes at %s", resp.ContentLength, a.maxBody, shown)
	}
	var buf bytes.Buffer
	if !a.robots {
		buf = *bytes.NewBuffer(recycled())
	}
	if resp.ContentLength > 0 && resp.ContentLength <= a.maxBody {
		// ReadFrom wants MinRead bytes free before it reads the end of the
		// body: a buffer of exactly the length was grown (copied) to twice
		// that just to read EOF.
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, a.maxBody+1))
	if err != nil {
		return nil, t.classify(ctx, err, a, u, phaseBody)
	}
	body := buf.Bytes()
	if int64(len(body)) > a.maxBody {
		if a.robots {
			return body[:a.maxBody], nil // RFC 9309: parse the first 500 KiB
		}
		return nil, fetchErr(KindTooLarge, "body exceeds max_body %d bytes after decompression at %s", a.maxBody, shown)
	}
	return body, nil
}

// classify turns an error from net/http or a body read into a FetchError.
// ctx is the hop's context, whose cause tells a whole-request timeout from a
// cancelled run; at is how far the hop got. A hop that never reached the
// server fails with the network cause as its kind (dns, connect, network)
// and marks the host unreachable.
func (t *transport) classify(ctx context.Context, err error, a *attempt, u *url.URL, at phase) *FetchError {
	shown := a.redact.Parsed(u)
	var fe *FetchError
	var pe *privateAddrError
	var dnsErr *net.DNSError
	var ne net.Error
	switch {
	case t.ctx.Err() != nil:
		return fetchErr(KindCanceled, "run cancelled during %s", shown)
	case errors.As(err, &fe):
		return fe
	case errors.As(err, &pe):
		return fetchErr(KindPrivateAddress, "%s resolves to non-public address %s (allow_private_networks is off)", shown, pe.addr)
	case context.Cause(ctx) == errRequestTimeout:
		return timeoutErr(shown, u, at, a.policy.Timeout)
	case errors.As(err, &dnsErr):
		return dnsFailure(shown, dnsErr)
	case !at.connected():
		return connectFailure(shown, u, err)
	case errors.As(err, &ne) && ne.Timeout():
		return fetchErr(KindTimeout, "%s: %s", shown, describeNetErr(err)).transient()
	default:
		return fetchErr(KindNetwork, "%s: %s", shown, describeNetErr(err)).transient()
	}
}

// unreachable is a failure to reach the server at all: nothing was asked
// of it, and the host's other pages would fail the same way.
func unreachable(kind, shown, cause string) *FetchError {
	fe := fetchErr(kind, "%s: %s", shown, cause).transient()
	fe.hostDown, fe.cause = true, cause
	return fe
}

// timeoutErr is the whole-request timeout, named by the phase it cut short.
func timeoutErr(shown string, u *url.URL, at phase, whole time.Duration) *FetchError {
	switch at {
	case phaseDNS:
		return unreachable(KindDNS, shown, fmt.Sprintf("no DNS answer for %s within the %s timeout", u.Hostname(), whole))
	case phaseDial:
		return unreachable(KindConnect, shown, fmt.Sprintf("could not connect to %s within the %s timeout", hostPort(u), whole))
	case phaseTLS:
		return fetchErr(KindTimeout, "%s: TLS handshake with %s not done within the %s timeout", shown, hostPort(u), whole).transient()
	case phaseHeaders:
		return fetchErr(KindTimeout, "%s: no response headers within the %s timeout", shown, whole).transient()
	default:
		return fetchErr(KindTimeout, "%s: response not complete within the %s timeout", shown, whole).transient()
	}
}

// dnsFailure is a failed lookup of u's host name.
func dnsFailure(shown string, e *net.DNSError) *FetchError {
	switch {
	case e.IsNotFound:
		fe := unreachable(KindDNS, shown, fmt.Sprintf("host %s not found (DNS)", e.Name))
		fe.retry = false // NXDOMAIN will not change within a run
		return fe
	case e.IsTimeout:
		return unreachable(KindDNS, shown, fmt.Sprintf("DNS lookup of %s timed out", e.Name))
	default:
		return unreachable(KindDNS, shown, fmt.Sprintf("DNS lookup of %s failed: %s", e.Name, e.Err))
	}
}

// connectFailure is an error before any connection to u's host existed.
func connectFailure(shown string, u *url.URL, err error) *FetchError {
	host := hostPort(u)
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return unreachable(KindConnect, shown, fmt.Sprintf("connection to %s refused", host))
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ENETDOWN):
		return unreachable(KindNetwork, shown, fmt.Sprintf("cannot reach %s: network is unreachable", host))
	case errors.Is(err, syscall.EHOSTUNREACH):
		return unreachable(KindNetwork, shown, fmt.Sprintf("cannot reach %s: no route to host", host))
	case errors.As(err, &ne) && ne.Timeout():
		return unreachable(KindConnect, shown, fmt.Sprintf("could not connect to %s: timed out", host))
	default:
		return unreachable(KindConnect, shown, fmt.Sprintf("could not connect to %s: %s", host, describeNetErr(err)))
	}
}

// describeNetErr says what went wrong in words an operator can act on.
func describeNetErr(err error) string {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed mid-body (unexpected EOF)"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "i/o timeout"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message repeats the unredacted URL
	}
	return err.Error()
}

// checkRedirect is the collector's redirect handler (colly's
// SetRedirectHandler replaces its 10-hop cap, so every rule is here): hop
// cap, loop, scheme, same site, and an early non-public check for IP
// literals. Host names are checked at connect time by publicOnly.
func (t *transport) checkRedirect(req *http.Request, via []*http.Request) error {
	a := t.lookup(req.Header)
	if a == nil {
		return errors.New("relwatch: redirect outside an attempt")
	}
	to := a.redact.Parsed(req.URL)
	switch {
	case req.URL.Scheme != "http" && req.URL.Scheme != "https":
		return a.fail(fetchErr(KindRedirectOffsite, "%s redirects to a non-http(s) URL %s", a.shown, to))
	case len(via) > a.maxHops:
		return a.fail(fetchErr(KindRedirectLoop, "%s: more than %d redirects (last to %s)", a.shown, a.maxHops, to))
	case isLoop(req, via):
		return a.fail(fetchErr(KindRedirectLoop, "%s: redirect loop back to %s after %d hops", a.shown, to, len(via)))
	case !a.robots && siteOf(req.URL) != siteOf(a.origin):
		return a.fail(fetchErr(KindRedirectOffsite, "%s redirects to another site: %s", a.shown, to))
	}
	if !a.policy.AllowPrivateNetworks && hostPort(req.URL) != a.exempt {
		if ip, err := netip.ParseAddr(strings.Trim(req.URL.Hostname(), "[]")); err == nil && !isPublic(ip) {
			return a.fail(fetchErr(KindPrivateAddress, "%s redirects to non-public address %s (allow_private_networks is off)", a.shown, to))
		}
	}
	return nil
}

// isLoop reports a redirect back to a URL already in the chain. A single
// bounce through the same URL is allowed when the hop set a cookie: sites do
// that to start a session (colly #612).
func isLoop(req *http.Request, via []*http.Request) bool {
	seen := 0
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			seen++
		}
	}
	if seen == 0 {
		return false
	}
	setCookie := req.Response != nil && len(req.Response.Header.Values("Set-Cookie")) > 0
	return !setCookie || seen > 1
}

// privateAddrError is returned by publicOnly; classify turns it into
// KindPrivateAddress.
type privateAddrError struct{ addr netip.Addr }

func (e *privateAddrError) Error() string {
	return "refusing to connect to non-public address " + e.addr.String()
}

// publicOnly is net.Dialer.Control for redirect hops. It sees the address
// actually being connected to, after DNS, so names, DNS rebinding and odd
// IPv4 notations are all covered.
func publicOnly(network, address string, _ syscall.RawConn) error {
	return checkDialAddr(address, isPublic)
}

// notLinkLocal is net.Dialer.Control for a configured target's own host. A
// target may sit on loopback or a private network (tests, mirrors), but a
// link-local address is the cloud metadata service (169.254.169.254) or a
// neighbour's router, never a page to archive.
func notLinkLocal(network, address string, _ syscall.RawConn) error {
	return checkDialAddr(address, func(ip netip.Addr) bool {
		ip = ip.WithZone("").Unmap()
		return ip.IsValid() && !ip.IsLinkLocalUnicast() && !ip.IsLinkLocalMulticast()
	})
}

func checkDialAddr(address string, ok func(netip.Addr) bool) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refusing to connect to unparsable address %q", address)
	}
	if ip := ap.Addr(); !ok(ip) {
		return &privateAddrError{ip.WithZone("")}
	}
	return nil
}

// nonPublic lists special-purpose ranges that the netip predicates miss.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
}

// isPublic reports whether ip is an ordinary unicast Internet address. An
// IPv4 address embedded in IPv6 (::ffff:127.0.0.1, NAT64 64:ff9b::/96,
// 6to4 2002::/16) is judged by the IPv4 address.
func isPublic(ip netip.Addr) bool {
	ip = ip.WithZone("").Unmap()
	if ip.Is6() {
		b := ip.As16()
		switch {
		case netip.MustParsePrefix("64:ff9b::/96").Contains(ip):
			return isPublic(netip.AddrFrom4([4]byte(b[12:16])))
		case netip.MustParsePrefix("2002::/16").Contains(ip):
			return isPublic(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	if !ip.IsValid() || ip.IsUnspecified() || ip.IsLoopback() || ip.IsPrivate() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() ||
		ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// hostPort is u's host and port, lower-cased, with the scheme's default port
// filled in: the unit of pacing and of the address-check exemption.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// siteOf is u's registrable domain (eTLD+1), the boundary redirects may not
// cross. IP addresses, localhost and other single-label names are their own
// site, so 127.0.0.1 and 127.0.0.2 are different sites but two ports of
// 127.0.0.1 are the same one.
func siteOf(u *url.URL) string {
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if _, err := netip.ParseAddr(h); err == nil || !strings.Contains(h, ".") {
		return h
	}
	s, err := publicsuffix.EffectiveTLDPlusOne(h)
	if err != nil {
		return h
	}
	return s
}

// keptHeaders are the response headers a Capture keeps. Set-Cookie (and the
// request-only Cookie and Authorization) are never among them.
var keptHeaders = []string{"Content-Type", "ETag", "Last-Modified", "Date", "Server", "Content-Length", "Retry-After"}

func selectHeaders(h http.Header) map[string]string {
	if h == nil {
		return nil
	}
	m := map[string]string{}
	for _, k := range keptHeaders {
		if v := h.Get(k); v != "" {
			m[k] = v
		}
	}
	return m
}

// splitMediaType is the lower-cased media type of a Content-Type value and its
// parameters; "" when there is none or it cannot be parsed.
func splitMediaType(ct string) (string, map[string]string) {
	if strings.TrimSpace(ct) == "" {
		return "", nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter) {
		return "", nil
	}
	return strings.ToLower(mt), params
}
