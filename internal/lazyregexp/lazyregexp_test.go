package lazyregexp

import (
	"sync"
	"testing"
)

func TestNewCompilesOnceOnFirstUse(t *testing.T) {
	re := New(`^a+$`)
	var wg sync.WaitGroup
	got := make(chan any, 8)
	for range 8 {
		wg.Go(func() { got <- re() })
	}
	wg.Wait()
	close(got)
	first := re()
	for r := range got {
		if r != first {
			t.Fatal("callers got different compiled expressions")
		}
	}
	if !first.MatchString("aaa") || first.MatchString("ab") {
		t.Error("the expression does not match as written")
	}
	defer func() {
		if recover() == nil {
			t.Error("an invalid expression did not panic at its first use")
		}
	}()
	bad := New(`(`) // no panic yet: nothing compiled
	bad()
}
