package main

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/relwatch/relwatch/output"
)

// receiver is a local webhook receiver. It answers each POST with the
// next status of script (200 once the script is used up) and keeps the
// POSTs it answered 2xx, per path.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	script []int
	tries  int                   // every POST, answered or refused
	got    map[string][]delivery // accepted POSTs by path
	srv    *http.Server
	addr   string
}

type delivery struct {
	header http.Header
	body   []byte
	fields map[string]any
}

func newReceiver(t *testing.T, secret string, script ...int) *receiver {
	t.Helper()
	r := &receiver{t: t, secret: secret, script: script, got: map[string][]delivery{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.start(ln)
	return r
}

// newDownReceiver has an address where nothing listens until up.
func newDownReceiver(t *testing.T, secret string) *receiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{t: t, secret: secret, got: map[string][]delivery{}, addr: ln.Addr().String()}
	ln.Close()
	return r
}

func (r *receiver) up() {
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		r.t.Fatalf("receiver: listen again on %s: %v", r.addr, err)
	}
	r.start(ln)
}

func (r *receiver) start(ln net.Listener) {
	r.srv = &http.Server{Handler: r}
	go r.srv.Serve(ln)
	r.t.Cleanup(func() { r.srv.Close() })
}

func (r *receiver) url(path string) string { return "http://" + r.addr + path }

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tries++
	if len(r.script) > 0 {
		status := r.script[0]
		r.script = r.script[1:]
		if status != http.StatusOK {
			if status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "0")
			}
			w.WriteHeader(status)
			return
		}
	}
	d := delivery{header: req.Header.Clone(), body: body}
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(body, &d.fields); err != nil {
			r.t.Errorf("receiver: body is not JSON: %v\n%s", err, body)
		}
	}
	r.got[req.URL.Path] = append(r.got[req.URL.Path], d)
}

func (r *receiver) deliveries(path string) []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got[path]...)
}

// check verifies a webhook delivery as a receiver would: the signature,
// the headers and every documented field.
func (r *receiver) check(d delivery, event string) {
	r.t.Helper()
	m := hmac.New(sha256.New, []byte(r.secret))
	m.Write(d.body)
	if want := "sha256=" + hex.EncodeToString(m.Sum(nil)); d.header.Get("X-Relwatch-Signature") != want {
		r.t.Errorf("signature %q, want %q", d.header.Get("X-Relwatch-Signature"), want)
	}
	if got := d.header.Get("X-Relwatch-Event"); got != event {
		r.t.Errorf("X-Relwatch-Event %q, want %q", got, event)
	}
	if id := d.header.Get("X-Relwatch-Delivery"); id == "" || id != d.fields["id"] {
		r.t.Errorf("X-Relwatch-Delivery %q, body id %v", id, d.fields["id"])
	}
	for _, f := range []string{"event", "page", "url", "version", "previous_version", "content_hash", "previous_hash",
		"first_seen", "window_start", "updated_raw", "updated_at", "summary", "changes", "source", "id"} {
		if _, ok := d.fields[f]; !ok {
			r.t.Errorf("field %s missing from %s", f, d.body)
		}
	}
	if d.fields["event"] != event {
		r.t.Errorf("event %v, want %s", d.fields["event"], event)
	}
}

// notifyEnv is a test env whose config has a notify: part.
func notifyEnv(t *testing.T, notifyYAML string) *testEnv {
	t.Helper()
	e := newTestEnv(t)
	cfg, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	extra := "notify_backoff: 1ms\nnotify_retries: 3\n" + notifyYAML
	if err := os.WriteFile(e.cfg, append([]byte(extra), cfg...), 0o644); err != nil {
		t.Fatal(err)
	}
	return e
}

const testSecret = "s3cr3t-hmac-key-never-shown"

