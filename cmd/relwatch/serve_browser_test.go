package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/relwatch/relwatch/serve"
)

// chromiumPath is Debian's Chromium (.ci/chromium.sh installs it), or
// whatever chromium is on PATH.
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browserWatch records what the browser did: console errors (CSP
// violations and failed loads included) and every URL it asked for.
type browserWatch struct {
	mu       sync.Mutex
	errors   []string
	requests []string
	probed   chan struct{} // closed when the test's own console.error arrives
	once     sync.Once
}

func (b *browserWatch) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if len(ev.Args) == 1 && string(ev.Args[0].Value) == `"relwatch-probe"` {
			b.once.Do(func() { close(b.probed) })
			return
		}
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			b.errors = append(b.errors, fmt.Sprintf("console.%s: %v", ev.Type, ev.Args))
		}
	case *runtime.EventExceptionThrown:
		b.errors = append(b.errors, "exception: "+ev.ExceptionDetails.Text)
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
			b.errors = append(b.errors, fmt.Sprintf("%s %s: %s (%s)", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	}
}

// newBrowser starts headless Chromium with a fresh profile and nothing
// running in the background, or skips the test when there is none.
func newBrowser(t *testing.T) (context.Context, *browserWatch) {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("no Chromium (/usr/bin/chromium or chromium on PATH): the browser tests need it; install it with .ci/chromium.sh (Debian's chromium package)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	watch := &browserWatch{probed: make(chan struct{})}
	if err := chromedp.Listen(ctx, watch.listen); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx, watch
}

// browse runs actions with a deadline that is no test of speed, only a
// guard against a hung browser.
func browse(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func evalStrings(t *testing.T, ctx context.Context, js string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return out
}

func texts(t *testing.T, ctx context.Context, selector string) []string {
	t.Helper()
	return evalStrings(t, ctx, fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(e => e.textContent.trim())`, selector))
}

func textOf(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("text of %s: %v", selector, err)
	}
	return strings.TrimSpace(s)
}

// shoot saves a full-page screenshot to $RELWATCH_SCREENSHOTS/name.png
// when that variable names a folder (the pictures in docs/ are made so).
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("RELWATCH_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestServeInBrowser walks the main journey in headless Chromium: the
// pages, a page's timeline, a diff inline then side by side, a search for
// a French phrase typed without accents, and a result. It checks what each
// page shows, that the console stays free of errors (a CSP violation would
// be one), and that the browser asks nothing of any other server.
func TestServeInBrowser(t *testing.T) {
	f := newServeFixture(t, serve.Options{})
	ctx, watch := newBrowser(t)
	base := f.srv.URL

	browse(t, ctx, "open /", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	// The watch sees console errors: a probe first.
	browse(t, ctx, "probe the console", chromedp.Evaluate[chromedp.Void](`console.error("relwatch-probe")`))
	select {
	case <-watch.probed:
	case <-time.After(60 * time.Second):
		t.Fatal("the watch did not see console.error: it would miss errors too")
	}
	if h := textOf(t, ctx, "h1"); h != "Pages" {
		t.Errorf("/: h1 %q", h)
	}
	// Keyboard first: the first Tab reaches the skip link.
	browse(t, ctx, "tab", chromedp.KeyEvent(kb.Tab))
	if focused := evalStrings(t, ctx, `[document.activeElement.className]`); !slices.Equal(focused, []string{"skip"}) {
		t.Errorf("the first Tab focuses %v, want the skip link", focused)
	}
	shoot(t, ctx, "serve-pages")

	browse(t, ctx, "follow kazakhstan/fr", chromedp.Click(chromedp.CSS(`a[href="/p/kazakhstan/fr"]`)), chromedp.WaitVisible(chromedp.CSS(`h1[lang="fr"]`)))
	if h := textOf(t, ctx, "h1"); h != "Relations avec le Kazakhstan" {
		t.Errorf("the timeline's h1 is %q", h)
	}
	if rows := texts(t, ctx, "tbody tr"); len(rows) != 3 || !strings.Contains(rows[0], "the page came back to version 1") {
		t.Errorf("the timeline rows: %q", rows)
	}
	shoot(t, ctx, "serve-timeline")

	browse(t, ctx, "open the diff into v2", chromedp.Click(chromedp.CSS(`#v2 a[href*="/diff?"]`)), chromedp.WaitVisible(chromedp.CSS(".summary")))
	ins, del := texts(t, ctx, "main ins"), texts(t, ctx, "main del")
	if !slices.Contains(ins, "multinationaux") || !slices.Contains(ins, "14 Nov. 2026 10:05") || !slices.Contains(del, "23 May. 2022 15:38") {
		t.Errorf("the diff shows inserted %q and deleted %q", ins, del)
	}
	headings := texts(t, ctx, "main h2")
	if !slices.Equal(headings, []string{"Page header", "Principaux domaines de coopération › Renforcement des capacités et de l’interopérabilité"}) {
		t.Errorf("the diff's headings: %q", headings)
	}
	shoot(t, ctx, "serve-diff")

	browse(t, ctx, "toggle side by side", chromedp.Click(chromedp.CSS(`nav.toggle a:last-child`)), chromedp.WaitVisible(chromedp.CSS("table.sides")))
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "&view=side") {
		t.Errorf("side by side is at %s", loc)
	}
	left, right := texts(t, ctx, "table.sides td:first-child del"), texts(t, ctx, "table.sides td:last-child ins")
	if !slices.Contains(right, "multinationaux") || !slices.Contains(left, "23 May. 2022 15:38") || slices.Contains(left, "multinationaux") {
		t.Errorf("side by side: left deletions %q, right insertions %q", left, right)
	}
	shoot(t, ctx, "serve-diff-side-by-side")

	browse(t, ctx, "search", chromedp.SendKeys(chromedp.CSS("#site-q"), "role actif"), chromedp.Submit(chromedp.CSS("#site-q")),
		chromedp.WaitVisible(chromedp.CSS("ol.hits")))
	if status := textOf(t, ctx, `p[role="status"]`); !strings.HasPrefix(status, "4 matches for “role actif”") {
		t.Errorf("search status %q", status)
	}
	hits := texts(t, ctx, "ol.hits blockquote")
	if len(hits) == 0 || !strings.Contains(hits[0], "Le Kazakhstan joue un rôle actif") {
		t.Errorf("search hits %q", hits)
	}
	shoot(t, ctx, "serve-search")

	browse(t, ctx, "follow the first hit", chromedp.Click(chromedp.CSS("ol.hits li:first-child blockquote a")), chromedp.WaitVisible(chromedp.CSS("article.snapshot")))
	if sub := textOf(t, ctx, "p.sub"); sub != "kazakhstan/fr, version 3, as relwatch archived it" {
		t.Errorf("the hit opened %q", sub)
	}
	if article := textOf(t, ctx, "article.snapshot"); !strings.Contains(article, "Le Kazakhstan joue un rôle actif") {
		t.Errorf("the version page does not show the hit's text:\n%s", article)
	}
	shoot(t, ctx, "serve-version")

	// The same pages on a phone, and in dark mode, for the screenshots and
	// to see that they load as cleanly.
	browse(t, ctx, "phone, dark", chromedp.EmulateViewport(390, 844),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
			})
			return err
		}),
		chromedp.Navigate(base+"/p/kazakhstan/fr/diff?from=1&to=2&view=side"), chromedp.WaitVisible(chromedp.CSS("table.sides")))
	shoot(t, ctx, "serve-diff-phone-dark")
	browse(t, ctx, "phone timeline", chromedp.Navigate(base+"/p/kazakhstan/fr"), chromedp.WaitVisible(chromedp.CSS("tbody")))
	shoot(t, ctx, "serve-timeline-phone-dark")

	watch.mu.Lock()
	defer watch.mu.Unlock()
	if len(watch.errors) > 0 {
		t.Errorf("the browser's console has errors:\n%s", strings.Join(watch.errors, "\n"))
	}
	if len(watch.requests) < 8 {
		t.Errorf("the browser made %d requests: the watch saw nothing?", len(watch.requests))
	}
	for _, u := range watch.requests {
		if !strings.HasPrefix(u, base+"/") {
			t.Errorf("the browser asked %s, not the relwatch server", u)
		}
	}
}
