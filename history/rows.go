package history

import "io"

// rowsInParallel is how many rows a listing has before its second half is
// formatted on another goroutine: below it, the goroutine and its
// buffers cost more than they save.
const rowsInParallel = 1000

// writeRows writes head, then rows 0 to n-1, then tail, to out in that
// order, many rows a Write. newRow gives the function that appends a row;
// each goroutine calls it once and uses its own (what it remembers, such
// as a summaryMemo, is not shared). A long listing's second half is
// formatted on another goroutine, in blocks of its own, while the first
// half is formatted and written on this one: thousands of rows take
// milliseconds to format, and a machine has two cores or more.
func writeRows(out io.Writer, head []byte, n int, newRow func() func(b []byte, i int) []byte, tail []byte) error {
	const block = 64 << 10
	mid := n
	var second chan [][]byte
	if n >= rowsInParallel {
		mid = n / 2
		second = make(chan [][]byte, 1)
		go func() {
			appendRow := newRow()
			var blocks [][]byte
			b := make([]byte, 0, block)
			for i := mid; i < n; i++ {
				if b = appendRow(b, i); len(b) > block-4<<10 {
					blocks, b = append(blocks, b), make([]byte, 0, block)
				}
			}
			second <- append(blocks, b)
		}()
	}
	appendRow := newRow()
	b := append(make([]byte, 0, block), head...)
	var err error
	write := func() {
		if err == nil {
			_, err = out.Write(b)
		}
		b = b[:0]
	}
	for i := range mid {
		if b = appendRow(b, i); len(b) > block-4<<10 {
			write()
		}
	}
	if second != nil {
		write()
		for _, blk := range <-second {
			b = blk
			write()
		}
	}
	b = append(b, tail...)
	write()
	return err
}
