// Command serveload measures relwatch serve over loopback, for the figures
// in docs/performance.md: first each kind of page alone (one client, so a
// request's time is the server's time plus a loopback round trip), then
// many clients at once for a while. It only ever talks to the address it
// is given, and refuses any that is not loopback.
//
//	serveload -base http://127.0.0.1:8080 -pages 200 -versions 5000
//
// Pages are those of `relwatch dev gen-archive` (topic-000/en, …).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the server, on loopback")
	pages := flag.Int("pages", 200, "pages in the archive: topic-000/en …")
	versions := flag.Int("versions", 5000, "versions of each page")
	each := flag.Int("n", 200, "requests of each kind, one at a time")
	clients := flag.Int("clients", 50, "clients at once in the load phase")
	duration := flag.Duration("duration", 30*time.Second, "length of the load phase (0: skip it)")
	site := flag.String("site", "", "instead, serve pages that change on every request at this loopback address, for a scrape to record while the load runs")
	flag.Parse()
	if *site != "" {
		fmt.Fprintln(os.Stderr, "serveload:", serveSite(*site))
		os.Exit(1)
	}
	if err := checkLoopback(*base); err != nil {
		fmt.Fprintln(os.Stderr, "serveload:", err)
		os.Exit(2)
	}
	g := &gen{base: *base, pages: *pages, versions: *versions}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}

	if *each > 0 {
		fmt.Printf("one client, %d requests of each kind:\n", *each)
	}
	for _, kind := range kinds {
		if *each == 0 {
			break
		}
		var lat []time.Duration
		errs := 0
		rng := rand.New(rand.NewPCG(1, uint64(len(kind))))
		for range *each {
			d, err := get(client, g.url(kind, rng))
			if err != nil {
				errs++
				fmt.Fprintln(os.Stderr, kind, err)
				continue
			}
			lat = append(lat, d)
		}
		report(kind, lat, errs, 0)
	}
	if *duration == 0 {
		return
	}
	fmt.Printf("\n%d clients for %s, the kinds mixed:\n", *clients, *duration)
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	byKind := map[string][]time.Duration{}
	errs := 0
	var wg sync.WaitGroup
	for c := range *clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for ctx.Err() == nil {
				kind := kinds[rng.IntN(len(kinds))]
				d, err := get(client, g.url(kind, rng))
				mu.Lock()
				if err != nil {
					errs++
					fmt.Fprintln(os.Stderr, kind, err)
				} else {
					all = append(all, d)
					byKind[kind] = append(byKind[kind], d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, kind := range kinds {
		report(kind, byKind[kind], 0, 0)
	}
	report("all", all, errs, *duration)
}

// kinds are the pages measured.
var kinds = []string{"timeline", "version", "diff", "search", "api-version"}

type gen struct {
	base            string
	pages, versions int
}

func (g *gen) url(kind string, rng *rand.Rand) string {
	page := fmt.Sprintf("/p/topic-%03d/en", rng.IntN(g.pages))
	n := 2 + rng.IntN(g.versions-1)
	switch kind {
	case "timeline":
		return g.base + page
	case "version":
		return fmt.Sprintf("%s%s/v/%d", g.base, page, n)
	case "diff":
		return fmt.Sprintf("%s%s/diff?from=%d&to=%d", g.base, page, n-1, n)
	case "search":
		q := "Baikonur tramway timetable"
		if rng.IntN(2) == 0 {
			return g.base + "/search?q=" + url.QueryEscape(q)
		}
		return g.base + "/search?q=" + url.QueryEscape("tramway") + "&page=" + url.QueryEscape(page[3:])
	case "api-version":
		return fmt.Sprintf("%s/api/pages/%s/versions/%d", g.base, page[3:], n)
	}
	panic(kind)
}

// get fetches u whole and times it; any answer but 200 is an error.
func get(c *http.Client, u string) (time.Duration, error) {
	start := time.Now()
	resp, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return d, nil
}

func report(kind string, lat []time.Duration, errs int, over time.Duration) {
	if len(lat) == 0 {
		fmt.Printf("  %-12s no answer, %d errors\n", kind, errs)
		return
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	line := fmt.Sprintf("  %-12s n=%-6d p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  max %7.1f ms", kind, len(lat),
		ms(q(0.50)), ms(q(0.95)), ms(q(0.99)), ms(lat[len(lat)-1]))
	if over > 0 {
		line += fmt.Sprintf("  %.0f req/s  errors %d", float64(len(lat))/over.Seconds(), errs)
	} else if errs > 0 {
		line += fmt.Sprintf("  errors %d", errs)
	}
	fmt.Println(line)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// serveSite serves, and prints the address of, /page/N.htm: a small relations page whose last bullet
// changes on every request, so that every scrape of it records a version.
func serveSite(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-site %s: only a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("http://%s/\n", ln.Addr()) // the address, for the script
	var mu sync.Mutex
	served := 0
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		served++
		n := served
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, sitePage, r.URL.Path, r.URL.Path, time.Now().UTC().Format("02 Jan. 2006 15:04"), n)
	}))
}

const sitePage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Relations with %s - NATO</title></head>
<body><section class="content cf">
<h1 class="fs-huge">Relations with %s</h1>
<ul class="meta"><li>Last updated: %s</li></ul>
<p>NATO and its partner cooperate on democratic, institutional and defence reforms, and have developed practical cooperation in many other areas.</p>
<h2>Key areas of cooperation</h2>
<ul>
  <li>The partner takes an active part in training activities and exercises.</li>
  <li>This page has been served %d times.</li>
</ul>
</section></body></html>
`

// checkLoopback refuses a server that is not on this machine's loopback:
// a load test is not for other people's servers.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-base %s: only a loopback address (127.0.0.1, ::1, localhost)", base)
	}
	return nil
}
