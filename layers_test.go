package relwatch_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/relwatch/relwatch"

// layers is the map of the code: a package may import packages of lower
// layers only, never one of its own layer or above (pairs in sameLayerOK
// excepted). Imports therefore point inward, to the domain and the data
// model, and the stores, the scraper and the differ never depend on each
// other. A new package gets a line here.
var layers = map[string]int{
	"snapshots":                  0, // the data model: imports none of ours
	"internal/testsite":          0, // the loopback web site tests fetch from: imports none of ours
	"internal/civil":             0, // calendar arithmetic for the archive and the history listings: imports none of ours
	"internal/lazyregexp":        0, // package-level regular expressions compiled at first use: imports none of ours
	"internal/third_party/colly": 0, // colly without App Engine (its README): imports none of ours
	"":                           1, // the domain (package relwatch): types and small interfaces
	"scraper":                    2, // network + HTML → snapshot
	"diff":                       2, // two snapshots → a change set, and its renderers
	"archive":                    2, // the SQLite store
	"postgres":                   2, // the PostgreSQL store
	"track":                      3, // capture → archive, once for every front end
	"history":                    3, // the read side
	"notify":                     3, // telling people, from the outbox
	"archivetest":                3, // the contract tests every store passes
	"archivecopy":                3, // a whole archive from one store to another
	"relwatchtest":               3, // an in-memory relwatch.History for tests
	"config":                     3, // the config file, for every front end
	"stores":                     3, // an archive opened by its location, whichever engine
	"serve":                      4, // HTTP front end
	"output":                     4, // files and lines written for people and scripts
	"scrapejob":                  4, // the scrape job of scrape and watch: lock, run, report, notify
	"worker":                     4, // queue front end
}

// sameLayerOK lists the imports allowed within one layer.
var sameLayerOK = map[[2]string]bool{
	{"notify", "history"}:          true, // messages say what history says
	{"archivetest", "archivecopy"}: true, // the contract includes copying a store
	{"config", "notify"}:           true, // the notify: list is read into notify.Destination, checked with notify's channels
	{"scrapejob", "output"}:        true, // a scrape job writes its results and reports through output
}

func TestImportLayers(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot list the packages")
	}
	out, err := exec.Command(goBin, "list", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		name := rel(p.ImportPath)
		layer, ok := layerOf(name)
		if !ok {
			t.Errorf("package %q has no layer: add it to layers in layers_test.go", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := rel(imp)
			depLayer, ok := layerOf(dep)
			switch {
			case !ok:
				t.Errorf("%s imports %s, which has no layer", p.ImportPath, imp)
			case depLayer > layer, depLayer == layer && !sameLayerOK[[2]string{name, dep}]:
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point to lower layers", p.ImportPath, layer, imp, depLayer)
			}
		}
	}
}

// layerOf is a package's layer. Commands (under cmd/ and scripts/) are
// the outermost layer: nothing imports them.
func layerOf(name string) (int, bool) {
	if strings.HasPrefix(name, "cmd/") || strings.HasPrefix(name, "scripts/") {
		return 5, true
	}
	layer, ok := layers[name]
	return layer, ok
}

// rel is an import path relative to the module: "" for the root package.
func rel(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}
