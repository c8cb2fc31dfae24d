package archive

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

func TestLock(t *testing.T) {
	ctx := context.Background()
	a := lockOnly(t)
	b := &Archive{path: a.path, mode: ReadWrite}

	unlock, err := a.Lock(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = b.Lock(ctx, 100*time.Millisecond)
	var le *relwatch.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second Lock: %v, want *relwatch.LockedError", err)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Errorf("second Lock gave up after %v, want it to wait 100ms", waited)
	}
	if le.PID != os.Getpid() || time.Since(le.Since) > time.Minute || !errors.Is(err, relwatch.ErrUnusable) {
		t.Errorf("LockedError = %+v (%v), want our pid %d and a recent time", le, err, os.Getpid())
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock2, err := b.Lock(ctx, 0)
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	unlock2()
}

func TestLockWaitsForRelease(t *testing.T) {
	ctx := context.Background()
	a := lockOnly(t)
	b := &Archive{path: a.path, mode: ReadWrite}
	unlock, err := a.Lock(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(50*time.Millisecond, func() { unlock() })
	unlock2, err := b.Lock(ctx, 5*time.Second)
	if err != nil {
		t.Fatalf("Lock did not get the lock once released: %v", err)
	}
	unlock2()
}
