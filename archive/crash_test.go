package archive

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// Child processes: the test binary re-executed with childEnv set to
// "<role>:<archive path>" runs the role instead of the tests.
const childEnv = "RELWATCH_ARCHIVE_TEST_CHILD"

func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		role, path, _ := strings.Cut(v, ":")
		if err := runChild(role, path); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runChild(role, path string) error {
	ctx := context.Background()
	if role == "migrate" {
		delay, _ := strconv.Atoi(os.Getenv(childEnv + "_KILL_MS"))
		time.AfterFunc(time.Duration(delay)*time.Millisecond, func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) })
	}
	if role == "read" {
		return readChild(ctx, path)
	}
	if role == "hot-journal" {
		return hotJournalChild(ctx, path)
	}
	a, err := Open(ctx, path, ReadWrite)
	if err != nil {
		return err
	}
	switch role {
	case "create":
		fmt.Println("created", a.Created())
		return a.Close()
	case "write-once":
		c := capture(kzEN, 1, "")
		c.ErrorKind, c.ErrorMessage = "timeout", "slow"
		return errors.Join(a.RecordFailure(ctx, c), a.Close())
	}
	unlock, err := a.Lock(ctx, 5*time.Second)
	if err != nil {
		return err
	}
	defer unlock()
	switch role {
	case "migrate":
		// Open has migrated by now; the parent's kill may come before,
		// during or after that.
		select {}
	case "hold":
		// Hold the lock until the parent closes our stdin or kills us.
		fmt.Println("locked")
		bufio.NewReader(os.Stdin).ReadString('\n')
		return nil
	case "write":
		// Record in a loop and SIGKILL ourselves at a random moment, most
		// likely inside a transaction or an fsync. The clock starts at the
		// first commit, so that a loaded machine still tests something.
		delay, _ := strconv.Atoi(os.Getenv(childEnv + "_KILL_MS"))
		return writeLoop(ctx, a, func() {
			time.AfterFunc(time.Duration(delay)*time.Millisecond, func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) })
		})
	}
	return fmt.Errorf("unknown role %q", role)
}

// writeLoop records versions, unchanged and failed checks until killed;
// firstCommit runs once, after the first record is committed.
func writeLoop(ctx context.Context, a *Archive, firstCommit func()) error {
	pid := os.Getpid()
	body := strings.Repeat(fmt.Sprintf("<p>pid %d</p>", pid), 5000)
	for i := 0; ; i++ {
		latest := 0
		if vs, err := a.Versions(ctx, kzEN); err == nil {
			latest = len(vs)
		} else if !errors.Is(err, relwatch.ErrNotFound) {
			return err
		}
		c := capture(kzEN, i, fmt.Sprint(body, i))
		var err error
		switch {
		case latest == 0 || i%3 == 0:
			_, err = a.RecordVersion(ctx, c, snap(kzEN, "", fmt.Sprintf("pid %d edit %d", pid, i)), 1, &relwatch.ChangeRecord{Summary: map[string]int{"changed": 1}})
		case i%3 == 1:
			err = a.RecordUnchanged(ctx, c, latest)
		default:
			c.ErrorKind, c.ErrorMessage = "timeout", "slow"
			err = a.RecordFailure(ctx, c)
		}
		if err != nil {
			return err
		}
		if i == 0 {
			firstCommit()
		}
	}
}

// hotJournalChild changes an archive in rollback-journal mode, written to
// the file itself (a one-page cache spills at once), says "ready" and
// waits for the parent's SIGKILL: a writer killed mid-transaction leaves a
// hot journal that the next connection must roll back.
func hotJournalChild(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(DELETE)&_pragma=cache_size(1)")
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	for _, q := range []string{"BEGIN IMMEDIATE", "UPDATE raw_bodies SET data = zeroblob(100000)"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	fmt.Println("ready")
	select {}
}

func child(t *testing.T, role, path string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, childEnv+"="+role+":"+path)...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestKill9DuringWrites kills a writing process at random moments. After
// each kill the archive must open, check clean, have consecutive versions
// each backed by its capture, never lose what was committed before, and
// give the writer lock to the next run at once.
func TestKill9DuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	ctx := context.Background()
	path := tempPath(t)
	prevCaptures := 0
	for round := range 6 {
		cmd := child(t, "write", path, fmt.Sprintf("%s_KILL_MS=%d", childEnv, 150+rand.IntN(250)))
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, want killed by SIGKILL", round, err)
		}

		a := openRW(t, path)
		unlock, err := a.Lock(ctx, 0)
		if err != nil {
			t.Fatalf("round %d: lock after kill -9: %v", round, err)
		}
		unlock()
		mustCheckClean(t, a)
		captures := count(t, a, "captures")
		var versions, producing int
		a.db.QueryRow(`SELECT count(*) FROM versions`).Scan(&versions)
		a.db.QueryRow(`SELECT count(*) FROM captures WHERE outcome IN ('new', 'changed')`).Scan(&producing)
		if versions != producing {
			t.Errorf("round %d: %d versions but %d new/changed captures", round, versions, producing)
		}
		if captures < prevCaptures {
			t.Errorf("round %d: captures went from %d to %d", round, prevCaptures, captures)
		}
		t.Logf("round %d: %d captures, %d versions", round, captures, versions)
		prevCaptures = captures
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if prevCaptures == 0 {
		t.Error("the children never committed anything; the kill came too early to test anything")
	}
}

