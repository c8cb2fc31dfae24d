package serve

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The routes' answers over a real archive are tested in cmd/relwatch,
// against the CLI; these tests cover what the server does before any
// route reads the archive, so they need none (a nil reader: a test that
// reached it would panic).

func TestCheckBind(t *testing.T) {
	for _, c := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:8080", "", true},
		{"127.0.0.1:0", "", true},
		{"[::1]:8080", "", true},
		{"localhost:8080", "", true},
		{"0.0.0.0:8080", "", false},
		{":8080", "", false},
		{"192.168.1.10:8080", "", false},
		{"example.org:80", "", false},
		{"0.0.0.0:8080", "a-token-of-16-chars", true},
		{"no-port", "", false},
	} {
		if err := CheckBind(c.addr, c.token); (err == nil) != c.ok {
			t.Errorf("CheckBind(%q, %q) = %v, want ok=%v", c.addr, c.token, err, c.ok)
		}
	}
}

func TestBusyHeavyRoutesWaitThenGet503(t *testing.T) {
	s := New(nil, Options{MaxHeavy: 1, RequestTimeout: 50 * time.Millisecond})
	s.heavy <- struct{}{} // the one slot is taken
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/search?q=x", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"kind":"busy"`) || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a heavy request with no free slot: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

func TestAccessLog(t *testing.T) {
	var logs bytes.Buffer
	s := New(nil, Options{Log: slog.New(slog.NewJSONHandler(&logs, nil))})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/api/pages?x=1", nil))
	line := logs.String()
	for _, want := range []string{`"msg":"request"`, `"method":"DELETE"`, `"uri":"/api/pages?x=1"`, `"status":405`, `"duration":`} {
		if !strings.Contains(line, want) {
			t.Errorf("access log %q lacks %s", line, want)
		}
	}
}

func TestHeadersOnRefusals(t *testing.T) {
	s := New(nil, Options{AuthToken: "0123456789abcdef"})
	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "/", nil),
		httptest.NewRequest(http.MethodGet, "/", nil),
		httptest.NewRequest(http.MethodGet, "/api/pages", nil),
	} {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code < 400 || rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: %d %v", req.Method, req.URL, rec.Code, rec.Header())
		}
	}
}

// TestServeStopsCleanly starts the server on a free port, answers a
// request, and stops when its context ends: Serve returns nil and the port
// no longer answers.
func TestServeStopsCleanly(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(nil, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	css, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(css, []byte("color-scheme")) || resp.Header.Get("Cache-Control") == "" {
		t.Errorf("GET /static/style.css: %s %v", resp.Status, resp.Header)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after its context ended: %v, want nil", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Error("the server still answers after stopping")
	}
}

func TestTemplatesParse(t *testing.T) {
	if _, err := parseTemplates(); err != nil {
		t.Fatal(err)
	}
}
