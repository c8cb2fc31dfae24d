package scraper

import (
	"bytes"
	"context"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/relwatch/relwatch"
)

// robots.txt handling (RFC 9309), done by us rather than colly: colly
// ignores robots.txt by default, allows crawling after a 5xx robots.txt,
// re-encodes the query before matching, fetches without our limits and
// ignores Crawl-delay. temoto/robotstxt parses.

// robotsVerdict is what one host's robots.txt says, cached for the run.
type robotsVerdict struct {
	data *robotstxt.RobotsData // nil when err is set
	err  *FetchError           // robots_unavailable: disallow this host for the run
}

// checkRobots returns nil if robots.txt lets p's agent fetch u, and raises
// the host's delay to its Crawl-delay (capped).
func (h *hostWorker) checkRobots(ctx context.Context, u *url.URL, p Policy, red relwatch.Redactor) *FetchError {
	key := u.Scheme + "://" + hostPort(u)
	v, ok := h.robots[key]
	if !ok {
		v = h.fetchRobots(ctx, u, p, red)
		if v.err == nil || v.err.Kind != KindCanceled {
			h.robots[key] = v
		}
	}
	if v.err != nil {
		e := *v.err
		if e.hostDown {
			// The host itself is unreachable: say so of the page, without
			// a word about robots.txt.
			e.Msg = red.Parsed(u) + ": " + e.cause
		}
		return &e
	}
	agent := productToken(p.UserAgent)
	// Match the path and query in the order configured (colly sorts the
	// query first, so "Disallow: /page?b=1" would miss "/page?b=1&a=2"),
	// percent-encoded the way the rules were (robotsPath).
	if path := robotsPath(u.RequestURI()); !v.data.TestAgent(path, agent) {
		return fetchErr(KindRobotsDisallowed, "robots.txt of %s disallows %s for %q", hostPort(u), red.Parsed(u), agent)
	}
	if cd := min(v.data.FindGroup(agent).CrawlDelay, h.run.f.crawlDelayCap); cd > h.crawlDelay {
		h.crawlDelay = cd
		h.run.log.Info("honouring robots.txt Crawl-delay", "host", hostPort(u), "delay", cd)
	}
	return nil
}

// fetchRobots fetches and judges robots.txt through the same client as
// pages (timeouts, SSRF rules, pacing), with a 500 KiB cap and ≤ 5
// redirects. It is fetched once, without retries: a failure disallows the
// host for this run only.
func (h *hostWorker) fetchRobots(ctx context.Context, u *url.URL, p Policy, red relwatch.Redactor) *robotsVerdict {
	ru := &url.URL{Scheme: u.Scheme, User: u.User, Host: u.Host, Path: "/robots.txt"}
	shown := red.Parsed(ru)
	unavailable := func(status int, why string) *robotsVerdict {
		// Status stays 0: it is the page's status, and the page was
		// never requested. The robots.txt status is in the message.
		fe := fetchErr(KindRobotsUnavailable, "%s %s: not fetching from %s in this run (RFC 9309: assume disallow)", shown, why, hostPort(u))
		h.run.log.Warn("robots.txt unavailable", "url", shown, "status", status, "why", why)
		return &robotsVerdict{err: fe}
	}
	if err := h.pace(ctx, p.Delay); err != nil {
		return &robotsVerdict{err: fetchErr(KindCanceled, "run cancelled before fetching %s", shown)}
	}
	a := h.run.do(ctx, exchange{url: ru, exempt: hostPort(u), policy: p, robots: true, redact: red})
	h.lastEnd = time.Now()
	s := a.status
	switch {
	case a.err != nil && a.err.Kind == KindCanceled:
		return &robotsVerdict{err: a.err}
	case a.err != nil && a.err.Kind == KindPrivateAddress && a.hops == 1:
		// The target's own address is refused: say so, not "robots.txt
		// unavailable".
		return &robotsVerdict{err: a.err}
	case a.err != nil && a.err.hostDown:
		// DNS, connect or routing failed: that is the host's problem, not
		// robots.txt's, and the page fails with that kind.
		return &robotsVerdict{err: a.err}
	case a.err != nil && a.err.Kind == KindRedirectLoop:
		// RFC 9309 §2.3.1.2: past five redirects robots.txt may be taken
		// as unavailable (a 4xx), which allows everything.
		h.run.log.Info("robots.txt redirects too often; treating it as absent", "url", shown)
		return &robotsVerdict{data: allowAll()}
	case a.err != nil:
		return unavailable(s, "failed ("+strings.TrimPrefix(a.err.Msg, shown+": ")+")")
	case s >= 200 && s <= 299:
		body := normalizeRobotsPaths(a.body)
		data, err := robotstxt.FromBytes(body)
		if err != nil {
			// RFC 9309 §2.2: use the rules that parse. temoto/robotstxt
			// rejects the whole file over one stray line, so drop those
			// lines and try again.
			h.run.log.Warn("robots.txt has invalid lines; ignoring them", "url", shown, "err", strings.TrimSpace(err.Error()))
			data, err = robotstxt.FromBytes(lenientRobots(body))
		}
		if err != nil {
			return unavailable(s, "unparsable ("+strings.TrimSpace(err.Error())+")")
		}
		h.run.log.Debug("robots.txt fetched", "url", shown, "status", s, "bytes", len(a.body))
		return &robotsVerdict{data: data}
	case s == 429:
		return unavailable(s, "answered 429 Too Many Requests")
	case s >= 400 && s <= 499:
		h.run.log.Debug("no robots.txt; everything allowed", "url", shown, "status", s)
		return &robotsVerdict{data: allowAll()}
	default: // 5xx, or a 1xx/3xx that is not a usable answer
		return unavailable(s, "answered HTTP "+strconv.Itoa(s))
	}
}