// TestLockAcrossProcesses: a lock held by another process is reported with
// that process's pid, and is free again the moment that process dies.
func TestLockAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	ctx := context.Background()
	a := TestArchive(t)
	cmd := child(t, "hold", a.Path())
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child said %q, %v", line, err)
	}
	_, err = a.Lock(ctx, 50*time.Millisecond)
	var le *relwatch.LockedError
	if !errors.As(err, &le) || le.PID != cmd.Process.Pid {
		t.Fatalf("Lock while the child holds it: %v, want *relwatch.LockedError with pid %d", err, cmd.Process.Pid)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("locked by pid %d since ", cmd.Process.Pid)) {
		t.Errorf("message %q", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	unlock, err := a.Lock(ctx, 0)
	if err != nil {
		t.Fatalf("Lock after the holder died: %v", err)
	}
	unlock()
}

// TestKill9DuringMigration kills a process while it migrates a schema-1
// archive with some history. The file must then be either still schema 1 or
// wholly the current schema, and the next open must finish the job.
func TestKill9DuringMigration(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	ctx := context.Background()
	src := tempPath(t)
	const versions = 50
	writeV1(t, src, versions)
	v1, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for round := range 3 {
		path := tempPath(t)
		if err := os.WriteFile(path, v1, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := child(t, "migrate", path, fmt.Sprintf("%s_KILL_MS=%d", childEnv, 20+rand.IntN(600)))
		if err := cmd.Run(); err == nil {
			t.Fatalf("round %d: the child was not killed", round)
		}
		ro, err := Open(ctx, path, ReadOnly)
		if err != nil {
			t.Fatalf("round %d: after the kill: %v", round, err)
		}
		seen[ro.Schema()]++
		if s := ro.Schema(); s != 1 && s != SchemaVersion {
			t.Errorf("round %d: schema %d after the kill", round, s)
		}
		mustCheckClean(t, ro)
		ro.Close()

		a := openRW(t, path)
		if a.Schema() != SchemaVersion {
			t.Errorf("round %d: schema %d after reopening", round, a.Schema())
		}
		mustCheckClean(t, a)
		if vs, err := a.Versions(ctx, kzEN); err != nil || len(vs) != versions {
			t.Errorf("round %d: %d versions, %v", round, len(vs), err)
		}
		a.Close()
	}
	t.Logf("schema found after the kill: %v", seen)
}

// TestReadAfterAWriterKilledMidTransaction: a writer killed inside a
// transaction leaves a hot rollback journal (a schema-1 archive is not in
// WAL mode yet). A read-only command after it must read the archive as it
// was before that transaction, not fail with "readonly database".
func TestReadAfterAWriterKilledMidTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	ctx := context.Background()
	path := tempPath(t)
	const versions = 20
	writeV1(t, path, versions)
	cmd := child(t, "hot-journal", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child did not start its transaction: %q", line)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if fi, err := os.Stat(path + "-journal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no hot journal after the kill (%v): the test tests nothing", err)
	}
	ro, err := Open(ctx, path, ReadOnly)
	if err != nil {
		t.Fatalf("read-only open after a writer was killed: %v", err)
	}
	defer ro.Close()
	if vs, err := ro.Versions(ctx, kzEN); err != nil || len(vs) != versions {
		t.Errorf("%d versions, %v; want %d", len(vs), err, versions)
	}
	mustCheckClean(t, ro)
}

// writeV1 writes a schema-1 archive, as schema-1 relwatch stored it, with
// n versions of kazakhstan/en (benchSnap), each from its own capture.
func writeV1(t *testing.T, path string, n int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const url = "https://www.nato.int/cps/en/natohq/topics_49598.htm"
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(schema1)
	exec(`INSERT INTO pages (page_pk, id, lang, url) VALUES (1, 'kazakhstan', 'en', ?)`, url)
	for i := range n {
		body := fmt.Sprint("b", i)
		sum := sha256.Sum256([]byte(body))
		digest := "sha256:" + hex.EncodeToString(sum[:])
		exec(`INSERT INTO raw_bodies (digest, size, compression, data) VALUES (?, ?, 'gzip', ?)`,
			digest, len(body), relwatch.Gzip([]byte(body), relwatch.GzipFast))
		outcome := relwatch.OutcomeNew
		if i > 0 {
			outcome = relwatch.OutcomeChanged
		}
		exec(`INSERT INTO captures (capture_id, page_pk, source, started, finished, status, final_url, headers,
				content_type, body_digest, outcome, version)
			VALUES (?, 1, 'live', ?, ?, 200, ?, '{"ETag":"\"e\""}', 'text/html', ?, ?, ?)`,
			i+1, fmtTime(at(i)), fmtTime(at(i).Add(time.Second)), url, digest, outcome, i+1)
		s := benchSnap(i)
		s.ParserVersion = 1
		exec(`INSERT INTO versions (page_pk, version, content_hash, snapshot, parser_version, capture_id, first_seen, last_seen)
			VALUES (1, ?, ?, ?, 1, ?, ?, ?)`, i+1, s.ContentHash, string(snapshots.Marshal(s)), i+1, fmtTime(at(i)), fmtTime(at(i)))
		if i > 0 {
			exec(`INSERT INTO changes (page_pk, from_version, to_version, diff, summary, stamp_only, observed, window_start)
				VALUES (1, ?, ?, 'null', '{}', 0, ?, ?)`, i, i+1, fmtTime(at(i)), fmtTime(at(i-1)))
		}
	}
	exec(`PRAGMA user_version = 1`)
}
