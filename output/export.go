package output

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/relwatch/relwatch/history"
)

// Writing the export that history.PlanExport plans. relwatch owns changes/
// and the <id>/ folders of exported pages: files there with the export's
// name patterns that are no longer part of it are removed, and so are
// temporary files an interrupted export left. Nothing else in DIR is ever
// touched.

// exportTempPrefix starts the names of the temporary files the writer
// renames into place.
const exportTempPrefix = ".relwatch-"

// ExportResult says what WriteExport did, paths relative to DIR.
type ExportResult struct {
	Written, Removed []string
	Unchanged        int
}

// WriteExport writes the planned files into dir, each atomically (a
// temporary file in the same folder, then a rename) and only when its
// bytes differ, then removes the files relwatch wrote earlier that are no
// longer planned (see the top of this file).
func WriteExport(dir string, files []history.ExportFile) (ExportResult, error) {
	var res ExportResult
	planned := map[string]bool{}
	for _, f := range files {
		planned[f.Path] = true
		changed, err := writeIfChanged(dir, f)
		if err != nil {
			return res, err
		}
		if changed {
			res.Written = append(res.Written, f.Path)
		} else {
			res.Unchanged++
		}
	}
	// DIR itself is not ours: only temporary files are cleaned up there.
	owned := map[string]func(string) bool{".": func(string) bool { return false }, history.ExportChangesDir: history.IsChangeFile}
	for p := range planned {
		if d := path.Dir(p); d != "." && d != history.ExportChangesDir {
			owned[d] = history.IsSnapshotFile
		}
	}
	folders := make([]string, 0, len(owned))
	for d := range owned {
		folders = append(folders, d)
	}
	slices.Sort(folders)
	for _, d := range folders {
		removed, err := removeStale(dir, d, owned[d], planned)
		res.Removed = append(res.Removed, removed...)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// writeIfChanged writes one file atomically unless it already holds the
// same bytes.
func writeIfChanged(dir string, f history.ExportFile) (bool, error) {
	if err := NoLinkBelow(dir, f.Path); err != nil {
		return false, fmt.Errorf("export %s: %w", f.Path, err)
	}
	target := filepath.Join(dir, filepath.FromSlash(f.Path))
	if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, f.Data) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return false, fmt.Errorf("export %s: %w", f.Path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), exportTempPrefix+"*.tmp")
	if err != nil {
		return false, fmt.Errorf("export %s: %w", f.Path, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	_, err = tmp.Write(f.Data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		return false, fmt.Errorf("export %s: %w", f.Path, err)
	}
	return true, nil
}

// removeStale removes from dir/folder the regular files whose names match
// ours but that are no longer planned, and temporary files left by an
// interrupted export. It never removes folders, links or other names.
func removeStale(dir, folder string, ours func(name string) bool, planned map[string]bool) ([]string, error) {
	if folder != "." {
		if err := NoLinkBelow(dir, folder); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(folder)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		rel := path.Join(folder, name)
		temp := strings.HasPrefix(name, exportTempPrefix) && strings.HasSuffix(name, ".tmp")
		if !e.Type().IsRegular() || planned[rel] || !(ours(name) || temp) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			return removed, fmt.Errorf("export: remove stale %s: %w", rel, err)
		}
		if !temp {
			removed = append(removed, rel)
		}
	}
	return removed, nil
}
