package scraper

import (
	"fmt"
	"time"

	"github.com/relwatch/relwatch"
)

// Policy is how one target is fetched. The config keys user_agent, delay,
// timeout, retries, max_body, respect_robots and allow_private_networks map
// onto it; start from DefaultPolicy and override what the config sets.
type Policy struct {
	UserAgent            string
	Delay                time.Duration // minimum gap between requests to the same host, from the end of one to the start of the next
	Timeout              time.Duration // whole request of one attempt: DNS, connect, TLS, headers and body together; no phase has a smaller limit
	Retries              int           // retries of transient failures (a target gets at most Retries+1 requests)
	MaxBody              int64         // bytes after decompression; a bigger body is an error, never a cut page
	RespectRobots        bool          // obey robots.txt (RFC 9309)
	AllowPrivateNetworks bool          // let redirects lead to loopback/private/link-local addresses
	MaxRetryAfter        time.Duration // cap on Retry-After waits; a longer one defers the target to a later run
}

// Policy defaults, also used by normalized for zero or invalid values.
const (
	DefaultDelay         = 2 * time.Second
	DefaultTimeout       = 30 * time.Second
	DefaultRetries       = 3
	DefaultMaxBody       = 20 << 20
	DefaultMaxRetryAfter = 2 * time.Minute
	DefaultParallel      = 4
)

// DefaultPolicy is the policy of the README's configuration table. Its
// User-Agent carries the version "dev"; the CLI replaces it with
// UserAgent(version).
func DefaultPolicy() Policy {
	return Policy{
		UserAgent:     UserAgent("dev"),
		Delay:         DefaultDelay,
		Timeout:       DefaultTimeout,
		Retries:       DefaultRetries,
		MaxBody:       DefaultMaxBody,
		RespectRobots: true,
		MaxRetryAfter: DefaultMaxRetryAfter,
	}
}

// UserAgent is relwatch's identifying User-Agent: a product token robots.txt
// groups can name ("relwatch") and a contact URL.
func UserAgent(version string) string {
	return "relwatch/" + version + " (+https://github.com/relwatch/relwatch)"
}

// normalized fills the fields a hand-built Policy may leave empty. The zero
// Policy is DefaultPolicy. Otherwise a zero Delay or Retries is taken at its
// word (the config layer applies defaults), while a zero Timeout, MaxBody or
// MaxRetryAfter would mean "no limit", which we never want.
func (p Policy) normalized() Policy {
	if p == (Policy{}) {
		// A Target built without a policy gets the polite defaults, not
		// "no delay, no robots.txt".
		return DefaultPolicy()
	}
	if p.UserAgent == "" {
		p.UserAgent = UserAgent("dev")
	}
	if p.Delay < 0 {
		p.Delay = 0
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	if p.Retries < 0 {
		p.Retries = 0
	}
	if p.MaxBody <= 0 {
		p.MaxBody = DefaultMaxBody
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// Target is one page to fetch.
type Target struct {
	Page   string // "kazakhstan/en", for messages and logs
	URL    string
	Policy Policy
	// Redact says what of URL may be shown in messages, logs and
	// FinalURL; the zero value hides credentials and SecretParams.
	Redact relwatch.Redactor
	// Validators from the last good capture, sent as If-None-Match and
	// If-Modified-Since when set.
	ETag, LastModified string
}

// Capture is the outcome of fetching one target (after retries).
type Capture struct {
	Page, URL   string
	FinalURL    string // after redirects, without user info, secret parameters redacted
	Status      int    // last HTTP status, 0 if none
	ContentType string // effective type: the header, or "text/html" when sniffed
	// Header holds selected response headers only (see keptHeaders); never
	// Set-Cookie, Authorization or Cookie.
	Header map[string]string
	// Body is the body after transfer decoding (gzip) but before any charset
	// conversion: the parser decodes the charset itself. Set only on success.
	Body              []byte
	Started, Finished time.Time
	Attempts          int  // page requests made (robots.txt not counted)
	NotModified       bool // 304 answered to our validators: unchanged
	Err               *FetchError
}

// Kinds of FetchError.
const (
	KindDNS               = "dns"     // the host name did not resolve
	KindConnect           = "connect" // no connection: refused, or none within the timeout
	KindNetwork           = "network" // no route to the host, or the connection broke
	KindTimeout           = "timeout"
	KindHTTPStatus        = "http_status"
	KindTooLarge          = "too_large"
	KindWrongType         = "wrong_type"
	KindRobotsDisallowed  = "robots_disallowed"
	KindRobotsUnavailable = "robots_unavailable"
	KindRedirectLoop      = "redirect_loop"
	KindRedirectOffsite   = "redirect_offsite"
	KindPrivateAddress    = "private_address"
	KindDeferred          = "deferred"
	KindBlocked           = "blocked"
	KindCanceled          = "canceled"
)

// FetchError says why a target produced no content.
type FetchError struct {
	Kind       string        // one of the Kind* constants
	Status     int           // HTTP status, 0 if none
	RetryAfter time.Duration // the server's Retry-After, if it sent one
	Msg        string        // human message naming the cause; URL credentials redacted

	retry bool // transient: worth another attempt
	// hostDown: the server was never reached (DNS, connect, routing);
	// cause is the reason without the URL, to be told once for the host.
	hostDown bool
	cause    string
	// seeEarlier: the page was not requested because an earlier page
	// found its host unreachable; that page's error told the cause.
	seeEarlier bool
}

func (e *FetchError) Error() string {
	if e.Msg == "" {
		return e.Kind
	}
	return e.Kind + ": " + e.Msg
}

func fetchErr(kind, format string, args ...any) *FetchError {
	return &FetchError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// transient marks e as worth retrying.
func (e *FetchError) transient() *FetchError {
	e.retry = true
	return e
}
