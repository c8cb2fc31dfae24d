// Command benchserver serves N copies of a relations page on loopback for
// scripts/bench.sh: every page its own partner name, a robots.txt that
// allows everything, and a control endpoint that edits a share of the
// pages (one bullet and the stamp), so that a second run finds changes.
//
//	go run ./scripts/benchserver -n 200 -port 18080 -hosts 1
//	curl -X POST 'http://127.0.0.1:18080/_change?every=10'   # edit pages 0, 10, 20, …
//
// With -validators the pages carry an ETag and a Last-Modified and a
// conditional request for an unchanged page gets 304 Not Modified.
//
// Page i is http://127.0.0.1:<port + i % hosts>/pages/<i>.htm. With hosts
// > 1 the pages are spread over several ports, which relwatch treats as
// several sites (one request in flight per host).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	n := flag.Int("n", 200, "pages")
	port := flag.Int("port", 18080, "first port")
	hosts := flag.Int("hosts", 1, "ports to listen on (page i is on port + i % hosts)")
	validators := flag.Bool("validators", false, "send ETag and Last-Modified and answer conditional requests with 304")
	fixture := flag.String("fixture", "scraper/testdata/pages/layout5-2025-en.html", "the page to serve copies of")
	flag.Parse()

	raw, err := os.ReadFile(*fixture)
	if err != nil {
		log.Fatalf("benchserver: %v", err)
	}
	s := &server{base: string(raw), editions: make([]int, *n), validators: *validators, modified: make([]time.Time, *n)}
	s.pages = make([][]byte, *n)
	for i := range s.pages {
		s.render(i)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nAllow: /\n")
	})
	mux.HandleFunc("GET /pages/{file}", s.page)
	mux.HandleFunc("POST /_change", s.change)

	var wg sync.WaitGroup
	for h := range *hosts {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port+h))
		if err != nil {
			log.Fatalf("benchserver: %v", err)
		}
		wg.Go(func() { log.Fatal(http.Serve(ln, mux)) })
	}
	fmt.Printf("benchserver: %d pages on 127.0.0.1:%d..%d\n", *n, *port, *port+*hosts-1)
	wg.Wait()
}

type server struct {
	base       string
	validators bool
	mu         sync.RWMutex
	editions   []int
	pages      [][]byte
	modified   []time.Time // when each page's edition was made, its Last-Modified
}

// render builds page i at its current edition: the fixture with its own
// partner name, and from edition 1 on a reworded bullet and a new stamp.
func (s *server) render(i int) {
	e := s.editions[i]
	p := strings.ReplaceAll(s.base, "Kazakhstan", fmt.Sprintf("Partner %d", i))
	if e > 0 {
		p = strings.Replace(p, "Practical cooperation began in 1995", fmt.Sprintf("Practical cooperation began in 1995 (edition %d)", e), 1)
		p = strings.Replace(p, "Updated: 09 May 2025", fmt.Sprintf("Updated: %02d June 2025", 1+e%28), 1)
	}
	s.pages[i] = []byte(p)
	s.modified[i] = time.Now().UTC().Truncate(time.Second)
}

func (s *server) page(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("file"), ".htm"))
	if err != nil || i < 0 || i >= len(s.pages) {
		http.NotFound(w, r)
		return
	}
	s.mu.RLock()
	body, modified, edition := s.pages[i], s.modified[i], s.editions[i]
	s.mu.RUnlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if !s.validators {
		w.Write(body)
		return
	}
	// ServeContent answers If-None-Match and If-Modified-Since with 304.
	w.Header().Set("ETag", fmt.Sprintf(`"p%d-e%d"`, i, edition))
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}

// change edits every page whose number is a multiple of ?every= (10: a
// tenth of them) and says how many.
func (s *server) change(w http.ResponseWriter, r *http.Request) {
	every, err := strconv.Atoi(r.URL.Query().Get("every"))
	if err != nil || every < 1 {
		http.Error(w, "every must be a positive number", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := 0
	for i := 0; i < len(s.pages); i += every {
		s.editions[i]++
		s.render(i)
		changed++
	}
	fmt.Fprintln(w, changed)
}
