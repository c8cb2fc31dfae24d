package relwatch

import (
	"net/url"
	"slices"
	"strings"
)

// Mask replaces a secret wherever relwatch shows or stores a URL.
const Mask = "xxxxx"

// SecretParams are the query parameters whose values are redacted by
// default: the usual names of API keys, access tokens and signatures.
var SecretParams = []string{"token", "key", "apikey", "api_key", "access_token", "sig", "signature", "password"}

// Redactor hides the secrets a configured URL may carry before it is shown
// or stored: a password (user:xxxxx@host), a user name given alone, which
// is then a token (xxxxx@host), and the values of secret query parameters
// (?token=xxxxx). The real URL is used only to fetch.
//
// The zero Redactor redacts SecretParams; Extra adds more parameter names
// (config key redact_params). Names match case-insensitively.
type Redactor struct {
	Extra []string
}

// RedactURL redacts raw with the default parameter list.
func RedactURL(raw string) string { return Redactor{}.URL(raw) }

// URL is raw as it may be shown or stored. Text that does not parse is not
// echoed, since it may hold a secret we cannot locate.
func (r Redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	return r.Parsed(u)
}

// Parsed is u as it may be shown or stored; "" for nil. It is the one place
// that decides what a URL may show.
func (r Redactor) Parsed(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		if _, hasPassword := c.User.Password(); hasPassword {
			c.User = url.UserPassword(c.User.Username(), Mask)
		} else if c.User.Username() != "" {
			c.User = url.User(Mask)
		}
	}
	c.RawQuery = r.pairs(c.RawQuery)
	if frag := c.EscapedFragment(); strings.Contains(frag, "=") {
		// OAuth's implicit flow puts access_token in the fragment.
		if red := r.pairs(frag); red != frag {
			c.Fragment, _ = url.PathUnescape(red)
			c.RawFragment = red
		}
	}
	// The user info is rebuilt from Mask, so no escaping can hide a
	// secret in it; String keeps the query bytes as written.
	return c.String()
}

// pairs masks the values of secret parameters in an a=1&b=2 list, leaving
// every other byte as written (no re-encoding or sorting).
func (r Redactor) pairs(q string) string {
	if q == "" {
		return q
	}
	parts := strings.Split(q, "&")
	changed := false
	for i, kv := range parts {
		k, _, hasValue := strings.Cut(kv, "=")
		if !hasValue || !r.IsSecretParam(k) {
			continue
		}
		parts[i] = k + "=" + Mask
		changed = true
	}
	if !changed {
		return q
	}
	return strings.Join(parts, "&")
}

// IsSecretParam reports whether the query parameter name (possibly
// percent-encoded) is one whose value is redacted.
func (r Redactor) IsSecretParam(name string) bool {
	if n, err := url.QueryUnescape(name); err == nil {
		name = n
	}
	name = strings.ToLower(strings.TrimSpace(name))
	return slices.Contains(SecretParams, name) || slices.ContainsFunc(r.Extra, func(e string) bool {
		return strings.EqualFold(strings.TrimSpace(e), name)
	})
}

// Scrub replaces the secrets of u in msg by Mask: a last line of defence
// for messages built from library errors that quote the URL. A password or
// a lone user name is replaced wherever it appears, as written or escaped;
// a secret parameter's value only as "name=value", since a short value
// (key=en) would otherwise eat ordinary words.
func (r Redactor) Scrub(msg string, u *url.URL) string {
	if u == nil {
		return msg
	}
	type swap struct{ old, new string }
	var swaps []swap
	if u.User != nil {
		s, ok := u.User.Password()
		if !ok {
			s = u.User.Username()
		}
		for _, sp := range spellings(s) {
			swaps = append(swaps, swap{sp, Mask})
		}
	}
	for _, q := range []string{u.RawQuery, u.EscapedFragment()} {
		for kv := range strings.SplitSeq(q, "&") {
			if k, v, ok := strings.Cut(kv, "="); ok && r.IsSecretParam(k) {
				for _, sp := range spellings(v) {
					swaps = append(swaps, swap{k + "=" + sp, k + "=" + Mask})
				}
			}
		}
	}
	if len(swaps) == 0 {
		return msg
	}
	// A Replacer tries its old strings in argument order at each position:
	// longer ones first keep an escaped spelling from being half replaced
	// through a shorter one it contains.
	slices.SortStableFunc(swaps, func(a, b swap) int { return len(b.old) - len(a.old) })
	args := make([]string, 0, 2*len(swaps))
	for _, sw := range swaps {
		args = append(args, sw.old, sw.new)
	}
	return strings.NewReplacer(args...).Replace(msg)
}

// spellings are the ways s may appear in a message: as written, decoded,
// and escaped for a query or a path or user info.
func spellings(s string) []string {
	if s == "" || s == Mask {
		return nil
	}
	out := []string{s, url.QueryEscape(s), url.PathEscape(s), strings.TrimPrefix(url.UserPassword("", s).String(), ":")}
	if d, err := url.QueryUnescape(s); err == nil {
		out = append(out, d)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// WithoutUserinfo is u with no user info at all: where a redirect ended,
// as recorded (after redaction of its query).
func WithoutUserinfo(u *url.URL) *url.URL {
	c := *u
	c.User = nil
	return &c
}

// WithoutCredentials is a configured URL with no user info at all, for
// asking a third party (the Wayback Machine) about it. Its query is kept
// as written, since it names the page; "" if raw does not parse.
func WithoutCredentials(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return WithoutUserinfo(u).String()
}