func allowAll() *robotstxt.RobotsData {
	d, _ := robotstxt.FromStatusAndBytes(404, nil)
	return d
}

// productToken is the part of a User-Agent that robots.txt groups name:
// "relwatch" for "relwatch/1.0 (+https://…)".
func productToken(ua string) string {
	if i := strings.IndexAny(ua, "/ "); i > 0 {
		return ua[:i]
	}
	return ua
}

// lenientRobots drops the lines temoto/robotstxt refuses to parse: rules
// before any User-agent line (they belong to no group, so RFC 9309 ignores
// them) and Crawl-delay values that are not a non-negative number.
func lenientRobots(body []byte) []byte {
	var out bytes.Buffer
	inGroup := false
	for line := range bytes.Lines(body) {
		content, _, _ := bytes.Cut(line, []byte("#"))
		field, value, ok := bytes.Cut(content, []byte(":"))
		key := strings.ToLower(string(bytes.TrimSpace(field)))
		isDelay := key == "crawl-delay" || key == "crawldelay"
		switch {
		case !ok:
		case key == "user-agent" || key == "useragent":
			inGroup = true
		case !inGroup && (key == "allow" || key == "disallow" || isDelay):
			continue
		case isDelay:
			d, err := strconv.ParseFloat(string(bytes.TrimSpace(value)), 64)
			if err != nil || d < 0 || math.IsInf(d, 0) || math.IsNaN(d) {
				continue
			}
		}
		out.Write(line)
	}
	return out.Bytes()
}

// normalizeRobotsPaths rewrites the path of every Allow and Disallow line
// with robotsPath, so that rules and request paths compare in one form.
// Other lines, and the order of lines, are kept.
func normalizeRobotsPaths(body []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(body))
	for line := range bytes.Lines(body) {
		content, _, _ := bytes.Cut(line, []byte("#"))
		field, value, ok := bytes.Cut(content, []byte(":"))
		key := strings.ToLower(string(bytes.TrimSpace(field)))
		if !ok || (key != "allow" && key != "disallow") {
			out.Write(line)
			continue
		}
		out.Write(bytes.TrimSpace(field))
		out.WriteString(": ")
		out.WriteString(robotsPath(string(bytes.TrimSpace(value))))
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// robotsPath is a robots.txt rule path or a request path in the one form
// they are compared in (RFC 9309 §2.2.2): octets outside US-ASCII, and
// ASCII that is neither reserved nor unreserved (space, quotes, …), are
// percent-encoded; an encoded unreserved character is decoded; every
// other escape is written in upper case. "/café", "/caf%c3%a9" and
// "/caf%C3%A9" are then one path, and "/%7Euser" is "/~user". Reserved
// characters, and robots.txt's * and $, keep their meaning either way.
func robotsPath(p string) string {
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
			o := unhex(p[i+1])<<4 | unhex(p[i+2])
			if isUnreserved(o) {
				b.WriteByte(o)
			} else {
				writeEscape(&b, o)
			}
			i += 2
			continue
		}
		if c < 0x80 && (isUnreserved(c) || strings.IndexByte(reserved, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		writeEscape(&b, c) // non-ASCII, controls, space, '%' not starting an escape, …
	}
	return b.String()
}

// reserved are RFC 3986's gen-delims and sub-delims.
const reserved = ":/?#[]@!$&'()*+,;="

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func writeEscape(b *strings.Builder, o byte) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hex[o>>4])
	b.WriteByte(hex[o&15])
}
