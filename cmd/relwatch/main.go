// Command relwatch tracks changes to official web pages: it fetches each
// configured page, turns it into a structured snapshot, archives every
// distinct version and reports what changed, and when.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"github.com/relwatch/relwatch/output"
	"github.com/relwatch/relwatch/scraper"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func relwatchVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile(os.Getenv("RELWATCH_CPUPROFILE"))
	code := run(ctx, os.Args[1:], streams{In: os.Stdin, Out: output.NewSafeWriter(os.Stdout), Err: output.NewSafeWriter(os.Stderr)})
	stopProfile()
	stop()
	os.Exit(code)
}

// startProfile writes a CPU profile of the whole command to path, for
// docs/performance.md (RELWATCH_CPUPROFILE=cpu.prof relwatch scrape; go
// tool pprof cpu.prof). An empty path profiles nothing.
func startProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "relwatch: RELWATCH_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// run executes one relwatch command line and returns its exit code. Tests
// call it directly with buffers for streams.
func run(ctx context.Context, args []string, io streams) int {
	root := newRootCommand(io)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && err.Error() != "" {
		fmt.Fprintf(io.Err, "relwatch: %v\n", err)
	}
	return exitCode(err)
}

// userAgent is relwatch's honest User-Agent, unless the config sets one.
func userAgent() string { return scraper.UserAgent(relwatchVersion()) }
