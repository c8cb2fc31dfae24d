package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
)

// shortContentLength serves every request a page whose Content-Length is
// shorter than the body it sends, as a broken server or proxy does; Go's
// HTTP client then logs the surplus bytes through the standard log
// package.
func shortContentLength(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("cannot listen on loopback: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if line == "\r\n" {
						break
					}
				}
				const body = "<html><head><title>T</title></head><body><h1>Title</h1><p>A paragraph of text.</p></body></html>"
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n%s", body)
				r.ReadString('\n') // hold the connection until the client closes it
			}()
		}
	}()
	return l.Addr().String()
}

// TestLibraryLogStaysJSON: with --log-format json every stderr line is
// JSON, net/http's complaint about a too-short Content-Length included.
func TestLibraryLogStaysJSON(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	e.writeTarget("http://"+shortContentLength(t)+"/page", "respect_robots: false\n")
	_, stderr, _ := runBinary(t, bin, e, "--log-format", "json", "scrape")
	unsolicited := false
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(line, "relwatch: ") {
			continue // the final error line, plain text by design
		}
		var rec struct{ Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("stderr line is not JSON: %q", line)
		}
		unsolicited = unsolicited || strings.Contains(rec.Msg, "Unsolicited response")
	}
	if !unsolicited {
		t.Errorf("net/http's line about the surplus bytes is missing from stderr:\n%s", stderr)
	}
}
