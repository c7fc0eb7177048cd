package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/gittest"
)

// TestConflictingOptionsAreErrors: options that contradict each other are
// refused with exit 2 and a reason, before anything is scanned, rather
// than one of them silently winning.
func TestConflictingOptionsAreErrors(t *testing.T) {
	g := gittest.New(t)
	g.Write("app.py", "TOKEN = '"+ghToken+"'\n").Commit("token")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--no-progress", "--branch", "HEAD", "--range", "HEAD~0..HEAD", g.Dir}, "--branch and --range cannot be used together"},
		{[]string{"scan", "--no-progress", "--redact", "--show-secrets", g.Dir}, "--redact and --show-secrets cannot be used together"},
	} {
		r := runLH(t, "", tc.args...)
		if r.code != 2 || !strings.Contains(r.err, tc.want) || r.out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 saying %q", tc.args, r.code, r.out, r.err, tc.want)
		}
	}
}

// jsonSkipped is the part of a JSON report's summary that names skipped
// files.
type jsonSkipped struct {
	Summary struct {
		Skipped      map[string]int `json:"skipped"`
		SkippedFiles []struct {
			Path, Commit, Reason string
			Size                 int64
		} `json:"skipped_files"`
	} `json:"summary"`
}

// TestScanFilesAndDirectoriesAsGiven: scan --no-git takes files and
// directories, several at once; a file named without --no-git, outside a
// repository, is scanned; findings name each file by the path given, so
// that it can be opened from where the command ran.
func TestScanFilesAndDirectoriesAsGiven(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "cloud", "deploy.cfg"), "[aws]\ngithub_token = "+ghToken+"\n")
	mustWrite(t, filepath.Join(dir, "app.py"), "STRIPE = '"+stripeKey+"'\n")
	mustWrite(t, filepath.Join(dir, "other", "notes.txt"), "nothing here\n")

	r := runLH(t, dir, "scan", "--no-progress", "--no-git", "-f", "json", "cloud/", "app.py", "other")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	rep := parseJSON(t, r.out)
	files := map[string]bool{}
	for _, f := range rep.Findings {
		files[f.File] = true
	}
	if !files["cloud/deploy.cfg"] || !files["app.py"] || len(files) != 2 {
		t.Errorf("files %v, want cloud/deploy.cfg and app.py", files)
	}
	if rep.Summary.Blobs != 3 {
		t.Errorf("%d files scanned, want 3", rep.Summary.Blobs)
	}
	for _, f := range []string{"cloud/deploy.cfg", "app.py"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Errorf("a finding's path cannot be opened from where the command ran: %v", err)
		}
	}

	// A file named without --no-git, outside a repository: scanned.
	r = runLH(t, dir, "scan", "--no-progress", "app.py")
	if r.code != 1 || !strings.Contains(r.out, "file     app.py:1:") || strings.Contains(r.err, "not a git repository") {
		t.Errorf("scan app.py: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	// An absolute path is printed as given.
	abs := filepath.Join(dir, "cloud")
	r = runLH(t, "", "scan", "--no-progress", "--no-git", "-f", "json", abs)
	if rep := parseJSON(t, r.out); len(rep.Findings) != 1 || rep.Findings[0].File != filepath.ToSlash(abs)+"/deploy.cfg" {
		t.Errorf("scan --no-git %s: %s", abs, r.out)
	}
	// What does not exist is an error before anything is scanned.
	r = runLH(t, dir, "scan", "--no-progress", "--no-git", "app.py", "missing.py")
	if r.code != 2 || !strings.Contains(r.err, "missing.py") || r.out != "" {
		t.Errorf("a missing path: exit %d, %q %q", r.code, r.out, r.err)
	}
	// History flags do not apply to files on disk.
	r = runLH(t, dir, "scan", "--no-progress", "--branch", "main", "app.py")
	if r.code != 2 || !strings.Contains(r.err, "need git history") {
		t.Errorf("--branch with a file: exit %d, %q", r.code, r.err)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestSkippedFilesAreNamed: a file too large to scan is named in the text
// summary, first (before binaries), the rest counted; --verbose names all;
// JSON lists each, in git history with the commit that introduced it.
func TestSkippedFilesAreNamed(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "dump.sql"), strings.Repeat("x", 4096)+"\nTOKEN="+ghToken+"\n")
	for i := range 7 {
		mustWrite(t, filepath.Join(dir, "img", fmt.Sprintf("logo%d.png", i)), "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	}
	r := runLH(t, dir, "scan", "--no-progress", "--no-git", "--max-file-size", "1KiB", ".")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	lines := strings.Split(r.out, "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "skipped: ") })
	if i < 0 || len(lines) < i+7 {
		t.Fatalf("no skipped files in the summary:\n%s", r.out)
	}
	if !strings.Contains(lines[i+1], "too-large") || !strings.Contains(lines[i+1], "dump.sql") {
		t.Errorf("the too-large file is not named first:\n%s", r.out)
	}
	if !strings.Contains(r.out, "… and 3 more (--verbose") {
		t.Errorf("the rest is not counted:\n%s", r.out)
	}
	r = runLH(t, dir, "scan", "--no-progress", "--no-git", "--max-file-size", "1KiB", "--verbose", ".")
	for i := range 7 {
		if !strings.Contains(r.out, fmt.Sprintf("img/logo%d.png", i)) {
			t.Errorf("--verbose does not name img/logo%d.png:\n%s", i, r.out)
		}
	}
	if strings.Contains(r.out, "more") {
		t.Errorf("--verbose still leaves files out:\n%s", r.out)
	}

	// Git history: the commit that introduced the skipped content.
	g := gittest.New(t)
	g.Write("data/dump.sql", strings.Repeat("y", 4096)+"\n")
	c := g.Commit("big")
	r = runLH(t, "", "scan", "--no-progress", "--max-file-size", "1KiB", "-f", "json", g.Dir)
	var rep jsonSkipped
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("%v: %s", err, r.out)
	}
	sf := rep.Summary.SkippedFiles
	if len(sf) != 1 || sf[0].Path != "data/dump.sql" || sf[0].Reason != "too-large" || sf[0].Commit != c {
		t.Errorf("skipped_files %+v, want data/dump.sql too-large at %s", sf, c)
	}
}

// TestStdinName: standard input is judged by its content alone; with
// --stdin-name it is judged as that file, so rules limited to such files
// apply; rules list says which rules need a path.
func TestStdinName(t *testing.T) {
	// A port other than PostgreSQL's and PgBouncer's defaults: such a line
	// is a .pgpass entry only in a file named so (pgpass-entry reads the
	// default ports' lines in any file).
	line := "db.internal:15432:app:app:" + dbPass + "\n"
	r := runBinary(t, t.TempDir(), strings.NewReader(line), "scan", "--no-progress", "-f", "json", "-")
	if r.code != 0 || strings.Contains(r.out, "pgpass-password") {
		t.Errorf("stdin without a name: exit %d\n%s", r.code, r.out)
	}
	r = runBinary(t, t.TempDir(), strings.NewReader(line), "scan", "--no-progress", "-f", "json", "--stdin-name", "deploy/.pgpass", "-")
	rep := parseJSON(t, r.out)
	if f := find(rep, "pgpass-password"); r.code != 1 || f == nil || f.File != "deploy/.pgpass" {
		t.Errorf("--stdin-name deploy/.pgpass: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	r = runLH(t, "", "scan", "--stdin-name", ".env", ".")
	if r.code != 2 || !strings.Contains(r.err, "--stdin-name") {
		t.Errorf("--stdin-name without -: exit %d, %q", r.code, r.err)
	}
	r = runLH(t, "", "rules", "list")
	if !strings.Contains(r.out, "pgpass-password *") || !strings.Contains(r.out, "--stdin-name NAME") {
		t.Errorf("rules list does not say which rules need a path:\n%s", r.out)
	}
}

// TestStdinOnATerminalSaysItWaits: scan - on a terminal says it is reading
// standard input and how to end it; then scans what was typed.
func TestStdinOnATerminalSaysItWaits(t *testing.T) {
	bin := leakhoundBinary(t)
	s := newTmuxSession(t, shellQuote(bin)+" scan --no-progress -; echo EXIT=$?; sleep 60")
	shows := func(want string) string {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			scr := s.screen()
			if strings.Contains(scr, want) {
				return scr
			}
			if time.Now().After(deadline) {
				t.Fatalf("the terminal never showed %q; it shows:\n%s", want, scr)
			}
		}
	}
	shows("reading standard input")
	s.typeLine("TOKEN=" + ghToken)
	s.run("send-keys", "-t", "lh", "C-d")
	scr := shows("EXIT=")
	if !strings.Contains(scr, "Ctrl-D") || !strings.Contains(scr, "github") || !strings.Contains(scr, "EXIT=1") {
		t.Errorf("terminal:\n%s", scr)
	}
}

// TestNothingToScan: an empty repository, or a range without commits,
// says there is nothing to scan rather than "scanned 0 commits".
func TestNothingToScan(t *testing.T) {
	g := gittest.New(t)
	r := runLH(t, "", "scan", "--no-progress", g.Dir)
	if r.code != 0 || !strings.Contains(r.out, "nothing to scan: the repository has no commits yet") || strings.Contains(r.out, "scanned 0 commits") {
		t.Errorf("empty repository: exit %d\n%s%s", r.code, r.out, r.err)
	}
	g.Write("a.txt", "a\n").Commit("a")
	r = runLH(t, "", "scan", "--no-progress", "--since", "2999-01-01", g.Dir)
	if r.code != 0 || !strings.Contains(r.out, "nothing to scan: no commits in all refs since 2999-01-01") {
		t.Errorf("a range without commits: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// TestHookInstallInABareRepository: the client hooks never run in a bare
// repository, so hook install refuses and says where they belong; the
// server hook still installs.
func TestHookInstallInABareRepository(t *testing.T) {
	env := gitEnv(t)
	bare := filepath.Join(t.TempDir(), "server.git")
	mustGit(t, env, filepath.Dir(bare), "init", "-q", "--bare", bare)
	r := runBinary(t, bare, nil, "hook", "install")
	if r.code != 2 || !strings.Contains(r.err, "bare repository") || !strings.Contains(r.err, "--pre-receive") {
		t.Errorf("hook install in a bare repository: exit %d, %q", r.code, r.err)
	}
	for _, h := range []string{"pre-commit", "pre-push"} {
		if _, err := os.Stat(filepath.Join(bare, "hooks", h)); err == nil {
			t.Errorf("%s installed in a bare repository", h)
		}
	}
	if r := runBinary(t, bare, nil, "hook", "install", "--pre-receive"); r.code != 0 {
		t.Errorf("hook install --pre-receive in a bare repository: exit %d, %q", r.code, r.err)
	}
}

// TestHookWithoutItsBinary: when the leakhound an installed hook runs is
// gone, the commit is stopped with a message that says how to reinstall
// or remove the hook, not "leakhound: not found"; following the advice
// (removing the hook) lets the commit through.
func TestHookWithoutItsBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "leakhound")
	b, err := os.ReadFile(leakhoundBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	env := gitEnv(t)
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=/usr/bin:/bin" // no leakhound on PATH
		}
	}
	dir := t.TempDir()
	mustGit(t, env, dir, "init", "-q")
	cmd := exec.Command(bin, "hook", "install", "--pre-commit")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hook install: %v\n%s", err, out)
	}
	os.Remove(bin)
	mustWrite(t, filepath.Join(dir, "a.txt"), "a\n")
	mustGit(t, env, dir, "add", "a.txt")
	out, err := runGit(t, env, dir, "commit", "-q", "-m", "a")
	if err == nil {
		t.Fatalf("the commit went through without a check:\n%s", out)
	}
	for _, want := range []string{"leakhound program is gone", bin, "leakhound hook install", "rm .git/hooks/pre-commit", "--no-verify"} {
		if !strings.Contains(out, want) {
			t.Errorf("hook output lacks %q:\n%s", want, out)
		}
	}
	os.Remove(filepath.Join(dir, ".git", "hooks", "pre-commit"))
	mustGit(t, env, dir, "commit", "-q", "-m", "a")
}
