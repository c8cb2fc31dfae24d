package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archive"
)

// TestScrapeMakesNoDirectories: a mistyped --db is refused (exit 4) before
// anything is fetched, and no directory is made for it.
func TestScrapeMakesNoDirectories(t *testing.T) {
	e := newTestEnv(t)
	db := filepath.Join(e.dir, "no", "such", "dir", "x.db")
	_, stderr, code := e.relwatch("--db", db, "scrape")
	if code != exitUnusable || !strings.Contains(stderr, "does not exist") {
		t.Errorf("scrape into a missing directory: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "no")); err == nil {
		t.Error("scrape made the missing directories")
	}
	if n := e.site.pageRequests(); n != 0 {
		t.Errorf("%d requests before refusing the archive", n)
	}
}

// TestScrapeSaysItCreatedAnArchive: the first scrape says where it made the
// archive, the next ones do not.
func TestScrapeSaysItCreatedAnArchive(t *testing.T) {
	e := newTestEnv(t)
	_, stderr, code := e.relwatch("scrape")
	if code != exitOK || !strings.Contains(stderr, "created a new archive at "+e.db) {
		t.Errorf("first scrape: exit %d, stderr %q, want it to name the new archive", code, stderr)
	}
	_, stderr, _ = e.relwatch("scrape")
	if strings.Contains(stderr, "created a new archive") {
		t.Errorf("second scrape: stderr %q", stderr)
	}
}

// TestLockPathProblemsAreArchiveProblems: a directory or a symbolic link
// at the lock path is exit 4 (the archive cannot be used), not exit 3 (a
// target failed), and nothing is written through the link.
func TestLockPathProblemsAreArchiveProblems(t *testing.T) {
	e := newTestEnv(t)
	target := filepath.Join(e.dir, "precious.txt")
	if err := os.WriteFile(target, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lock := e.db + ".lock"
	for _, kind := range []string{"directory", "symbolic link"} {
		os.Remove(lock)
		var err error
		if kind == "directory" {
			err = os.Mkdir(lock, 0o755)
		} else {
			err = os.Symlink(target, lock)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, stderr, code := e.relwatch("scrape")
		if code != exitUnusable || !strings.Contains(stderr, kind) {
			t.Errorf("scrape with a %s at the lock path: exit %d, stderr %q", kind, code, stderr)
		}
	}
	if got, _ := os.ReadFile(target); string(got) != "keep me\n" {
		t.Errorf("the link's target now holds %q", got)
	}
	if n := e.site.pageRequests(); n != 0 {
		t.Errorf("%d requests although the archive could not be locked", n)
	}
}

// TestScrapeWithAReaderOpen: a scrape that ends while another process
// holds a read transaction open does not wait for it (it used to wait out
// SQLite's 5 s busy timeout in its final checkpoint), and once that reader
// ends the .db file alone holds the new version: the reader's close copied
// the log in.
func TestScrapeWithAReaderOpen(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	ctx := context.Background()
	r, err := archive.Open(ctx, e.db, archive.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	inView, release := make(chan struct{}), make(chan struct{})
	readDone := make(chan error, 1)
	go func() {
		readDone <- r.ReadView(ctx, func(v relwatch.Reader) error {
			if _, err := v.Pages(ctx); err != nil { // the read transaction starts here
				return err
			}
			close(inView)
			<-release
			return nil
		})
	}()
	<-inView

	e.site.serve(200, "kazakhstan-fr-v2.html")
	start := time.Now()
	out, stderr, code := runBinary(t, bin, e, "scrape")
	took := time.Since(start)
	close(release)
	if code != exitOK {
		t.Fatalf("scrape while a reader is open: exit %d\n%s%s", code, out, stderr)
	}
	// A close that waits on the reader takes the whole 5 s busy timeout.
	if took > 4*time.Second {
		t.Errorf("scrape with a reader open took %v: its close waited for the reader", took)
	}
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	alone := filepath.Join(t.TempDir(), "alone.db")
	data, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code = e.relwatch("--db", alone, "log", "kazakhstan/fr", "--json")
	if code != exitOK || strings.Count(out, `"version"`) != 2 {
		t.Errorf("the .db alone after the reader ended: exit %d, %s%s; want 2 versions", code, out, stderr)
	}
}

// randomText is n bytes of words that gzip cannot shrink much, so that a
// page made of it takes about that much room in the archive.
func randomText(seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, seed))
	var b strings.Builder
	for b.Len() < n {
		for range 3 + rng.IntN(8) {
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// serveWithFiller serves a fixture with n bytes of incompressible filler
// in an HTML comment: stored with the raw body, invisible to the parser.
func (s *site) serveWithFiller(fixture string, seed uint64, n int) {
	s.serve(200, fixture)
	s.edit(func(body string) string { return body + "<!-- " + randomText(seed, n) + " -->\n" })
}

// startWithFileLimit starts cmd with RLIMIT_FSIZE set to limit: no file
// it writes may grow past limit bytes (Go ignores SIGXFSZ, so the write
// fails with EFBIG, as a write to a full disk fails). The limit is this
// process's for the moment of the fork only.
func startWithFileLimit(t *testing.T, cmd *exec.Cmd, limit int64) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skip(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: uint64(limit), Max: old.Max}); err != nil {
		t.Skipf("cannot limit file sizes: %v", err)
	}
	err := cmd.Start()
	if rerr := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); rerr != nil {
		t.Fatal(rerr)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestScrapeReportsAFailedWriteBack: the disk fills up as a scrape ends, so
// that its pages are committed (in the -wal) but the final copy into the
// .db fails. The scrape prints its pages, then says the write-back failed
// and exits 4; the next run, with room again, finds the new version.
func TestScrapeReportsAFailedWriteBack(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	// A large first version and a smaller second one: the second run's log
	// fits under the .db's size, the .db must grow past it.
	e.site.serveWithFiller("kazakhstan-fr-v1.html", 1, 400_000)
	e.mustRun(0, "scrape")
	fi, err := os.Stat(e.db)
	if err != nil {
		t.Fatal(err)
	}
	e.site.serveWithFiller("kazakhstan-fr-v2.html", 2, 100_000)
	cmd := exec.Command(bin, "--config", e.cfg, "scrape")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	startWithFileLimit(t, cmd, fi.Size())
	err = cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	if code != exitUnusable || !strings.Contains(errb.String(), "-wal") {
		t.Fatalf("scrape whose write-back fails: exit %d (%v)\nstdout:\n%s\nstderr:\n%s", code, err, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "changed") {
		t.Errorf("the pages archived before the write-back failed are not printed:\n%s", out.String())
	}
	if n := len(e.versionsOf("kazakhstan/fr")); n != 2 {
		t.Errorf("after the failed write-back the archive has %d versions, want 2", n)
	}
	if out, stderr, code := runBinary(t, bin, e, "check"); code != exitOK {
		t.Errorf("check after the failed write-back: exit %d\n%s%s", code, out, stderr)
	}
}

// TestScrapeOnAFullDisk: a write that fails while the scrape records a page
// is an archive problem, exit 4, not exit 3 (a failed target). The limit
// leaves room for SQLite's 32 KiB -shm file, so the archive opens, but not
// for the new version in the log.
func TestScrapeOnAFullDisk(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serveWithFiller("kazakhstan-fr-v2.html", 3, 200_000)
	cmd := exec.Command(bin, "--config", e.cfg, "scrape")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	startWithFileLimit(t, cmd, 40_000)
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitUnusable || !strings.Contains(errb.String(), "disk may be full") {
		t.Fatalf("scrape on a full disk: exit %d (%v)\nstdout:\n%s\nstderr:\n%s", code, err, out.String(), errb.String())
	}
	if n := len(e.versionsOf("kazakhstan/fr")); n != 1 {
		t.Errorf("after the failed scrape the archive has %d versions, want 1", n)
	}
}

// asOtherUser prepares cmd to run as a user who may read e's files but not
// write them: as root (who may write anything) it runs as nobody, and the
// files stay root's; otherwise the directory is made read-only until the
// test ends.
func asOtherUser(t *testing.T, cmd *exec.Cmd, e *testEnv) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(e.dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(e.dir, 0o755) })
		return
	}
	// nobody must reach the binary, the config and the archive.
	for _, p := range []string{filepath.Dir(cmd.Path), filepath.Dir(e.dir), e.dir} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
}

// TestReadOnlyFolder: read commands work on an archive in a folder they
// cannot write (SQLite cannot make its -wal and -shm files there), and a
// scrape there is an archive problem, exit 4.
func TestReadOnlyFolder(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, append([]string{"--config", e.cfg}, args...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		asOtherUser(t, cmd, e)
		cmd.Run()
		return out.String(), errb.String(), cmd.ProcessState.ExitCode()
	}
	if out, stderr, code := run("log", "kazakhstan/fr", "--json"); code != exitOK || strings.Count(out, `"version"`) != 2 {
		t.Errorf("log in a read-only folder: exit %d\n%s%s", code, out, stderr)
	}
	if out, stderr, code := run("show", "kazakhstan/fr"); code != exitOK || out == "" {
		t.Errorf("show in a read-only folder: exit %d\n%s%s", code, out, stderr)
	}
	if _, stderr, code := run("scrape"); code != exitUnusable {
		t.Errorf("scrape in a read-only folder: exit %d, stderr %q, want 4", code, stderr)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(e.db + suffix); err == nil {
			t.Errorf("the read-only commands left %s%s behind", e.db, suffix)
		}
	}
}
