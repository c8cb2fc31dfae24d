package history

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
)

// writeRows writes the same bytes as one goroutine would, in order,
// whether or not the listing is long enough for a second goroutine.
func TestWriteRowsInOrder(t *testing.T) {
	row := func(b []byte, i int) []byte {
		b = strconv.AppendInt(b, int64(i), 10)
		return append(b, bytes.Repeat([]byte{'.'}, i%97)...)
	}
	for _, n := range []int{0, 1, rowsInParallel - 1, rowsInParallel, rowsInParallel + 1, 20000} {
		want := []byte("head|")
		for i := range n {
			want = row(want, i)
		}
		want = append(want, "|tail"...)
		var got bytes.Buffer
		if err := writeRows(&got, []byte("head|"), n, func() func([]byte, int) []byte { return row }, []byte("|tail")); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%d rows: %d bytes written, want %d (or another order)", n, got.Len(), len(want))
		}
	}
}

type failAfter struct{ writes int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.writes == 0 {
		return 0, errors.New("broken pipe")
	}
	f.writes--
	return len(p), nil
}

// A failed write is returned, whichever half it falls in.
func TestWriteRowsFails(t *testing.T) {
	row := func(b []byte, i int) []byte { return append(b, bytes.Repeat([]byte{'x'}, 100)...) }
	for _, writes := range []int{0, 1, 5, 30} {
		if err := writeRows(&failAfter{writes: writes}, nil, 20000, func() func([]byte, int) []byte { return row }, nil); err == nil {
			t.Errorf("failing after %d writes: no error", writes)
		}
	}
}