// webhookYAML is a notify: list with relwatch webhooks at the paths.
func webhookYAML(r *receiver, extra string, paths ...string) string {
	var b strings.Builder
	b.WriteString("notify:\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "  - name: hook%s\n    kind: webhook\n    url: %s\n    secret: ${RELWATCH_TEST_SECRET}\n%s",
			strings.ReplaceAll(p, "/", "-"), r.url(p), extra)
	}
	return b.String()
}

// stampOnly is the v1 fixture with only its stamp changed.
func stampOnly(t *testing.T, e *testEnv) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "kazakhstan-fr-v1.html"))
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Replace(string(data), "23 May. 2022 15:38", "24 May. 2022 09:00", 1)
	e.site.serve(200, "kazakhstan-fr-v1.html")
	e.site.edit(func(string) string { return body })
}

func TestNotifyWebhookOncePerChange(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret)
	e := notifyEnv(t, "base_url: https://rw.example/\n"+webhookYAML(r, "", "/plain")+fmt.Sprintf(
		"  - name: stamps\n    kind: webhook\n    url: %s\n    secret: ${RELWATCH_TEST_SECRET}\n    include_stamp_only: true\n", r.url("/stamps")))

	e.mustRun(0, "scrape")
	got := r.deliveries("/plain")
	if len(got) != 1 {
		t.Fatalf("first version: %d POSTs, want 1", len(got))
	}
	r.check(got[0], "new")

	e.mustRun(0, "scrape")
	if n := len(r.deliveries("/plain")); n != 1 {
		t.Fatalf("unchanged run: %d POSTs in all, want still 1", n)
	}

	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	got = r.deliveries("/plain")
	if len(got) != 2 {
		t.Fatalf("changed run: %d POSTs in all, want 2", len(got))
	}
	ch := got[1]
	r.check(ch, "changed")
	if ch.fields["version"] != 2.0 || ch.fields["previous_version"] != 1.0 || ch.fields["page"] != "kazakhstan/fr" {
		t.Errorf("changed event fields: %s", ch.body)
	}
	if changes, ok := ch.fields["changes"].(map[string]any); !ok || changes["changes"] == nil {
		t.Errorf("changes is not the diff JSON: %s", ch.body)
	}
	if s, _ := ch.fields["summary"].(string); s == "" || strings.Contains(s, "no visible change") {
		t.Errorf("summary %q", s)
	}
	links, _ := ch.fields["links"].(map[string]any)
	if d, _ := links["diff"].(string); !strings.HasPrefix(d, "https://rw.example/p/kazakhstan/fr/diff?from=") {
		t.Errorf("links.diff %q, want serve's diff page under base_url", d)
	}
	if ch.fields["id"] == got[0].fields["id"] {
		t.Error("two events share an id")
	}

	// A stamp-only change: the default destination is not told.
	e.site.serve(200, "kazakhstan-fr-v1.html")
	e.mustRun(0, "scrape") // back to v1's content: a change (v3)
	before := len(r.deliveries("/plain"))
	stampOnly(t, e)
	e.mustRun(0, "scrape")
	if n := len(r.deliveries("/plain")); n != before {
		t.Errorf("stamp-only change: %d POSTs to the default destination, want %d", n, before)
	}
	stamps := r.deliveries("/stamps")
	last := stamps[len(stamps)-1]
	if last.fields["stamp_only"] != true {
		t.Errorf("include_stamp_only destination did not get the stamp-only change; last: %s", last.body)
	}
	if len(stamps) != before+1 {
		t.Errorf("include_stamp_only destination: %d POSTs, want %d", len(stamps), before+1)
	}

	out := e.mustRun(0, "notify", "status")
	if !strings.Contains(out, "hook-plain") || !strings.Contains(out, "(reports)") {
		t.Errorf("notify status:\n%s", out)
	}
}

