package scraper

import (
	"net/url"
	"strings"

	"github.com/relwatch/relwatch/internal/lazyregexp"
)

// sidSegment is a session id the old site put into paths, e.g.
// /cps/en/SID-8A6FF285-56EC9BFE/natolive/topics_49598.htm.
var sidSegment = lazyregexp.New(`(?i)^SID-[0-9a-f]+(?:-[0-9a-f]+)*$`)

// CanonicalURL names the page a URL shows independently of the session: it
// removes SID-… path segments, a trailing "?" or "&" (and an empty
// query), and the fragment, and lower-cases the scheme and host. The query
// is otherwise kept byte for byte, selectedLocale included, since it
// chooses the language. Everything else (natohq vs natolive, the path
// language) is left alone: those are different URLs for the server even
// when they show the same page. A string that does not parse as a URL is
// returned with only its trailing ?/& trimmed.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	rest, _, _ := strings.Cut(raw, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	u, err := url.Parse(rest)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return strings.TrimRight(raw, "?&")
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	// Work on the path as written after the host, not on u.Path, so that
	// escapes survive unchanged.
	path := rest[strings.Index(rest, "//")+2:]
	if i := strings.IndexByte(path, '/'); i >= 0 {
		path = path[i:]
	} else {
		path = ""
	}
	segs := strings.Split(path, "/")
	kept := segs[:0]
	for _, s := range segs {
		if !sidSegment().MatchString(s) {
			kept = append(kept, s)
		}
	}
	out := scheme + "://" + host + strings.Join(kept, "/")
	if hasQuery {
		query = strings.TrimRight(query, "?&")
		if query != "" {
			out += "?" + query
		}
	}
	return out
}

// URLLang is the page language a URL asks for: the selectedLocale query
// parameter, which overrides the path; else the old site's /cps/<lang>/
// segment; else the new site's leading /<lang>/ segment. It returns "" when
// the URL says nothing.
func URLLang(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	// Walk the query in order (not through a map) so that a URL with the
	// parameter twice always gives the same answer: the first one.
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.EqualFold(k, "selectedLocale") {
			continue
		}
		if v, err := url.QueryUnescape(v); err == nil {
			if l := langTag(v); l != "" {
				return l
			}
		}
	}
	var segs []string
	for _, s := range strings.Split(u.Path, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) >= 2 && strings.EqualFold(segs[0], "cps") {
		return langTag(segs[1])
	}
	// New site: /en/what-we-do/…. Only a bare two-letter segment counts,
	// so that /faq/… or /news/… are not taken for languages.
	if len(segs) >= 1 && len(segs[0]) == 2 {
		return langTag(segs[0])
	}
	return ""
}

// langTag reduces a language tag ("fr", "fr-FR", "en_GB") to its primary
// subtag in lower case, or "" if it is not one.
func langTag(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if len(s) < 2 || len(s) > 3 {
		return ""
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return s
}
