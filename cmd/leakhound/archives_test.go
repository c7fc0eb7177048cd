package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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

// A finding inside an archive points the reports that link to files at
// the archive, which the repository holds, not at the "!" path, which no
// code scanning service can open: SARIF's artifact location and GitLab's
// location are the archive (line 1), GitHub's annotation names the archive
// with no line, and the messages name the file inside and its line. JSON
// says which findings are inside an archive (archive), so that a tool
// need not parse the "!" a file name may hold. Both reports still match
// their schemas.
func TestArchiveFindingsLinkToTheArchive(t *testing.T) {
	r := gittest.New(t)
	r.WriteBytes("dist/release.zip", zipOf(t, "config/.env", "APP=x\nGITHUB_TOKEN="+ghToken+"\n"))
	// A file whose own name holds a "!", beside it: not an archive's.
	r.Write("notes/wow!.env", "STRIPE_KEY="+stripeKey+"\n")
	r.Commit("release")
	dir := t.TempDir()
	sarifOut, gitlabOut := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "gl.json")
	res := runLH(t, "", "scan", "--no-progress", "--redact", "-f", "sarif", "-o", sarifOut, "-f", "gitlab", "-o", gitlabOut, "-f", "json", r.Dir)
	if res.code != 1 {
		t.Fatalf("exit %d\n%s", res.code, res.err)
	}
	rep := parseJSON(t, res.out)
	for _, f := range rep.Findings {
		switch f.File {
		case "dist/release.zip!config/.env":
			if f.Archive != "dist/release.zip" {
				t.Errorf("%s: archive %q, want dist/release.zip", f.File, f.Archive)
			}
		case "notes/wow!.env":
			if f.Archive != "" {
				t.Errorf("%s: archive %q, want none", f.File, f.Archive)
			}
		default:
			t.Errorf("unexpected finding in %s", f.File)
		}
	}

	var sarif struct {
		Runs []struct {
			Results []struct {
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	readJSON(t, sarifOut, &sarif)
	uris := map[string]bool{}
	for _, res := range sarif.Runs[0].Results {
		pl := res.Locations[0].PhysicalLocation
		uris[pl.ArtifactLocation.URI] = true
		if pl.ArtifactLocation.URI == "dist/release.zip" && (pl.Region.StartLine != 1 || !strings.Contains(res.Message.Text, "dist/release.zip!config/.env:2")) {
			t.Errorf("SARIF result in the archive: line %d, message %q", pl.Region.StartLine, res.Message.Text)
		}
	}
	if !uris["dist/release.zip"] || !uris["notes/wow%21.env"] && !uris["notes/wow!.env"] || len(uris) != 2 {
		t.Errorf("SARIF artifact URIs %v, want dist/release.zip and notes/wow!.env", uris)
	}
	var gl struct {
		Vulnerabilities []struct {
			Description string
			Location    struct {
				File      string
				StartLine int `json:"start_line"`
			}
		}
	}
	readJSON(t, gitlabOut, &gl)
	files := map[string]int{}
	for _, v := range gl.Vulnerabilities {
		files[v.Location.File] = v.Location.StartLine
		if v.Location.File == "dist/release.zip" && !strings.Contains(v.Description, "dist/release.zip!config/.env") {
			t.Errorf("GitLab description %q does not name the file inside", v.Description)
		}
	}
	if line, ok := files["dist/release.zip"]; !ok || line != 1 || files["notes/wow!.env"] != 1 {
		t.Errorf("GitLab locations %v, want dist/release.zip at line 1 and notes/wow!.env", files)
	}
	validateSchema(t, sarifOut, "sarif-schema-2.1.0.json")
	validateSchema(t, gitlabOut, "secret-detection-report-format-15.2.1.json")

	gh := runLH(t, "", "scan", "--no-progress", "--redact", "-f", "github", r.Dir)
	if !strings.Contains(gh.out, "file=dist/release.zip,title=") || strings.Contains(gh.out, "file=dist/release.zip!") {
		t.Errorf("GitHub annotations do not name the archive alone:\n%s", gh.out)
	}
}

// readJSON decodes the JSON file path into v.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
