package scraper

import (
	"context"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestIsPublic(t *testing.T) {
	t.Parallel()
	private := []string{
		"127.0.0.1", "127.0.0.2", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
		"0.0.0.0", "100.64.0.1", "192.0.2.1", "255.255.255.255", "224.0.0.1",
		"::1", "::", "::ffff:127.0.0.1", "::ffff:7f00:1", "fe80::1", "fc00::1", "fd12:3456::1",
		"64:ff9b::a00:1", "2002:7f00:1::", "2001:db8::1", "ff02::1",
	}
	public := []string{"8.8.8.8", "193.0.6.139", "2001:4860:4860::8888", "64:ff9b::808:808", "::ffff:8.8.8.8"}
	for _, s := range private {
		if isPublic(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as public", s)
		}
	}
	for _, s := range public {
		if !isPublic(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as non-public", s)
		}
	}
	if err := publicOnly("tcp", "127.0.0.1:80", nil); err == nil {
		t.Error("publicOnly let a loopback dial through")
	}
	if err := publicOnly("tcp6", "[2001:4860:4860::8888]:443", nil); err != nil {
		t.Errorf("publicOnly refused a public address: %v", err)
	}
}

func TestSite(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://www.nato.int/cps/en/":   "nato.int",
		"https://nato.int/":              "nato.int",
		"https://WWW.NATO.INT./x":        "nato.int",
		"https://www.gov.uk/":            "www.gov.uk",
		"https://a.b.example.co.uk/":     "example.co.uk",
		"http://127.0.0.1:8080/":         "127.0.0.1",
		"http://[::1]:8080/":             "::1",
		"http://localhost:1/":            "localhost",
		"http://user:pw@mirror.local:9/": "mirror.local",
	}
	for in, want := range cases {
		u, _ := url.Parse(in)
		if got := siteOf(u); got != want {
			t.Errorf("siteOf(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestHostPort(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://Example.org/":      "example.org:80",
		"https://example.org/":     "example.org:443",
		"http://127.0.0.1:8080/x":  "127.0.0.1:8080",
		"https://[::1]/":           "[::1]:443",
		"http://u:p@example.org:1": "example.org:1",
	} {
		u, _ := url.Parse(in)
		if got := hostPort(u); got != want {
			t.Errorf("hostPort(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 5, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"Sat, 28 Nov 2026 05:01:30 GMT", 90 * time.Second, true},
		{"Saturday, 28-Nov-26 05:00:10 GMT", 10 * time.Second, true},
		{"Sat Nov 28 05:00:05 2026", 5 * time.Second, true},
		{"Fri, 27 Nov 2026 05:00:00 GMT", 0, true},                 // in the past: now
		{"99999999999999999999", 100 * 365 * 24 * time.Hour, true}, // too big for int64: still a very long wait
		{"+99999999999999999999999999", 100 * 365 * 24 * time.Hour, true},
		{"-99999999999999999999", 0, false},
		{"12abc", 0, false},
		{"9999999999", 100 * 365 * 24 * time.Hour, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	lo := func(n int64) int64 { return 0 }
	hi := func(n int64) int64 { return n - 1 }
	for n, want := range map[int][2]time.Duration{
		1: {500 * time.Millisecond, time.Second},
		2: {time.Second, 2 * time.Second},
		3: {2 * time.Second, 4 * time.Second},
		9: {15 * time.Second, 30 * time.Second}, // capped
	} {
		if got := backoff(n, time.Second, 30*time.Second, lo); got != want[0] {
			t.Errorf("backoff(%d) low = %v, want %v", n, got, want[0])
		}
		if got := backoff(n, time.Second, 30*time.Second, hi); got != want[1] {
			t.Errorf("backoff(%d) high = %v, want %v", n, got, want[1])
		}
	}
	if got := backoff(3, time.Second, 30*time.Second, defaultRandN); got < 2*time.Second || got > 4*time.Second {
		t.Errorf("jittered backoff(3) = %v", got)
	}
}

func TestRobotsPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/café":                  "/caf%C3%A9",
		"/caf%c3%a9":             "/caf%C3%A9",
		"/caf%C3%A9":             "/caf%C3%A9",
		"/%7Euser/%41b":          "/~user/Ab",
		"/a%2fb":                 "/a%2Fb", // an encoded slash stays encoded: it is not a path separator
		"/a b\"c":                "/a%20b%22c",
		"/100%":                  "/100%25",
		"/%zz":                   "/%25zz",
		"/page?b=1&a=2":          "/page?b=1&a=2",
		"/*.pdf$":                "/*.pdf$",
		"/q?x=%e2%82%ac&y=€":     "/q?x=%E2%82%AC&y=%E2%82%AC",
		"/news/2024-05_a.~b.htm": "/news/2024-05_a.~b.htm",
	} {
		if got := robotsPath(in); got != want {
			t.Errorf("robotsPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeRobotsPaths(t *testing.T) {
	t.Parallel()
	in := "User-agent: *\r\nDisallow: /café # the menu\r\nallow:/%7euser\nCrawl-delay: 1\nDisallow:\n"
	want := "User-agent: *\r\nDisallow: /caf%C3%A9\nallow: /~user\nCrawl-delay: 1\nDisallow: \n"
	if got := string(normalizeRobotsPaths([]byte(in))); got != want {
		t.Errorf("normalizeRobotsPaths =\n%q\nwant\n%q", got, want)
	}
}

func TestProductToken(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		UserAgent("1.2.3"):  "relwatch",
		"Mozilla/5.0 (X11)": "Mozilla",
		"curl":              "curl",
	} {
		if got := productToken(in); got != want {
			t.Errorf("productToken(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClassifyNetworkErrors(t *testing.T) {
	t.Parallel()
	tr := newTransport(context.Background())
	u, _ := url.Parse("http://user:secret@example.org/")
	a := &attempt{policy: DefaultPolicy()}
	dialErr := func(errno syscall.Errno) error {
		return &url.Error{Op: "Get", URL: u.String(), Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}}
	}
	cases := []struct {
		err      error
		at       phase
		kind     string
		retry    bool
		hostDown bool
		msg      string
	}{
		{&net.DNSError{Name: "example.invalid", IsNotFound: true}, phaseDNS, KindDNS, false, true, "host example.invalid not found"},
		{&net.DNSError{Name: "example.org", IsTemporary: true, Err: "server misbehaving"}, phaseDNS, KindDNS, true, true, "DNS lookup of example.org failed: server misbehaving"},
		{&url.Error{Op: "Get", URL: u.String(), Err: &net.DNSError{Name: "x", IsTimeout: true}}, phaseDNS, KindDNS, true, true, "DNS lookup of x timed out"},
		{dialErr(syscall.ECONNREFUSED), phaseDial, KindConnect, true, true, "connection to example.org:80 refused"},
		{dialErr(syscall.ENETUNREACH), phaseDial, KindNetwork, true, true, "network is unreachable"},
		{dialErr(syscall.EHOSTUNREACH), phaseDial, KindNetwork, true, true, "no route to host"},
		{&privateAddrError{netip.MustParseAddr("10.0.0.1")}, phaseDial, KindPrivateAddress, false, false, "non-public address 10.0.0.1"},
		{syscall.ECONNRESET, phaseHeaders, KindNetwork, true, false, "connection reset by peer"},
		{io.ErrUnexpectedEOF, phaseBody, KindNetwork, true, false, "unexpected EOF"},
	}
	for _, tc := range cases {
		fe := tr.classify(context.Background(), tc.err, a, u, tc.at)
		if fe.Kind != tc.kind || fe.retry != tc.retry || fe.hostDown != tc.hostDown {
			t.Errorf("classify(%v) = %s retry=%v hostDown=%v, want %s retry=%v hostDown=%v", tc.err, fe.Kind, fe.retry, fe.hostDown, tc.kind, tc.retry, tc.hostDown)
		}
		if !strings.Contains(fe.Msg, tc.msg) || strings.Contains(fe.Msg, "robots") {
			t.Errorf("classify(%v) message %q, want it to say %q", tc.err, fe.Msg, tc.msg)
		}
		if strings.Contains(fe.Msg, "secret") {
			t.Errorf("message shows the password: %s", fe.Msg)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if fe := newTransport(ctx).classify(ctx, context.Canceled, a, u, phaseHeaders); fe.Kind != KindCanceled {
		t.Errorf("cancelled run classified as %s", fe.Kind)
	}
}
