package postgres

import (
	"context"
	"io"
	"net"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// countingProxy forwards connections on a loopback port to target and
// counts them, and the ones closed before a byte came (a dial pgx never
// used).
type countingProxy struct {
	l         net.Listener
	accepted  atomic.Int32
	neverUsed atomic.Int32
	wg        sync.WaitGroup
	target    string
}

func newCountingProxy(t *testing.T, target string) *countingProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{l: l, target: target}
	go p.serve()
	t.Cleanup(func() { l.Close(); p.wg.Wait() })
	return p
}

func (p *countingProxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer c.Close()
			first := make([]byte, 1)
			if _, err := io.ReadFull(c, first); err != nil {
				p.neverUsed.Add(1)
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				return
			}
			defer s.Close()
			s.Write(first)
			go func() { io.Copy(c, s); c.Close() }()
			io.Copy(s, c)
		}()
	}
}

// TestEarlyDialIsTheConnection: the connection dialed early is the one
// pgx connects over (the server has accepted it before pgx starts, and
// pgx makes no other), and Open with it makes one connection for an
// open, a read and a close, none left unused, a refused login too.
func TestEarlyDialIsTheConnection(t *testing.T) {
	dsn := TestDSN(t)
	ctx := context.Background()
	a, err := Open(ctx, dsn, ReadWrite) // create the archive
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	u, _ := url.Parse(dsn)
	p := newCountingProxy(t, u.Host)
	u.Host = p.l.Addr().String()

	cfg, err := pgconn.ParseConfig(u.String())
	if err != nil {
		t.Fatal(err)
	}
	e := startEarlyDial(ctx, cfg)
	if e == nil {
		t.Fatal("no early dial to an IP address")
	}
	t.Cleanup(e.discard) // before the proxy's cleanup: a connection pgx did not take is closed
	<-e.done
	if e.err != nil {
		t.Fatal(e.err)
	}
	for p.accepted.Load() == 0 {
		runtime.Gosched() // the proxy's Accept returns after the dial
	}
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT 1").ReadAll(); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if n := p.accepted.Load(); n != 1 {
		t.Errorf("pgx connected with %d connections, want the early one alone", n)
	}

	ro, err := Open(ctx, u.String(), ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Pages(ctx); err != nil {
		t.Fatal(err)
	}
	ro.Close()
	if n := p.accepted.Load(); n != 2 || p.neverUsed.Load() != 0 {
		t.Errorf("open, read, close: %d connections in all, %d of them unused; want 2, 0", n, p.neverUsed.Load())
	}
	u.User = url.UserPassword(u.User.Username(), "wrong")
	openErr(t, u.String(), "wrong", ReadOnly)
	if n := p.accepted.Load(); n != 3 || p.neverUsed.Load() != 0 {
		t.Errorf("after a refused login: %d connections in all, %d of them unused; want 3, 0", n, p.neverUsed.Load())
	}
}

// TestEarlyDialOnlyToAKnownAddress: a host name may resolve to several
// addresses, so Open dials early only an IP address or a socket directory.
func TestEarlyDialOnlyToAKnownAddress(t *testing.T) {
	for dsn, early := range map[string]bool{
		"postgres://u@127.0.0.1:5432/db":         true,
		"postgres://u@[::1]:5432/db":             true,
		"postgres:///db?host=/run/postgresql":    true,
		"postgres://u@localhost:5432/db":         false,
		"postgres://u@db.example.org/db":         false,
		"postgres://u@10.0.0.1,10.0.0.2:5432/db": true, // the first host is pgx's first dial
	} {
		cfg, err := pgconn.ParseConfig(dsn)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		e := startEarlyDial(ctx, cfg)
		if (e != nil) != early {
			t.Errorf("%s: early dial %v, want %v", dsn, e != nil, early)
		}
		cancel()
		e.discard()
	}
}