func TestNotifyRetriesUntilDelivered(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret, 500, 500, 500)
	e := notifyEnv(t, webhookYAML(r, "", "/h"))
	e.mustRun(0, "scrape")
	got := r.deliveries("/h")
	if len(got) != 1 || r.tries != 4 {
		t.Fatalf("%d deliveries after %d tries, want 1 after 4", len(got), r.tries)
	}
	e.mustRun(0, "scrape")
	if n := len(r.deliveries("/h")); n != 1 {
		t.Fatalf("the next run delivered again: %d deliveries", n)
	}
}

func TestNotifyHonoursRetryAfter(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret, 429)
	e := notifyEnv(t, webhookYAML(r, "", "/h"))
	e.mustRun(0, "scrape")
	if got := r.deliveries("/h"); len(got) != 1 || r.tries != 2 {
		t.Fatalf("%d deliveries after %d tries, want 1 after 2", len(got), r.tries)
	}
}

func TestNotifyReceiverDownNextRunDelivers(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newDownReceiver(t, testSecret)
	e := notifyEnv(t, webhookYAML(r, "", "/h"))
	_, stderr, code := e.relwatch("scrape")
	if code != exitOK {
		t.Fatalf("a down receiver changed scrape's exit: %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "not delivered") {
		t.Errorf("no log line about the failed delivery:\n%s", stderr)
	}
	e.site.serve(200, "kazakhstan-fr-v2.html")
	if _, stderr, code := e.relwatch("scrape", "--notify-strict"); code != exitNotify {
		t.Fatalf("--notify-strict with the receiver down: exit %d, want %d\n%s", code, exitNotify, stderr)
	}
	out := e.mustRun(0, "notify", "status")
	if !strings.Contains(out, "hook-h") || !strings.Contains(out, "connect") {
		t.Errorf("notify status does not show the pending events and the error:\n%s", out)
	}
	r.up()
	e.mustRun(0, "scrape")
	got := r.deliveries("/h")
	if len(got) != 2 {
		t.Fatalf("after the receiver came back: %d deliveries, want 2 (new, changed)", len(got))
	}
	r.check(got[0], "new")
	r.check(got[1], "changed")
	e.mustRun(0, "scrape")
	if n := len(r.deliveries("/h")); n != 2 {
		t.Fatalf("delivered again: %d", n)
	}
}

// TestNotifyAfterKill9 kills scrape right after the archive commit of a
// new version, before anything is reported or sent: the next run reports
// the change (output, --exit-code, --report-dir) and delivers it, once.
func TestNotifyAfterKill9(t *testing.T) {
	bin := relwatchBinary(t)
	r := newReceiver(t, testSecret)
	e := notifyEnv(t, webhookYAML(r, "", "/h"))
	scrape := func(crashAt string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"--config", e.cfg, "scrape"}, args...)...)
		cmd.Env = append(os.Environ(), "RELWATCH_CRASH_AT="+crashAt, "RELWATCH_TEST_SECRET="+testSecret)
		out, err := cmd.Output()
		return string(out), err
	}
	if _, err := scrape(""); err != nil {
		t.Fatal(err)
	}
	e.site.serve(200, "kazakhstan-fr-v2.html")
	_, err := scrape("record version:after-commit")
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("scrape was not killed: %v", err)
	}
	if n := len(r.deliveries("/h")); n != 1 {
		t.Fatalf("before the next run: %d deliveries, want 1 (v1)", n)
	}
	reports := filepath.Join(e.dir, "reports")
	out, err := scrape("", "--exit-code", "--report-dir", reports)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitChanged {
		t.Fatalf("next run with --exit-code: %v, want exit 1\n%s", err, out)
	}
	if !strings.Contains(out, "changed   v2 (was v1)") || !strings.Contains(out, output.EarlierNote) {
		t.Errorf("next run does not report the earlier change:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(reports, "kazakhstan", "fr-v2.md")); err != nil {
		t.Errorf("no report of the earlier change: %v", err)
	}
	got := r.deliveries("/h")
	if len(got) != 2 {
		t.Fatalf("after the next run: %d deliveries, want 2", len(got))
	}
	r.check(got[1], "changed")
	out, err = scrape("", "--exit-code")
	if err != nil || strings.Contains(out, output.EarlierNote) {
		t.Fatalf("the change was reported twice: %v\n%s", err, out)
	}
	if n := len(r.deliveries("/h")); n != 2 {
		t.Fatalf("delivered twice: %d", n)
	}
}

