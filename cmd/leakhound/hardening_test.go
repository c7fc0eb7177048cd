package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/testtool"
)

// runBinary runs the built leakhound, as a user would, in dir.
func runBinary(t *testing.T, dir string, stdin io.Reader, args ...string) result {
	t.Helper()
	cmd := exec.Command(leakhoundBinary(t), args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

// TestHostileRepositoryExecutesNothing scans a repository whose
// configuration, attributes and hooks would each run a command, and checks
// that none ran. As a control, the real git does run them.
func TestHostileRepositoryExecutesNothing(t *testing.T) {
	testtool.Need(t, "git", "git")
	g := gittest.New(t)
	g.Write("app.py", "print('one')\n").Write(".gitattributes", "* diff=evil filter=evil\n").Commit("one")
	g.Write("app.py", "print('two')\nTOKEN = '"+ghToken+"'\n").Commit("two")
	g.Write("app.py", "print('three')\n") // staged, for --staged and hooks

	markers := t.TempDir()
	touch := func(name string) string { return "touch " + filepath.Join(markers, name) }
	cfg := filepath.Join(g.Dir, ".git", "config")
	b, _ := os.ReadFile(cfg)
	hostile := fmt.Sprintf(`[core]
	fsmonitor = %q
	pager = %q
	sshCommand = %q
	editor = %q
[diff]
	external = %q
[diff "evil"]
	textconv = %q
[filter "evil"]
	clean = %q
	smudge = %q
	process = %q
[uploadpack]
	packObjectsHook = %q
`, touch("fsmonitor"), touch("pager"), touch("ssh"), touch("editor"), touch("external"), touch("textconv"),
		touch("clean"), touch("smudge"), touch("process"), touch("packobjects"))
	os.WriteFile(cfg, append(b, []byte(hostile)...), 0o644)
	hooks := filepath.Join(g.Dir, ".git", "hooks")
	os.MkdirAll(hooks, 0o755)
	for _, h := range []string{"pre-commit", "pre-push", "post-checkout", "post-merge", "reference-transaction", "pre-auto-gc", "fsmonitor-watchman"} {
		os.WriteFile(filepath.Join(hooks, h), []byte("#!/bin/sh\n"+touch("hook-"+h)+"\n"), 0o755)
	}

	zero := strings.Repeat("0", 40)
	head := g.Head()
	for _, args := range [][]string{
		{"scan", "--no-progress", "."},
		{"scan", "--no-progress", "--staged", "."},
		{"scan", "--no-progress", "--no-git", "."},
		{"hook", "pre-commit"},
		{"hook", "pre-push", "origin", "ssh://example.invalid/repo"},
	} {
		in := strings.NewReader("refs/heads/main " + head + " refs/heads/main " + zero + "\n")
		r := runBinary(t, g.Dir, in, args...)
		if r.code == 2 {
			t.Errorf("leakhound %v: exit 2: %s", args, r.err)
		}
	}
	if ms, _ := os.ReadDir(markers); len(ms) > 0 {
		var names []string
		for _, m := range ms {
			names = append(names, m.Name())
		}
		t.Fatalf("leakhound ran commands from the repository: %v", names)
	}

	// Control: git itself honours this configuration, so the check above
	// means something.
	env := gitEnv(t)
	runGit(t, env, g.Dir, "status")
	runGit(t, env, g.Dir, "diff", "HEAD~1")
	if ms, _ := os.ReadDir(markers); len(ms) == 0 {
		t.Fatal("control failed: git ran none of the hostile commands, so the test proves nothing")
	}
}

// TestCorruptRepositories checks that missing objects, a truncated pack and
// a broken ref are reported by id, the rest is scanned, and the exit
// status is 2.
func TestCorruptRepositories(t *testing.T) {
	t.Run("missing tree", func(t *testing.T) {
		g := gittest.New(t)
		g.Write("lib/mod.py", "x = 1\n").Commit("one")
		g.Write("keys.py", "GITHUB = '"+ghToken+"'\n").Commit("two")
		tree := treeID(t, g, "HEAD~1", "lib")
		g.RemoveObject(tree)
		r := runBinary(t, g.Dir, nil, "scan", "--no-progress", "-f", "json", ".")
		if r.code != 2 || !strings.Contains(r.err, tree) {
			t.Fatalf("exit %d, stderr %q", r.code, r.err)
		}
		if !strings.Contains(r.out, `"github-pat"`) || !strings.Contains(r.out, `"incomplete": true`) {
			t.Errorf("findings or incomplete flag lost:\n%s", r.out)
		}
	})
	t.Run("truncated pack", func(t *testing.T) {
		g := gittest.New(t)
		for i := 0; i < 30; i++ {
			g.Write(fmt.Sprintf("f%d.txt", i), strings.Repeat(fmt.Sprintf("line %d\n", i), 200)).Commit(fmt.Sprintf("c%d", i))
		}
		g.Write("keys.py", "GITHUB = '"+ghToken+"'\n").Commit("keys")
		g.Repack(false)
		packs, _ := filepath.Glob(filepath.Join(g.Dir, ".git", "objects", "pack", "*.pack"))
		fi, _ := os.Stat(packs[0])
		if err := os.Truncate(packs[0], fi.Size()*2/3); err != nil {
			t.Fatal(err)
		}
		r := runBinary(t, g.Dir, nil, "scan", "--no-progress", "-f", "json", ".")
		if r.code != 2 || strings.Contains(r.err, "goroutine") || strings.Contains(r.err, "panic") {
			t.Fatalf("exit %d, stderr %q", r.code, r.err)
		}
		if !strings.Contains(r.err, "error:") {
			t.Errorf("no error named: %q", r.err)
		}
	})
	t.Run("broken ref", func(t *testing.T) {
		g := gittest.New(t)
		g.Write("keys.py", "GITHUB = '"+ghToken+"'\n").Commit("one")
		bogus := strings.Repeat("ab", 20)
		os.WriteFile(filepath.Join(g.Dir, ".git", "refs", "heads", "broken"), []byte(bogus+"\n"), 0o644)
		r := runBinary(t, g.Dir, nil, "scan", "--no-progress", "-f", "json", ".")
		if r.code != 2 || !strings.Contains(r.err, "refs/heads/broken") || !strings.Contains(r.err, bogus) {
			t.Fatalf("exit %d, stderr %q", r.code, r.err)
		}
		if !strings.Contains(r.out, `"github-pat"`) {
			t.Errorf("findings lost:\n%s", r.out)
		}
	})
	t.Run("missing parent", func(t *testing.T) {
		g := gittest.New(t)
		c1 := g.Write("a.txt", "one\n").Commit("one")
		g.Write("keys.py", "GITHUB = '"+ghToken+"'\n").Commit("two")
		g.RemoveObject(c1)
		r := runBinary(t, g.Dir, nil, "scan", "--no-progress", "-f", "json", ".")
		if r.code != 2 || !strings.Contains(r.err, c1) || !strings.Contains(r.out, `"github-pat"`) {
			t.Fatalf("exit %d, stderr %q\n%s", r.code, r.err, r.out)
		}
	})
}

func treeID(t *testing.T, g *gittest.Repo, rev, dir string) string {
	t.Helper()
	c, err := g.Repo.CommitObject(g.Resolve(rev))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := c.Tree()
	if err != nil {
		t.Fatal(err)
	}
	e, err := tree.FindEntry(dir)
	if err != nil {
		t.Fatal(err)
	}
	return e.Hash.String()
}

// TestSignals interrupts a scan waiting on standard input: SIGINT exits 130,
// SIGTERM 2, both promptly and with the report marked incomplete.
func TestSignals(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 2}, {syscall.SIGHUP, 2}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.json")
			// The signal must reach the scan after it has set up its
			// handlers: a process still starting dies of it, which says
			// nothing about leakhound. On a loaded machine start-up can
			// take seconds, so a run the signal killed is tried again
			// after a longer wait.
			var err error
			var errb bytes.Buffer
			for wait := 300 * time.Millisecond; ; wait *= 2 {
				cmd := exec.Command(leakhoundBinary(t), "scan", "-f", "json", "-o", out, "-")
				stdin, _ := cmd.StdinPipe() // kept open: the scan waits for more
				errb.Reset()
				cmd.Stderr = &errb
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				io.WriteString(stdin, "partial input\n")
				time.Sleep(wait)
				start := time.Now()
				cmd.Process.Signal(tc.sig)
				err = cmd.Wait()
				stdin.Close()
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("took %v to stop", d)
				}
				ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
				if !ws.Signaled() || wait > 20*time.Second {
					break
				}
				t.Logf("the signal came %v after start, before the scan was ready; again", wait)
			}
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want %d; stderr %q", err, tc.code, errb.String())
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatalf("no report written: %v", err)
			}
			var rep struct {
				Summary struct{ Incomplete bool } `json:"summary"`
			}
			if json.Unmarshal(b, &rep) != nil || !rep.Summary.Incomplete {
				t.Errorf("report not marked incomplete: %s", b)
			}
		})
	}
}

