package output

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// What is written arrives whole and in order, whatever the sizes of the
// writes against the buffer's.
func TestBackgroundWriterKeepsOrder(t *testing.T) {
	for _, size := range []int{1, 7, 64, 4096} {
		var got, want bytes.Buffer
		w := NewBackgroundWriter(&got, size)
		for i := range 3000 {
			s := fmt.Sprintf("line %d %s\n", i, bytes.Repeat([]byte{'x'}, i%300))
			want.WriteString(s)
			if _, err := w.Write([]byte(s)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("size %d: got %d bytes, want %d, or in another order", size, got.Len(), want.Len())
		}
	}
}

type failingWriter struct{ after int }

var errFull = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errFull
	}
	f.after--
	return len(p), nil
}

// A failed write reaches the writer's user: at a later Write, and at
// Close in any case.
func TestBackgroundWriterReportsFailure(t *testing.T) {
	w := NewBackgroundWriter(&failingWriter{after: 2}, 16)
	var writeErr error
	for range 1000 {
		if _, err := w.Write([]byte("0123456789")); err != nil {
			writeErr = err
			break
		}
	}
	if !errors.Is(writeErr, errFull) {
		t.Errorf("Write: %v, want %v", writeErr, errFull)
	}
	if err := w.Close(); !errors.Is(err, errFull) {
		t.Errorf("Close: %v, want %v", err, errFull)
	}
	empty := NewBackgroundWriter(&failingWriter{}, 16)
	if err := empty.Close(); err != nil {
		t.Errorf("Close with nothing written: %v", err)
	}
}
