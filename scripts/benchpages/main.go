// Command benchpages writes the pages scripts/bench.sh serves with nginx:
// N copies of a relations page, each with its own partner name, padded
// with an inline script to the size of the real pages (about 94 KB), and a
// robots.txt that allows everything.
//
//	go run ./scripts/benchpages -dir /tmp/pages -n 200                     # edition 0 of every page
//	go run ./scripts/benchpages -dir /tmp/pages -n 200 -every 10 -edition 1 # edit pages 0, 10, 20, …
//
// An edition after 0 rewords one bullet and moves the stamp, the edit a
// real page gets. Files are written to a temporary name and renamed, so
// that nginx never serves half a page.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	dir := flag.String("dir", "", "directory to write pages/<i>.htm and robots.txt into (required)")
	n := flag.Int("n", 200, "pages")
	size := flag.Int("size", 94*1024, "bytes of each page, reached by padding its head with an inline script")
	every := flag.Int("every", 1, "write only the pages whose number is a multiple of this")
	edition := flag.Int("edition", 0, "edition of the pages written: 0 is the page as captured, each later one an edit")
	fixture := flag.String("fixture", "scraper/testdata/pages/layout5-2025-en.html", "the page to write copies of")
	flag.Parse()
	if *dir == "" || *n < 1 || *every < 1 || *edition < 0 {
		flag.Usage()
		os.Exit(2)
	}
	raw, err := os.ReadFile(*fixture)
	if err != nil {
		log.Fatalf("benchpages: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(*dir, "pages"), 0o755); err != nil {
		log.Fatalf("benchpages: %v", err)
	}
	if err := write(filepath.Join(*dir, "robots.txt"), []byte("User-agent: *\nAllow: /\n")); err != nil {
		log.Fatalf("benchpages: %v", err)
	}
	written := 0
	for i := 0; i < *n; i += *every {
		p := render(string(raw), i, *edition, *size)
		if err := write(filepath.Join(*dir, "pages", fmt.Sprintf("%d.htm", i)), []byte(p)); err != nil {
			log.Fatalf("benchpages: %v", err)
		}
		written++
	}
	fmt.Println(written)
}

// render is page i at an edition: the fixture with its own partner name,
// from edition 1 on a reworded bullet and a new stamp, padded to size.
func render(base string, i, edition, size int) string {
	p := strings.ReplaceAll(base, "Kazakhstan", fmt.Sprintf("Partner %d", i))
	if edition > 0 {
		p = strings.Replace(p, "Practical cooperation began in 1995", fmt.Sprintf("Practical cooperation began in 1995 (edition %d)", edition), 1)
		p = strings.Replace(p, "Updated: 09 May 2025", fmt.Sprintf("Updated: %02d June 2025", 1+edition%28), 1)
	}
	return strings.Replace(p, "</head>", padding(size-len(p))+"</head>", 1)
}

// padding is an inline script of about n bytes (nothing when n is too
// small), standing for the analytics and configuration blobs that make up
// much of a real page's head.
func padding(n int) string {
	const open, close = "<script>window.siteConfig=[", "];</script>\n"
	if n <= len(open)+len(close) {
		return ""
	}
	var b strings.Builder
	b.WriteString(open)
	for k := 0; b.Len() < n-len(close)-40; k++ {
		fmt.Fprintf(&b, `{"id":%d,"path":"/cps/en/natohq/topics_%d.htm"},`, k, 100000+k)
	}
	for b.Len() < n-len(close) {
		b.WriteByte(' ')
	}
	b.WriteString(close)
	return b.String()
}

func write(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