// TestOddPathsInDirectoryScans checks --no-git on names with a newline,
// invalid UTF-8 and 250 bytes, and that a symlink out of the tree is not
// followed.
func TestOddPathsInDirectoryScans(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("TOKEN="+ghToken+"\n"), 0o600)
	os.Symlink(outside, filepath.Join(dir, "link-out"))
	os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "file-link"))
	names := []string{"new\nline.py", "bad\xff\xfename.py", strings.Repeat("n", 240) + ".py"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("KEY = '"+stripeKey+"'\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := runBinary(t, dir, nil, "scan", "--no-progress", "--no-git", "-f", "json", ".")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.out, "github-pat") {
		t.Error("followed a symlink out of the tree")
	}
	if rep.Summary.Skipped["symlink"] != 2 {
		t.Errorf("symlinks skipped: %v", rep.Summary.Skipped)
	}
	// One finding (one secret), located in one file and listed in the others.
	files := map[string]bool{}
	for _, f := range rep.Findings {
		files[f.File] = true
		for _, l := range f.Locations {
			files[l.File] = true
		}
	}
	for _, want := range []string{"new\nline.py", `bad\xff\xfename.py`, names[2]} {
		if !files[want] {
			t.Errorf("file %q not reported as such; got %v", want, files)
		}
	}
	text := runBinary(t, dir, nil, "scan", "--no-progress", "--no-git", ".")
	if !strings.Contains(text.out, `new\nline.py`) || strings.Contains(text.out, "new\nline.py") {
		t.Errorf("text output does not escape the newline:\n%s", text.out)
	}
}
