package postgres

import (
	"context"
	"net"
	"path/filepath"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
)

// earlyDial connects to the server as Open begins, before pgx builds its
// first connection. pgx first builds its type map (pgtype.NewMap: about
// half a millisecond of CPU, once a process) and only then dials, and the
// server starts a backend for a connection as soon as it accepts it
// (forking, 2–3 ms): dialed first, the two overlap. The first dial pgx
// makes to the same network address gets this connection; every other dial
// is pgx's own, so TLS, authentication and fallbacks are unchanged (pgx
// negotiates them on the connection as on any it dials).
type earlyDial struct {
	network, address string
	done             chan struct{} // closed when the dial has ended
	conn             net.Conn
	err              error

	mu    sync.Mutex
	taken bool
}

// startEarlyDial starts dialing the primary host of cfg and routes cfg's
// dials through the result. It dials only when the address pgx will dial
// first is known without resolving a name: an IP address or a Unix socket
// directory. A host name may resolve to several addresses, and a
// connection pgx never takes would show in the server's log as an
// incomplete startup packet. nil: nothing was started.
func startEarlyDial(ctx context.Context, cfg *pgconn.Config) *earlyDial {
	if net.ParseIP(cfg.Host) == nil && !filepath.IsAbs(cfg.Host) {
		return nil
	}
	network, address := pgconn.NetworkAddress(cfg.Host, cfg.Port)
	e := &earlyDial{network: network, address: address, done: make(chan struct{})}
	dial := cfg.DialFunc
	dctx, cancel := ctx, context.CancelFunc(func() {})
	if cfg.ConnectTimeout > 0 {
		dctx, cancel = context.WithTimeout(ctx, cfg.ConnectTimeout)
	}
	go func() {
		defer cancel()
		e.conn, e.err = dial(dctx, network, address)
		close(e.done)
	}()
	cfg.DialFunc = func(ctx context.Context, network, address string) (net.Conn, error) {
		if e.take(network, address) {
			<-e.done
			return e.conn, e.err
		}
		return dial(ctx, network, address)
	}
	return e
}

// take reports whether a dial to network and address gets the early
// connection: the first one to its address, once.
func (e *earlyDial) take(network, address string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.taken || network != e.network || address != e.address {
		return false
	}
	e.taken = true
	return true
}

// discard closes the early connection if pgx has not taken it (Open
// failed before connecting).
func (e *earlyDial) discard() {
	if e == nil || !e.take(e.network, e.address) {
		return
	}
	go func() {
		<-e.done
		if e.conn != nil {
			e.conn.Close()
		}
	}()
}
