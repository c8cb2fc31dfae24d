// Command lagproxy forwards TCP connections to a target address and holds
// every chunk of data for a fixed time in each direction, so that a
// loopback database looks like one across a network, for the figures in
// docs/performance.md (archive copy into PostgreSQL). It listens on
// loopback only.
//
//	lagproxy -listen 127.0.0.1:29999 -target 127.0.0.1:5432 -delay 500us
//
// The round trip then takes twice the delay, plus the timer's slack.
package main

import (
	"flag"
	"log"
	"net"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on")
	target := flag.String("target", "", "address to forward to")
	delay := flag.Duration("delay", 500*time.Microsecond, "delay in each direction")
	flag.Parse()
	if host, _, err := net.SplitHostPort(*listen); err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("lagproxy: -listen %q is not a loopback address", *listen)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("lagproxy: %s → %s, %s each way", l.Addr(), *target, *delay)
	for {
		client, err := l.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			server, err := net.Dial("tcp", *target)
			if err != nil {
				log.Print(err)
				client.Close()
				return
			}
			go forward(server, client, *delay)
			forward(client, server, *delay)
		}()
	}
}

// chunk is data read from one side, due to be written to the other at due.
type chunk struct {
	data []byte
	due  time.Time
}

// forward copies src to dst, each chunk delay after it was read, and
// closes dst when src ends.
func forward(dst, src net.Conn, delay time.Duration) {
	queue := make(chan chunk, 1024)
	go func() {
		defer dst.Close()
		for c := range queue {
			time.Sleep(time.Until(c.due))
			if _, err := dst.Write(c.data); err != nil {
				return
			}
		}
	}()
	defer close(queue)
	for {
		buf := make([]byte, 64<<10)
		n, err := src.Read(buf)
		if n > 0 {
			queue <- chunk{buf[:n], time.Now().Add(delay)}
		}
		if err != nil {
			return
		}
	}
}
