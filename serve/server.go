package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/relwatch/relwatch"
)

// Options configure a Server. The zero value of every field has a safe
// default.
type Options struct {
	// AuthToken, when set, is required on every request: as a bearer token
	// (Authorization: Bearer TOKEN) or as the password of HTTP Basic
	// authentication, which lets a browser ask for it.
	AuthToken string
	// Log receives one access-log record per request; nil discards them.
	Log *slog.Logger
	// RequestTimeout bounds each request's work; default 10 s.
	RequestTimeout time.Duration
	// MaxHeavy caps the heavy requests (diffs, searches, feeds) served at
	// once; others wait for a slot until their timeout. Default: the
	// number of CPUs, at least 2.
	MaxHeavy int
	// StaleAfter and LagAfter judge page health as `relwatch pages` does
	// (the config's stale_after and lag_after).
	StaleAfter, LagAfter time.Duration
	// Now is the clock that page health is judged by; default time.Now.
	Now func() time.Time
}

// defaultRequestTimeout bounds a request; the slowest honest one (a diff
// of two huge versions) takes well under a second.
const defaultRequestTimeout = 10 * time.Second

// Server is the read-only web view and JSON API over an archive.
type Server struct {
	hist relwatch.History
	// timelines is what the timeline reads: hist, with its summaries
	// kept while a page does not change, when the store can summarise.
	timelines relwatch.History
	opts      Options
	log       *slog.Logger
	heavy     chan struct{} // one token per heavy request in flight
	handler   http.Handler
}

// New builds a server over hist.
func New(hist relwatch.History, opts Options) *Server {
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = defaultRequestTimeout
	}
	if opts.MaxHeavy <= 0 {
		opts.MaxHeavy = max(2, runtime.NumCPU())
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{hist: hist, timelines: hist, opts: opts, log: log, heavy: make(chan struct{}, opts.MaxHeavy)}
	if tr, ok := hist.(relwatch.TimelineReader); ok {
		s.timelines = newTimelineCache(hist, tr)
	}
	s.handler = s.middleware(s.routes())
	return s
}

// Handler is the whole server as an http.Handler: routes and middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// shutdownGrace is how long requests in flight get to finish once the
// server is told to stop.
const shutdownGrace = 5 * time.Second

// Serve answers on ln until ctx is done, then stops accepting, lets the
// requests in flight finish (up to shutdownGrace) and returns nil. Any
// other end is an error.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// Writing a response may take the request's whole budget plus
		// the time to send it.
		WriteTimeout:   s.opts.RequestTimeout + 20*time.Second,
		IdleTimeout:    60 * time.Second,
		MaxHeaderBytes: 32 << 10,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:    func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(stop)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	if e := <-done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// CheckBind refuses to serve the archive to the network without a token:
// an address that is not loopback (0.0.0.0, a LAN address, a host name
// other than localhost) needs one.
func CheckBind(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080: %v", addr, err)
	}
	if token != "" || isLoopback(host) {
		return nil
	}
	return fmt.Errorf("--addr %s is reachable from other machines: give --auth-token or --auth-token-file, or bind 127.0.0.1", addr)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
