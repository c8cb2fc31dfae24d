package testsite

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// setHeaders sets header pairs: "Retry-After", "1", "Server", "AkamaiGHost".
func setHeaders(w http.ResponseWriter, kv []string) {
	for i := 0; i+1 < len(kv); i += 2 {
		w.Header().Set(kv[i], kv[i+1])
	}
}

// Answer answers code with body of content type ct ("" sends none, and
// stops net/http sniffing one); kv are extra header pairs.
func Answer(code int, ct, body string, kv ...string) Step {
	return func(w http.ResponseWriter, r *http.Request) {
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		} else {
			w.Header()["Content-Type"] = nil
		}
		setHeaders(w, kv)
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

// Page answers 200 with an HTML body.
func Page(body string, kv ...string) Step {
	return Answer(http.StatusOK, "text/html; charset=utf-8", body, kv...)
}

// Typed answers 200 with a body of content type ct.
func Typed(ct, body string, kv ...string) Step { return Answer(http.StatusOK, ct, body, kv...) }

// Status answers code with an HTML error page long enough to pass for a
// page's content if it were ever taken for it, which it must not be.
func Status(code int, kv ...string) Step {
	body := fmt.Sprintf("<html><head><title>Error %d</title></head><body><h1>Relations avec le Kazakhstan</h1>"+
		"<p>%s. ERROR BODY: this error page is long enough to pass for content if it were ever archived as the page, which it must not be.</p></body></html>",
		code, http.StatusText(code))
	return Answer(code, "text/html; charset=utf-8", body, kv...)
}

// Redirect answers code (301, 302, 307…) with Location.
func Redirect(code int, location string) Step {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", location)
		w.WriteHeader(code)
		fmt.Fprint(w, "Found. REDIRECT BODY")
	}
}

// Slow holds the answer back for d, or until the client gives up.
func Slow(d time.Duration, next Step) Step {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
			next(w, r)
		case <-r.Context().Done():
		}
	}
}

// Trickle sends a 200 header at once, then one byte every interval until
// the client gives up.
func Trickle(every time.Duration) Step {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(every):
			case <-r.Context().Done():
				return
			}
		}
	}
}

// CutPrefix is what Cut sends of a page before it drops the connection.
const CutPrefix = "<!DOCTYPE html><html><head><title>Relations avec le Kazakhstan</title></head><body><h1>Relations avec le Kazakhstan</h1><p>L’OTAN et le Kaz"

// Cut declares a 10 000-byte HTML body, sends its start (CutPrefix) and
// drops the connection: with a TCP reset when rst, else a plain close.
func Cut(rst bool) Step {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 10000\r\n\r\n"+CutPrefix)
		buf.Flush()
		if rst {
			time.Sleep(10 * time.Millisecond)
			conn.(*net.TCPConn).SetLinger(0)
		}
	}
}

// Reset drops the connection with a TCP reset before any answer.
func Reset(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close()
}

// Endless streams HTML until the client gives up, counting in written
// what it managed to send.
func Endless(written *atomic.Int64) Step {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>more</p>\n"), 2730) // ~32 KiB
		for {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
}

// GzipBomb sends a page's start and mib MiB of white space, compressed, as
// HTML with the given Content-Encoding: a few KiB on the wire.
func GzipBomb(mib int, encoding string) Step {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write([]byte("<!DOCTYPE html><html><head><title>Relations avec le Kazakhstan</title></head><body><h1>Relations avec le Kazakhstan</h1>"))
	zw.Write(bytes.Repeat([]byte{' '}, mib<<20))
	zw.Close()
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", encoding)
		w.Write(b.Bytes())
	}
}

// Seq answers its own request n with steps[n-1], the last step
// repeating, whatever the path.
func Seq(steps ...Step) Step {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		steps[min(int(n.Add(1)), len(steps))-1](w, r)
	}
}

// tokens numbers the chrome tokens of every Fixture answer.
var tokens atomic.Int64

// Fixture answers 200 with the HTML file at path (a testdata fixture),
// every "{{TOKEN}}" in it replaced by a token fresh on each answer, as
// real pages' share links and session chrome change on every request.
// A missing file panics: it is the test's own mistake.
func Fixture(path string, kv ...string) Step {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return Tokened(http.StatusOK, string(data), kv...)
}

// Tokened answers code with an HTML body, every "{{TOKEN}}" in it
// replaced by a token fresh on each answer (as Fixture does for a file).
func Tokened(code int, body string, kv ...string) Step {
	return func(w http.ResponseWriter, r *http.Request) {
		fresh := strings.ReplaceAll(body, "{{TOKEN}}", fmt.Sprintf("tok%08d", tokens.Add(1)))
		Answer(code, "text/html; charset=utf-8", fresh, kv...)(w, r)
	}
}

// ETagOf is the ETag Validated sends with body.
func ETagOf(body string) string {
	sum := sha256.Sum256([]byte(body))
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// Validated answers with body (the current one, as the test edits it) and
// the validators a careful server sends: an ETag of its bytes and
// Last-Modified at modified. A request whose If-None-Match has that ETag,
// or (without If-None-Match) whose If-Modified-Since is not before
// modified, gets 304 Not Modified and no body.
func Validated(body func() string, modified func() time.Time) Step {
	return func(w http.ResponseWriter, r *http.Request) {
		b := body()
		etag := ETagOf(b)
		mod := modified().UTC().Truncate(time.Second)
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", mod.Format(http.TimeFormat))
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			if strings.Contains(inm, etag) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !mod.After(ims) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		Page(b)(w, r)
	}
}
