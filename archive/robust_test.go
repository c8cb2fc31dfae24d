package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

// readChild is the "read" child role: it lists a page's versions from a
// ReadOnly open and prints how many there are.
func readChild(ctx context.Context, path string) error {
	a, err := Open(ctx, path, ReadOnly)
	if err != nil {
		return err
	}
	vs, err := a.Versions(ctx, kzEN)
	if err != nil {
		a.Close()
		return err
	}
	fmt.Println("versions", len(vs))
	return a.Close()
}

// TestConcurrentCreateFromProcesses: processes that make the same new
// archive at the same moment all open it, and exactly one says it created
// it. Separate processes, not goroutines: the refusal being tested (two
// connections each holding a read lock while switching the new file to
// WAL) only happens between processes.
func TestConcurrentCreateFromProcesses(t *testing.T) {
	const rounds, procs = 15, 4
	for round := range rounds {
		path := filepath.Join(t.TempDir(), "archive.db")
		var wg sync.WaitGroup
		outs := make([]bytes.Buffer, procs)
		errs := make([]error, procs)
		cmds := make([]*exec.Cmd, procs)
		for i := range procs {
			cmds[i] = child(t, "create", path)
			cmds[i].Stdout = &outs[i]
			cmds[i].Stderr = &outs[i]
		}
		for i := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = cmds[i].Run()
			}()
		}
		wg.Wait()
		created := 0
		for i := range procs {
			if errs[i] != nil {
				t.Fatalf("round %d: process %d: %v\n%s", round, i, errs[i], outs[i].String())
			}
			if strings.Contains(outs[i].String(), "created true") {
				created++
			}
		}
		if created != 1 {
			t.Fatalf("round %d: %d processes say they created the archive, want 1", round, created)
		}
	}
}

// lockOnly is an Archive with nothing open but its path: Lock needs no
// database, and opening one costs these tests most of their time.
func lockOnly(t *testing.T) *Archive {
	return &Archive{path: filepath.Join(t.TempDir(), "archive.db"), mode: ReadWrite}
}

