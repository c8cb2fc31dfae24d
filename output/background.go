package output

import (
	"io"
	"sync/atomic"
)

// BackgroundWriter buffers what it is given and writes it to w on a
// goroutine of its own, a buffer at a time, so that a command printing
// megabytes (`log` of thousands of versions, `--json` above all) formats
// the next part on one core while the last part is checked for terminal
// safety and written on another. Close writes what is left and must be
// called; a failed write is returned by the Write or Close after it.
type BackgroundWriter struct {
	w      io.Writer
	buf    []byte      // being filled
	full   chan []byte // to the writing goroutine
	free   chan []byte // back from it, written (room for both buffers: never blocks)
	done   chan struct{}
	failed atomic.Pointer[error]
}

// NewBackgroundWriter writes to w in buffers of size bytes.
func NewBackgroundWriter(w io.Writer, size int) *BackgroundWriter {
	b := &BackgroundWriter{w: w, buf: make([]byte, 0, size),
		full: make(chan []byte, 1), free: make(chan []byte, 2), done: make(chan struct{})}
	b.free <- make([]byte, 0, size)
	go b.run()
	return b
}

func (b *BackgroundWriter) run() {
	defer close(b.done)
	for p := range b.full {
		if b.failed.Load() == nil {
			if _, err := b.w.Write(p); err != nil {
				b.failed.Store(&err)
			}
		}
		b.free <- p[:0]
	}
}

// Write copies p into the buffer, handing each full one to the writing
// goroutine.
func (b *BackgroundWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(b.buf) == cap(b.buf) {
			b.full <- b.buf
			b.buf = <-b.free
		}
		c := copy(b.buf[len(b.buf):cap(b.buf)], p)
		b.buf, p = b.buf[:len(b.buf)+c], p[c:]
	}
	if err := b.failed.Load(); err != nil {
		return n, *err
	}
	return n, nil
}

// Close writes what is buffered, waits for the writing goroutine to end
// and returns the first write's error.
func (b *BackgroundWriter) Close() error {
	if len(b.buf) > 0 {
		b.full <- b.buf
	}
	close(b.full)
	<-b.done
	if err := b.failed.Load(); err != nil {
		return *err
	}
	return nil
}