func TestNotifyFailedOnceRecoveredOnce(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret)
	e := notifyEnv(t, webhookYAML(r, "", "/h"))
	e.mustRun(0, "scrape")
	e.site.serve(500, "kazakhstan-fr-v1.html")
	for range 5 {
		e.mustRun(exitFailed, "scrape")
	}
	e.site.serve(200, "kazakhstan-fr-v1.html")
	e.mustRun(0, "scrape")
	e.mustRun(0, "scrape")
	var kinds []string
	for _, d := range r.deliveries("/h") {
		kinds = append(kinds, d.fields["event"].(string))
	}
	if strings.Join(kinds, ",") != "new,failed,recovered" {
		t.Fatalf("events %v, want new, failed, recovered", kinds)
	}
	rec := r.deliveries("/h")[2]
	if rec.fields["failures"] != 5.0 {
		t.Errorf("recovered event: %s", rec.body)
	}
}

// smtpServer is a minimal SMTP server that keeps the DATA of each mail.
type smtpServer struct {
	addr  string
	mu    sync.Mutex
	mails []string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &smtpServer{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	rd := bufio.NewReader(c)
	say := func(line string) { fmt.Fprintf(c, "%s\r\n", line) }
	say("220 localhost test SMTP")
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 localhost")
		case strings.HasPrefix(cmd, "DATA"):
			say("354 go ahead")
			var data strings.Builder
			for {
				l, err := rd.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.mu.Lock()
			s.mails = append(s.mails, data.String())
			s.mu.Unlock()
			say("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.mails...)
}

func TestNotifyEmailAndShoutrrrWebhook(t *testing.T) {
	mail := newSMTPServer(t)
	r := newReceiver(t, "")
	e := notifyEnv(t, fmt.Sprintf(`notify:
  - name: desk
    url: smtp://%s/?from=relwatch@example.org&to=desk@example.org&auth=None&encryption=None&usestarttls=no
    format: text
  - name: chat
    url: generic+%s?template=json
    format: markdown
`, mail.addr, r.url("/generic")))
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	mails := mail.received()
	if len(mails) != 2 {
		t.Fatalf("%d mails, want 2 (new, changed)", len(mails))
	}
	if !strings.Contains(mails[1], "kazakhstan/fr changed") || !strings.Contains(mails[1], "Source: a live check") {
		t.Errorf("the changed mail does not say what changed:\n%s", mails[1])
	}
	chat := r.deliveries("/generic")
	if len(chat) != 2 {
		t.Fatalf("%d generic webhook messages, want 2", len(chat))
	}
	if title, _ := chat[1].fields["title"].(string); !strings.Contains(title, "kazakhstan/fr changed") {
		t.Errorf("generic webhook message: %s", chat[1].body)
	}
	if msg, _ := chat[1].fields["message"].(string); !strings.Contains(msg, "**kazakhstan/fr**") {
		t.Errorf("generic webhook message is not Markdown: %s", chat[1].body)
	}
	e.mustRun(0, "scrape")
	if len(mail.received()) != 2 || len(r.deliveries("/generic")) != 2 {
		t.Error("an unchanged run sent something")
	}

	out := e.mustRun(0, "notify", "test")
	if !strings.Contains(out, "desk") || !strings.Contains(out, "sent") {
		t.Errorf("notify test:\n%s", out)
	}
	if len(mail.received()) != 3 {
		t.Errorf("notify test sent %d mails, want 1", len(mail.received())-2)
	}
}

func TestNotifyDigest(t *testing.T) {
	r := newReceiver(t, "")
	e := notifyEnv(t, fmt.Sprintf(`notify:
  - name: chat
    url: generic+%s?template=json
    digest_above: 2
`, r.url("/generic")))
	// Three events wait (new, failed, recovered) while the receiver is
	// refusing; then one digest carries them.
	r.mu.Lock()
	r.script = []int{500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500}
	r.mu.Unlock()
	e.mustRun(0, "scrape")
	e.site.serve(500, "kazakhstan-fr-v1.html")
	e.mustRun(exitFailed, "scrape")
	e.site.serve(200, "kazakhstan-fr-v1.html")
	e.mustRun(0, "scrape")
	r.mu.Lock()
	r.script = nil
	r.mu.Unlock()
	e.mustRun(0, "scrape")
	got := r.deliveries("/generic")
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1 digest", len(got))
	}
	if title, _ := got[0].fields["title"].(string); !strings.Contains(title, "3 events") {
		t.Errorf("digest: %s", got[0].body)
	}
}

func TestNotifyConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		line       int
		want       string
	}{
		{"unknown scheme", "notify:\n  - url: nosuch://token@host\n", 2, `unknown scheme "nosuch"`},
		{"malformed", "notify:\n  - url: \"slack://%zz\"\n", 2, "not a valid"},
		{"missing var", "notify:\n  - name: x\n    url: ${RELWATCH_NO_SUCH_VAR}\n", 3, "RELWATCH_NO_SUCH_VAR is not set"},
		{"webhook without secret", "notify:\n  - kind: webhook\n    url: https://example.org/h\n", 2, "missing field secret"},
		{"unknown event", "notify:\n  - url: generic+https://example.org/h\n    events: [changed, nope]\n", 3, `unknown event "nope"`},
		{"unknown page", "notify:\n  - url: generic+https://example.org/h\n    pages: [nosuch/en]\n", 3, "not a target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "relwatch.yaml")
			yaml := tc.yaml + "targets:\n  - id: kazakhstan\n    lang: fr\n    url: https://example.org/kz\n"
			if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errb strings.Builder
			code := run(t.Context(), []string{"config", "check", cfg}, streams{In: strings.NewReader(""), Out: &out, Err: &errb})
			if code != exitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", code, out.String(), errb.String())
			}
			if want := fmt.Sprintf("relwatch.yaml:%d: ", tc.line); !strings.Contains(errb.String(), want) || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q, want %q and %q", errb.String(), want, tc.want)
			}
		})
	}
}

