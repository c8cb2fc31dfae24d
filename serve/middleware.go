package serve

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// maxQuery is the longest query string accepted: the longest honest one
// (a search phrase, two hashes) is far shorter.
const maxQuery = 2048

// securityHeaders are sent with every answer. The pages load nothing but
// their own stylesheet and script: no inline script, no frames, no
// requests elsewhere.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; " +
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"X-Frame-Options":              "DENY",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Permissions-Policy":           "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

// middleware wraps the routes, outermost first: the access log sees every
// answer, every answer carries the security headers, and nothing reaches
// a route that is not a GET or HEAD, not authenticated, or too long.
func (s *Server) middleware(h http.Handler) http.Handler {
	h = s.withTimeout(h)
	h = s.withLimits(h)
	h = s.withAuth(h)
	h = withMethods(h)
	h = withSecurityHeaders(h)
	return s.withAccessLog(h)
}

func withSecurityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range securityHeaders {
			w.Header().Set(k, v)
		}
		h.ServeHTTP(w, r)
	})
}

// withMethods answers 405 to anything but GET and HEAD: the server is
// read-only.
func withMethods(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, r, &Error{Status: http.StatusMethodNotAllowed, Kind: KindMethod,
				Msg: fmt.Sprintf("method %s not allowed: relwatch serve is read-only (GET and HEAD only)", r.Method)})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// withAuth requires the token, when one is set, as a bearer token or as
// the Basic-auth password (any user name).
func (s *Server) withAuth(h http.Handler) http.Handler {
	if s.opts.AuthToken == "" {
		return h
	}
	want := []byte(s.opts.AuthToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var got string
		if _, pass, ok := r.BasicAuth(); ok {
			got = pass
		} else if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			got = strings.TrimSpace(bearer)
		}
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="relwatch", charset="UTF-8"`)
			writeError(w, r, &Error{Status: http.StatusUnauthorized, Kind: KindUnauthorized,
				Msg: "this relwatch server needs its token: Authorization: Bearer TOKEN, or the token as the Basic-auth password"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// withLimits refuses overlong query strings and paths with encoded
// slashes or dot segments before any route sees them.
func (s *Server) withLimits(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RawQuery) > maxQuery {
			writeError(w, r, badInput("query string of %d bytes: at most %d accepted", len(r.URL.RawQuery), maxQuery))
			return
		}
		raw := strings.ToLower(r.URL.EscapedPath())
		if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.Contains(raw, "%00") {
			writeError(w, r, badInput("path %q: encoded slashes, backslashes and NULs are not part of any relwatch address", r.URL.EscapedPath()))
			return
		}
		for seg := range strings.SplitSeq(strings.ReplaceAll(raw, "%2e", "."), "/") {
			if seg == "." || seg == ".." {
				writeError(w, r, badInput("path %q: no relwatch address has . or .. segments", r.URL.EscapedPath()))
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// withTimeout gives every request a deadline; the archive reads stop when
// it passes.
func (s *Server) withTimeout(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// heavy wraps a route whose cost grows with the archive (diffs, searches,
// feeds): at most MaxHeavy of them run at once; the others wait for a
// slot, until their deadline, then get 503.
func (s *Server) heavyRoute(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.heavy <- struct{}{}:
			defer func() { <-s.heavy }()
			h(w, r)
		case <-r.Context().Done():
			w.Header().Set("Retry-After", "5")
			writeError(w, r, &Error{Status: http.StatusServiceUnavailable, Kind: KindBusy,
				Msg: fmt.Sprintf("server busy: %d heavy requests (diffs, searches, feeds) already running; try again shortly", cap(s.heavy))})
		}
	}
}

// statusWriter remembers what was answered, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withAccessLog logs one record per request. The query string is logged
// (it carries search phrases and version references, never the token,
// which travels in a header).
func (s *Server) withAccessLog(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			uri := r.URL.EscapedPath()
			if r.URL.RawQuery != "" {
				uri += "?" + truncate(r.URL.RawQuery, 256)
			}
			s.log.LogAttrs(r.Context(), levelFor(sw.status), "request",
				slog.String("method", r.Method), slog.String("uri", uri), slog.Int("status", sw.status),
				slog.Int64("bytes", sw.bytes), slog.Duration("duration", time.Since(start)), slog.String("remote", r.RemoteAddr))
		}()
		h.ServeHTTP(sw, r)
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// levelFor logs server errors as errors, everything else as info.
func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
