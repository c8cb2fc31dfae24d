package relwatch

import "net/url"

// RedactURL is a configured URL as relwatch stores and prints it: a
// password in it replaced by "xxxxx" (u:xxxxx@host), and a user name given
// alone, which is then a token, too. The real URL is used only to fetch.
// Text that does not parse is not echoed (config validation refuses it).
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if u.User != nil {
		if _, hasPassword := u.User.Password(); !hasPassword && u.User.Username() != "" {
			u.User = url.User("xxxxx")
		}
	}
	return u.Redacted()
}

// WithoutCredentials is a configured URL with no user info at all, for
// asking a third party (the Wayback Machine) about it.
func WithoutCredentials(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User = nil
	return u.String()
}
