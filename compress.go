package relwatch

import (
	"bytes"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// How the stores compress what they keep (raw bodies, deltas, snapshot
// JSON): the gzip format, so that every archive ever written reads back
// with any gzip reader, made by github.com/klauspost/compress's encoder,
// which writes the same format as the standard library's about twice as
// fast at the same level (0.25 ms against 0.63 ms for a 94 KB page at
// level 1, and 13 % smaller than that at its default level).
const (
	// GzipFast is for large bodies stored whole: most of the work of a
	// first run, where speed matters more than the last tenth of size.
	GzipFast = gzip.BestSpeed
	// GzipSmall is for small texts (deltas, snapshot JSON), cheap at any
	// level.
	GzipSmall = gzip.DefaultCompression
)

// Gzip compresses raw at level (GzipFast or GzipSmall). Compressors are
// kept for reuse per level (gzipWriters): a new one allocates and zeroes
// 0.5–0.75 MB, more than the work of compressing a page.
func Gzip(raw []byte, level int) []byte {
	cache := &gzipSmall
	if level == GzipFast {
		cache = &gzipFast
	}
	var buf bytes.Buffer
	buf.Grow(len(raw)/4 + 64)
	zw := cache.get()
	zw.Reset(&buf)
	zw.Write(raw) // writes to a bytes.Buffer do not fail
	zw.Close()
	cache.put(zw)
	return buf.Bytes()
}

// gzipWriters keeps a few compressors of one level for reuse. Not a
// sync.Pool: the garbage collector empties a pool, and a first run of 200
// pages collects about ten times; with a pool it made 4 MB of new
// compressors, 1.7 MB with this list. As many are kept as can be busy at
// once (a run's workers and its writer); more are made and dropped when
// more are needed.
type gzipWriters struct {
	level int
	once  sync.Once
	free  chan *gzip.Writer
}

func (c *gzipWriters) get() *gzip.Writer {
	c.once.Do(func() { c.free = make(chan *gzip.Writer, runtime.GOMAXPROCS(0)+1) })
	select {
	case zw := <-c.free:
		return zw
	default:
		zw, _ := gzip.NewWriterLevel(nil, c.level)
		return zw
	}
}

func (c *gzipWriters) put(zw *gzip.Writer) {
	zw.Reset(nil) // keeps no reference to the output
	select {
	case c.free <- zw:
	default:
	}
}

var (
	gzipFast  = gzipWriters{level: GzipFast}
	gzipSmall = gzipWriters{level: GzipSmall}
)

// Gunzip decompresses what Gzip (or any gzip writer: archives written
// before this encoder) made, at most limit bytes of it when limit is not
// negative. klauspost/compress's decoder, pooled, is about a third faster
// than the standard library's on a page.
func Gunzip(gz []byte, limit int64) ([]byte, error) {
	zr, _ := gunzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(gz))
	} else {
		err = zr.Reset(bytes.NewReader(gz))
	}
	if err != nil {
		return nil, err
	}
	defer gunzipReaders.Put(zr)
	var r io.Reader = zr
	size := int64(8*len(gz) + 64) // gzip makes HTML about 7 times smaller
	if limit >= 0 {
		r, size = io.LimitReader(zr, limit), min(size, limit)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var gunzipReaders sync.Pool