// TestNotifySecretsNeverShown runs every command that handles a
// destination with secrets in its URL and its signing key, failing and
// succeeding, and looks for them in every output.
func TestNotifySecretsNeverShown(t *testing.T) {
	const token = "TOKEN-abcdef-0123456789"
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	t.Setenv("RELWATCH_TEST_HOOK", "http://127.0.0.1:1/hooks/"+token)
	down := newDownReceiver(t, testSecret)
	e := notifyEnv(t, `notify:
  - name: env
    kind: webhook
    url: ${RELWATCH_TEST_HOOK}
    secret: ${RELWATCH_TEST_SECRET}
  - name: literal
    url: generic+`+down.url("/hooks/"+token)+`
`)
	var all strings.Builder
	for _, args := range [][]string{
		{"config", "check"}, {"scrape", "--log-level", "debug"}, {"scrape", "--json", "--log-level", "debug", "--notify-strict"},
		{"notify", "status"}, {"notify", "test"}, {"notify", "test", "literal"},
	} {
		out, stderr, _ := e.relwatch(args...)
		all.WriteString(out + stderr)
	}
	for _, secret := range []string{token, testSecret} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("%q appears in the output:\n%s", secret, all.String())
		}
	}
	if !strings.Contains(all.String(), "${RELWATCH_TEST_HOOK}") || !strings.Contains(all.String(), "not delivered") {
		t.Errorf("the output does not name the destination or the failure:\n%s", all.String())
	}
}