// holdRawLock takes the archive's flock as a holder that has not written
// its record yet would have it, and returns the holder's descriptor.
func holdRawLock(t *testing.T, a *Archive) *os.File {
	t.Helper()
	f, err := openLockFile(a.Path() + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := f.Truncate(0); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	return f
}

// later runs fn in 50 ms, well within holderGrace, and closes the returned
// channel when fn has run.
func later(fn func()) <-chan struct{} {
	done := make(chan struct{})
	time.AfterFunc(50*time.Millisecond, func() {
		fn()
		close(done)
	})
	return done
}

// TestLockLoserWaitsForTheRecord: a run that loses the lock to one that has
// just taken it, before its record is written, names the holder once it
// is written instead of saying "locked by another process". Writing the
// record by truncating the file first made that moment common.
func TestLockLoserWaitsForTheRecord(t *testing.T) {
	ctx := context.Background()
	a := lockOnly(t)
	b := &Archive{path: a.path, mode: ReadWrite}
	holder := holdRawLock(t, a)
	wrote := later(func() { writeHolder(holder) })
	_, err := b.Lock(ctx, 0)
	<-wrote
	var le *relwatch.LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Since.IsZero() {
		t.Errorf("Lock while the holder writes its record: %v, want a LockedError naming pid %d", err, os.Getpid())
	}
}

// TestLockLoserTakesAReleasedLock: a holder that empties its record and
// then lets go does not make a loser report an unnamed holder; the loser
// gets the lock.
func TestLockLoserTakesAReleasedLock(t *testing.T) {
	ctx := context.Background()
	a := lockOnly(t)
	b := &Archive{path: a.path, mode: ReadWrite}
	holder := holdRawLock(t, a)
	fd := int(holder.Fd())
	released := later(func() { syscall.Flock(fd, syscall.LOCK_UN) })
	unlock, err := b.Lock(ctx, 0)
	<-released
	if err != nil {
		t.Fatalf("Lock as the holder lets go: %v, want the lock", err)
	}
	unlock()
}

// TestLockIgnoresADeadHoldersRecord: a record left by a holder that was
// killed names a process that is gone; the loser waits for the live
// holder's record rather than naming the dead one.
func TestLockIgnoresADeadHoldersRecord(t *testing.T) {
	ctx := context.Background()
	a := lockOnly(t)
	b := &Archive{path: a.path, mode: ReadWrite}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	holder := holdRawLock(t, a)
	stale := fmt.Sprintf("pid=%d since=2020-01-01T00:00:00Z", dead.Process.Pid)
	if _, err := holder.WriteAt([]byte(stale), 0); err != nil {
		t.Fatal(err)
	}
	wrote := later(func() { writeHolder(holder) })
	_, err := b.Lock(ctx, 0)
	<-wrote
	var le *relwatch.LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() {
		t.Errorf("Lock with a dead holder's record: %v, want pid %d", err, os.Getpid())
	}
}

// TestLockFileRecordIsWholeAfterLongerOne: a record is written over an
// older, longer one (a hand edit, an older relwatch) without leaving its
// tail, and the file is emptied when the lock is released.
func TestLockFileRecordIsWholeAfterLongerOne(t *testing.T) {
	ctx := context.Background()
	a := lockOnly(t)
	lock := a.Path() + ".lock"
	if err := os.WriteFile(lock, []byte(strings.Repeat("x", 300)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := a.Lock(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(lock)
	if !strings.HasPrefix(string(got), fmt.Sprintf("pid=%d since=", os.Getpid())) || len(got) != recordSize || strings.Contains(string(got), "x") {
		t.Errorf("lock file holds %q", got)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(lock); len(got) != 0 {
		t.Errorf("released lock file still holds %q", got)
	}
}

// TestLockRefusesASymlink: a symbolic link at the lock path is not
// relwatch's; the lock neither follows it nor writes the file it points to.
func TestLockRefusesASymlink(t *testing.T) {
	a := lockOnly(t)
	target := filepath.Join(t.TempDir(), "precious.txt")
	if err := os.WriteFile(target, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, a.Path()+".lock"); err != nil {
		t.Fatal(err)
	}
	_, err := a.Lock(context.Background(), 0)
	if !errors.Is(err, ErrUnwritable) || !errors.Is(err, relwatch.ErrUnusable) || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Lock through a symlink: %v, want ErrUnwritable naming the link", err)
	}
	if got, _ := os.ReadFile(target); string(got) != "keep me\n" {
		t.Errorf("the link's target now holds %q", got)
	}
}

// TestLockPathIsADirectory: an archive problem (exit 4 in the CLI), not a
// failure of the targets.
func TestLockPathIsADirectory(t *testing.T) {
	a := lockOnly(t)
	if err := os.Mkdir(a.Path()+".lock", 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := a.Lock(context.Background(), 0)
	if !errors.Is(err, ErrUnwritable) || !errors.Is(err, relwatch.ErrUnusable) || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Lock with a directory at the lock path: %v, want ErrUnwritable saying so", err)
	}
}

// TestCloseDoesNotWaitForAReader: a writer closes while another handle
// holds a read transaction on an older snapshot. Close must return while
// that reader is still inside its transaction (it used to wait out the
// whole busy timeout for it). Once the reader closes, the .db file alone
// holds the newest version: the reader's Close copied the log in.
func TestCloseDoesNotWaitForAReader(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	w := openRW(t, path)
	mustVersion(t, w, capture(kzEN, 0, "a"), snap(kzEN, "", "one"), nil)
	r, err := Open(ctx, path, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}

	inView, release := make(chan struct{}), make(chan struct{})
	readDone := make(chan error, 1)
	go func() {
		readDone <- r.ReadView(ctx, func(v relwatch.Reader) error {
			if _, err := v.Versions(ctx, kzEN); err != nil { // the snapshot starts here
				return err
			}
			close(inView)
			<-release
			return nil
		})
	}()
	<-inView
	mustVersion(t, w, capture(kzEN, 1, "b"), snap(kzEN, "", "two"), &relwatch.ChangeRecord{})

	closed := make(chan error, 1)
	go func() { closed <- w.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(busyTimeout - time.Second): // a close that waits on the reader takes the whole busy timeout
		t.Error("Close waits for a reader in another connection")
		<-closed
	}
	close(release)
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	// The .db alone, as the scheduled workflow commits it.
	alone := filepath.Join(t.TempDir(), "alone.db")
	copyFile(t, path, alone)
	c, err := Open(ctx, alone, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if vs, err := c.Versions(ctx, kzEN); err != nil || len(vs) != 2 {
		t.Errorf("the .db file alone has %d versions (%v), want 2", len(vs), err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCloseReportsAFailedWriteBack: when the final copy of the log into the
// .db fails (here: the file may not grow, as on a full disk), Close says so
// as an archive problem, and nothing committed is lost: the log still has
// it and the next open reads it.
func TestCloseReportsAFailedWriteBack(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzEN, 0, "a"), snap(kzEN, "", "one"), nil)
	for i := 1; i <= 20; i++ { // enough that the .db must grow
		body := strings.Repeat(fmt.Sprintf("<p>edit %d</p>", i), 2000)
		mustVersion(t, a, capture(kzEN, i, body), snap(kzEN, "", fmt.Sprint("edit ", i), body), &relwatch.ChangeRecord{})
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	// No file of this process may grow past the .db's size now; Go ignores
	// SIGXFSZ, so the write fails with EFBIG.
	limit := syscall.Rlimit{Cur: uint64(fi.Size()), Max: old.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		t.Skipf("cannot limit the file size: %v", err)
	}
	err = a.Close()
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(err, ErrUnwritable) || !strings.Contains(err.Error(), "-wal") {
		t.Fatalf("Close with a write-back that cannot complete: %v, want ErrUnwritable naming the -wal", err)
	}
	b, err := Open(ctx, path, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if vs, err := b.Versions(ctx, kzEN); err != nil || len(vs) != 21 {
		t.Errorf("after the failed write-back: %d versions (%v), want 21", len(vs), err)
	}
	mustCheckClean(t, b)
}

// TestDiskFullIsAnArchiveProblem: a write that finds the disk full is an
// ErrUnwritable (exit 4 in the CLI, never the exit of a failed target).
// SQLite's max_page_count makes the archive full without filling a disk.
func TestDiskFullIsAnArchiveProblem(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "a"), snap(kzEN, "", "one"), nil)
	a.db.SetMaxOpenConns(1)
	var pages int
	if err := a.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("<p>a page much larger than the space left</p>", 5000)
	_, err := a.RecordVersion(ctx, capture(kzEN, 1, body), snap(kzEN, "", body), 1, &relwatch.ChangeRecord{})
	if !errors.Is(err, ErrUnwritable) || !errors.Is(err, relwatch.ErrUnusable) || !strings.Contains(err.Error(), "disk is full") {
		t.Errorf("write to a full archive: %v, want ErrUnwritable saying the disk is full", err)
	}
	if _, err := a.db.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if vs, err := a.Versions(ctx, kzEN); err != nil || len(vs) != 1 {
		t.Errorf("after the failed write: %d versions (%v), want the 1 from before", len(vs), err)
	}
}

// TestReadOnlyArchiveRefusesWrites: a ReadWrite open of an archive the
// process may not write is an ErrUnwritable, not some other failure.
func TestReadOnlyArchiveRefusesWrites(t *testing.T) {
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzEN, 0, "a"), snap(kzEN, "", "one"), nil)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	err := asOtherUser(t, filepath.Dir(path), "write-once", path)
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("writing an archive in a folder we may not write: %v, want an error saying it is read-only", err)
	}
}

// TestReadOnlyFolder: read-only commands read an archive in a folder where
// SQLite cannot create its -wal and -shm files (read-only media, another
// user's folder), and leave nothing behind.
func TestReadOnlyFolder(t *testing.T) {
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzEN, 0, "a"), snap(kzEN, "", "one"), nil)
	mustVersion(t, a, capture(kzEN, 1, "b"), snap(kzEN, "", "two"), &relwatch.ChangeRecord{})
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := asOtherUser(t, filepath.Dir(path), "read", path); err != nil {
		t.Fatalf("reading an archive in a read-only folder: %v", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("the read left %s behind", path+suffix)
		}
	}
}

// asOtherUser runs a child role in a process that may read but not write
// dir: as root (who may write anything) the child runs as nobody and dir
// stays root's; otherwise dir is made read-only for the run. The error
// carries the child's output. A "read" child must print "versions 2".
func asOtherUser(t *testing.T, dir, role, path string) error {
	t.Helper()
	cmd := child(t, role, path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if os.Geteuid() == 0 {
		// nobody must reach the test binary and the archive.
		binDir := t.TempDir()
		bin := filepath.Join(binDir, "archive.test")
		copyFile(t, os.Args[0], bin)
		for _, d := range []string{binDir, filepath.Dir(binDir), dir, filepath.Dir(dir)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd.Path, cmd.Args[0] = bin, bin
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	} else {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o755)
	}
	err := cmd.Run()
	switch {
	case err != nil:
		return fmt.Errorf("%v: %s", err, out.String())
	case role == "read" && !strings.Contains(out.String(), "versions 2"):
		return fmt.Errorf("the child printed %q", out.String())
	}
	return nil
}

// TestStaleScratchCopiesRemoved: a reparse --dry-run killed with its
// scratch copy in the temporary directory cannot remove it; the next
// ScratchCopy does, and leaves a live process's copy alone.
func TestStaleScratchCopiesRemoved(t *testing.T) {
	ctx := context.Background()
	t.Setenv("TMPDIR", t.TempDir())
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "a"), snap(kzEN, "", "one"), nil)

	dead, owner, err := makeScratchDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dead, "scratch.db"), []byte("a killed run's copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	owner.Close() // what the kernel does when the process dies
	live, liveOwner, err := makeScratchDir()
	if err != nil {
		t.Fatal(err)
	}
	defer liveOwner.Close()
	defer os.RemoveAll(live)

	scratch, discard, err := a.ScratchCopy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scratch.Versions(ctx, kzEN); err != nil {
		t.Error(err)
	}
	if err := discard(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); err == nil {
		t.Error("the killed run's scratch copy is still there")
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the live run's scratch copy was removed: %v", err)
	}
}

