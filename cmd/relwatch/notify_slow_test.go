package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// slowReceiver keeps every request it is sent, on arrival, and holds the
// first held[path] requests to a path without answering until the test
// releases them (or the sender gives up on one): a receiver that gets a
// message but answers too late.
type slowReceiver struct {
	mu       sync.Mutex
	held     map[string]int
	arrived  map[string][]string // the X-Relwatch-Delivery of each request, "" for other channels
	released chan struct{}
	addr     string
}

func newSlowReceiver(t *testing.T) *slowReceiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &slowReceiver{held: map[string]int{}, arrived: map[string][]string{}, released: make(chan struct{}), addr: ln.Addr().String()}
	srv := &http.Server{Handler: r}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	t.Cleanup(r.release) // runs first: no handler is left waiting
	return r
}

func (r *slowReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	io.Copy(io.Discard, req.Body)
	r.mu.Lock()
	r.arrived[req.URL.Path] = append(r.arrived[req.URL.Path], req.Header.Get("X-Relwatch-Delivery"))
	hold := r.held[req.URL.Path] > 0
	if hold {
		r.held[req.URL.Path]--
	}
	r.mu.Unlock()
	if hold {
		select {
		case <-r.released:
		case <-req.Context().Done():
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

func (r *slowReceiver) hold(path string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.held[path] = n
}

func (r *slowReceiver) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-r.released:
	default:
		close(r.released)
	}
	r.held = map[string]int{}
}

func (r *slowReceiver) got(path string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.arrived[path]...)
}

func (r *slowReceiver) url(path string) string { return "http://" + r.addr + path }

// TestNotifySlowReceiverAtMostTwice: a chat message (shoutrrr) that gets
// no answer within notify_timeout may still arrive, so it is not retried
// within the run; the next run sends it once more and, with no answer
// again, drops it: the receiver has it twice at most, never the four
// times the retries would give. The webhook, whose receiver drops repeats
// by X-Relwatch-Delivery, is retried at once, with the same id.
func TestNotifySlowReceiverAtMostTwice(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newSlowReceiver(t)
	r.hold("/chat", 100)
	r.hold("/hook", 1)
	e := notifyEnv(t, fmt.Sprintf("notify_timeout: 1s\nnotify:\n"+
		"  - name: chat\n    url: generic+%s?template=json\n"+
		"  - name: hook\n    kind: webhook\n    url: %s\n    secret: ${RELWATCH_TEST_SECRET}\n", r.url("/chat"), r.url("/hook")))

	e.mustRun(0, "scrape")
	if got := r.got("/chat"); len(got) != 1 {
		t.Fatalf("chat after the first run: %d messages, want 1 (no retry after no answer)", len(got))
	}
	hook := r.got("/hook")
	if len(hook) != 2 || hook[0] == "" || hook[0] != hook[1] {
		t.Fatalf("webhook after the first run: %q, want the held try and one retry with the same delivery id", hook)
	}
	status := e.mustRun(0, "notify", "status")
	if !strings.Contains(status, "outcome unknown: no answer within 1s") {
		t.Errorf("notify status does not say the chat message may have arrived:\n%s", status)
	}

	e.mustRun(0, "scrape")
	if got := r.got("/chat"); len(got) != 2 {
		t.Fatalf("chat after the second run: %d messages, want 2 (sent once more)", len(got))
	}
	e.mustRun(0, "scrape")
	if got := r.got("/chat"); len(got) != 2 {
		t.Fatalf("chat after the third run: %d messages, want still 2", len(got))
	}
	if got := r.got("/hook"); len(got) != 2 {
		t.Errorf("webhook sent again after it was delivered: %q", got)
	}
	status = e.mustRun(0, "notify", "status")
	var chatLine string
	for _, l := range strings.Split(status, "\n") {
		if strings.HasPrefix(l, "chat ") {
			chatLine = l
		}
	}
	if f := strings.Fields(chatLine); len(f) < 5 || f[1] != "0" || f[4] != "1" || !strings.Contains(chatLine, "it may have arrived") {
		t.Errorf("chat: want 0 pending, 1 dropped that may have arrived:\n%s", status)
	}

	// A receiver that answers in time gets each message once.
	r.release()
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	if got := r.got("/chat"); len(got) != 3 {
		t.Errorf("chat after a change with the receiver answering: %d messages, want 3", len(got))
	}
}
