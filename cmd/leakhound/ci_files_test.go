package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/leakhound/leakhound/internal/testtool"
)

// shellWords splits a simple shell command line into words, expanding
// $VAR and "${VAR}" from vars and dropping double quotes: enough for the
// one-line commands of action.yml and the GitLab template. An unquoted
// variable is split into words, as the shell does.
func shellWords(t *testing.T, line string, vars map[string]string) []string {
	t.Helper()
	varRe := regexp.MustCompile(`\$\{?([A-Z_]+)\}?`)
	var words []string
	for _, w := range strings.Fields(line) {
		quoted := strings.HasPrefix(w, `"`) && strings.HasSuffix(w, `"`)
		w = strings.Trim(w, `"`)
		w = varRe.ReplaceAllStringFunc(w, func(m string) string {
			name := varRe.FindStringSubmatch(m)[1]
			v, ok := vars[name]
			if !ok {
				t.Fatalf("unexpected variable %s in %q", name, line)
			}
			return v
		})
		if quoted {
			words = append(words, w)
		} else {
			words = append(words, strings.Fields(w)...)
		}
	}
	return words
}

// leakhoundLine returns the line of a script that runs leakhound ci.
func leakhoundLine(t *testing.T, script string) string {
	t.Helper()
	for _, l := range strings.Split(script, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "leakhound ci ") {
			return l
		}
	}
	t.Fatalf("no leakhound ci command in %q", script)
	return ""
}

// TestGitLabTemplate runs the template's own command in a simulated merge
// request pipeline and checks that the reports land where its artifacts
// expect them.
func TestGitLabTemplate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "ci", "gitlab", "leakhound.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var tmpl struct {
		Variables map[string]string
		Leakhound struct {
			Image        string
			Variables    map[string]string
			BeforeScript []string `yaml:"before_script"`
			Script       []string
			Artifacts    struct {
				When    string
				Reports map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	job := tmpl.Leakhound
	if job.Variables["GIT_DEPTH"] != "0" || job.Artifacts.When != "always" {
		t.Errorf("GIT_DEPTH %q, artifacts when %q", job.Variables["GIT_DEPTH"], job.Artifacts.When)
	}
	if !strings.Contains(strings.Join(job.BeforeScript, "\n"), "go install \"github.com/leakhound/leakhound/cmd/leakhound@${LEAKHOUND_VERSION}\"") {
		t.Errorf("before_script does not install leakhound: %v", job.BeforeScript)
	}
	script := strings.Join(job.Script, "\n")
	if !strings.Contains(leakhoundLine(t, script), `--output "$reports/`) {
		t.Errorf("the reports are not written outside the work tree: %q", leakhoundLine(t, script))
	}

	// The job's script, run by a shell as the runner runs it, in the work
	// tree of a hostile merge request: each report name, and the reports'
	// directory, is a symbolic link to a file of the runner's user.
	sh := testtool.Need(t, "sh", "dash")
	g, c := mrHistory(t)
	victims := t.TempDir()
	keys := filepath.Join(victims, "authorized_keys")
	os.WriteFile(keys, []byte("ssh-ed25519 AAAA the-runner\n"), 0o600)
	for _, name := range []string{"gl-secret-detection-report.json", "leakhound-junit.xml"} {
		os.Symlink(keys, filepath.Join(g.Dir, name))
	}
	os.Symlink(victims, filepath.Join(g.Dir, "leakhound-reports"))
	gitlabEnv(t, map[string]string{
		"CI_PIPELINE_SOURCE":             "merge_request_event",
		"CI_MERGE_REQUEST_IID":           "5",
		"CI_MERGE_REQUEST_DIFF_BASE_SHA": c["c0"],
		"CI_COMMIT_SHA":                  c["f2"],
	})
	cmd := exec.Command(sh, "-e", "-c", script)
	cmd.Dir = g.Dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(leakhoundBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"),
		"LEAKHOUND_ARGS="+tmpl.Variables["LEAKHOUND_ARGS"], "TMPDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("the job's script: %v, want exit 1\n%s", err, out)
	}
	if data, _ := os.ReadFile(keys); string(data) != "ssh-ed25519 AAAA the-runner\n" {
		t.Errorf("the merge request's link redirected a report: %q", data)
	}
	if entries, _ := os.ReadDir(victims); len(entries) != 1 {
		t.Errorf("reports written into the link's target: %v", entries)
	}
	for kind, file := range job.Artifacts.Reports {
		p := filepath.Join(g.Dir, file)
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() {
			t.Errorf("artifacts:reports:%s: %v %v", kind, err, fi)
			continue
		}
		data, _ := os.ReadFile(p)
		if !strings.Contains(string(data), "github-pat") {
			t.Errorf("%s does not report the token", file)
		}
		noSecrets(t, file, string(data))
	}
	if filepath.Base(job.Artifacts.Reports["secret_detection"]) != "gl-secret-detection-report.json" || job.Artifacts.Reports["junit"] == "" {
		t.Errorf("reports %v", job.Artifacts.Reports)
	}
}

// TestGitHubAction runs the action's own command in a simulated pull
// request job.
func TestGitHubAction(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct{ Default string }
		Runs   struct {
			Using string
			Steps []struct {
				ID   string
				Uses string
				Run  string
				If   string
				With map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using %q", action.Runs.Using)
	}
	var run, install, upload string
	for _, s := range action.Runs.Steps {
		switch {
		case s.ID == "scan":
			run = s.Run
		case strings.Contains(s.Run, "go install"):
			install = s.Run
		case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
			upload = s.With["sarif_file"]
		}
	}
	if !strings.Contains(install, `go install "github.com/leakhound/leakhound/cmd/leakhound@${LEAKHOUND_VERSION}"`) || action.Inputs["version"].Default != "latest" {
		t.Errorf("install step: %q", install)
	}
	if upload != "${{ steps.scan.outputs.sarif-file }}" {
		t.Errorf("upload-sarif reads %q", upload)
	}
	sarif := filepath.Join(t.TempDir(), "leakhound.sarif")
	args := shellWords(t, leakhoundLine(t, run), map[string]string{"SARIF_FILE": sarif, "LEAKHOUND_ARGS": action.Inputs["args"].Default})

	g, c := mrHistory(t)
	summary := githubEnv(t, "pull_request", prEvent(7, c["m1"], c["f2"]), c["f2"])
	r := runLH(t, g.Dir, args[1:]...)
	if r.code != 1 {
		t.Fatalf("%v: exit %d\n%s", args, r.code, r.err)
	}
	out, err := os.ReadFile(sarif)
	if err != nil || !strings.Contains(string(out), `"ruleId": "github-pat"`) {
		t.Errorf("SARIF report: %v", err)
	}
	sum, _ := os.ReadFile(summary)
	if !strings.Contains(r.out, "::error file=deploy.sh") || !strings.Contains(string(sum), "1 leak found") {
		t.Errorf("annotations or summary missing:\n%s", r.out)
	}
	noSecrets(t, "the action's outputs", string(out)+r.out+r.err+string(sum))
}