// TestReadOnlyFolderWithUnfoldedLog: a -wal with writes not yet in the .db
// (a writer was killed) cannot be read where SQLite may not make its -shm
// file, and an immutable read would miss those writes: the read is refused
// with a message that says why, instead of showing an older history.
func TestReadOnlyFolderWithUnfoldedLog(t *testing.T) {
	path := tempPath(t)
	a := openRW(t, path)
	defer a.Close()
	mustVersion(t, a, capture(kzEN, 0, "a"), snap(kzEN, "", "one"), nil)
	mustVersion(t, a, capture(kzEN, 1, "b"), snap(kzEN, "", "two"), &relwatch.ChangeRecord{})
	// The files as a kill -9 would leave them: the writes are in the log.
	crashed := filepath.Join(t.TempDir(), "archive.db")
	copyFile(t, path, crashed)
	copyFile(t, path+"-wal", crashed+"-wal")
	err := asOtherUser(t, filepath.Dir(crashed), "read", crashed)
	if err == nil || !strings.Contains(err.Error(), "write-ahead log") {
		t.Errorf("reading an unfolded log in a read-only folder: %v, want a refusal naming the write-ahead log", err)
	}
	if err := readChild(context.Background(), crashed); err != nil {
		t.Errorf("where the folder can be written the same files read fine: %v", err)
	}
}
