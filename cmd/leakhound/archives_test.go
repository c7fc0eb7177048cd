package main

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/archivetest"
	"github.com/leakhound/leakhound/internal/gittest"
)

func zipOf(t *testing.T, name, data string) []byte {
	return archivetest.Zip(t, archivetest.File{Name: name, Data: data})
}

// leakhound scan finds a secret inside a zip committed to history, names
// it by the archive's path and its own, in every report; a broken archive
// is counted as skipped, not an error; --max-archive-depth 0 leaves
// archives closed.
func TestScanArchives(t *testing.T) {
	r := gittest.New(t)
	r.WriteBytes("dist/release.zip", zipOf(t, "config/.env", "APP=x\nGITHUB_TOKEN="+ghToken+"\n")).
		WriteBytes("broken.zip", append([]byte("PK\x03\x04"), make([]byte, 64)...))
	commit := r.Commit("release")

	res := runLH(t, "", "scan", "--no-progress", "-f", "json", r.Dir)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (leaks found); stderr %s", res.code, res.err)
	}
	rep := parseJSON(t, res.out)
	f := find(rep, "github-pat")
	if f == nil || f.File != "dist/release.zip!config/.env" || f.Line != 2 || f.Column != 14 || f.Commit != commit {
		t.Fatalf("finding %+v, want dist/release.zip!config/.env:2:14 at %s", f, commit)
	}
	if rep.Summary.Skipped["archive-error"] != 1 || rep.Summary.Errors != 0 || rep.Summary.Incomplete {
		t.Errorf("summary %+v, want broken.zip counted as archive-error, no error", rep.Summary)
	}
	for _, format := range []string{"sarif", "junit", "gitlab", "text"} {
		res := runLH(t, "", "scan", "--no-progress", "--redact", "-f", format, r.Dir)
		if !strings.Contains(res.out, "release.zip!config/.env") {
			t.Errorf("-f %s does not name dist/release.zip!config/.env:\n%s", format, res.out)
		}
		if strings.Contains(res.out, ghToken) {
			t.Errorf("-f %s --redact shows the secret", format)
		}
	}

	res = runLH(t, "", "scan", "--no-progress", "-f", "json", "--max-archive-depth", "0", r.Dir)
	if res.code != 0 {
		t.Errorf("--max-archive-depth 0: exit %d, want 0; %s", res.code, res.out)
	}
	if res := runLH(t, "", "scan", "--max-archive-depth", "-1", r.Dir); res.code != 2 || !strings.Contains(res.err, "--max-archive-depth") {
		t.Errorf("--max-archive-depth -1: exit %d, %q; want 2 and a message naming the flag", res.code, res.err)
	}

	// Only a broken archive: nothing found, exit 0.
	r2 := gittest.New(t)
	r2.WriteBytes("broken.zip", append([]byte("PK\x03\x04"), make([]byte, 64)...))
	r2.Commit("broken")
	if res := runLH(t, "", "scan", "--no-progress", r2.Dir); res.code != 0 {
		t.Errorf("a broken zip: exit %d, want 0; %s", res.code, res.err)
	}
	// A directory scan of the same work tree.
	res = runLH(t, "", "scan", "--no-progress", "--no-git", "-f", "json", r.Dir)
	if f := find(parseJSON(t, res.out), "github-pat"); res.code != 1 || f == nil || !strings.HasSuffix(f.File, "dist/release.zip!config/.env") {
		t.Errorf("--no-git: exit %d, finding %+v", res.code, f)
	}
}
