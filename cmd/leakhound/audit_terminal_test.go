package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/testtool"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/leak"
)

// tmuxSession runs a command on a real terminal: a detached tmux session on
// a private server.
type tmuxSession struct {
	t      *testing.T
	tmux   string
	socket string
}

func newTmuxSession(t *testing.T, command string) *tmuxSession {
	t.Helper()
	tmux := testtool.Need(t, "tmux", "tmux")
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is not a character device, so tmux cannot start its server: %v", os.DevNull, fi.Mode())
	}
	s := &tmuxSession{t: t, tmux: tmux, socket: "lh-test-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	t.Cleanup(func() { exec.Command(tmux, "-L", s.socket, "kill-server").Run() })
	s.run("new-session", "-d", "-s", "lh", "-x", "160", "-y", "50", command)
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command(s.tmux, append([]string{"-L", s.socket, "-f", os.DevNull}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen returns everything the terminal has shown, scrollback included.
func (s *tmuxSession) screen() string {
	return s.run("capture-pane", "-p", "-J", "-S", "-", "-t", "lh")
}

// waitFor waits until the terminal shows want n times in all, then for the
// program to wait for input (the screen ends with a prompt or want itself).
func (s *tmuxSession) waitFor(want string, n int) string {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		scr := s.screen()
		if strings.Count(scr, want) >= n {
			tail := strings.TrimRight(scr, " \n")
			if strings.HasSuffix(tail, ">") || strings.HasSuffix(tail, want) {
				return scr
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the terminal never showed %q (%d times); it shows:\n%s", want, n, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// typeLine types text and Enter.
func (s *tmuxSession) typeLine(text string) {
	s.t.Helper()
	if text != "" {
		s.run("send-keys", "-t", "lh", "-l", text)
	}
	s.run("send-keys", "-t", "lh", "Enter")
}

// TestBaselineAuditOnARealTerminal drives `leakhound baseline audit` as a
// person would: on a terminal (tmux), typing answers.
func TestBaselineAuditOnARealTerminal(t *testing.T) {
	exe := leakhoundBinary(t)
	g := seedRepo(t)
	if r := runLH(t, "", "baseline", "create", "--no-progress", g.Dir); r.code != 0 {
		t.Fatalf("create: %s", r.err)
	}
	file := filepath.Join(g.Dir, baseline.FileName)
	cmd := "cd " + shellQuote(g.Dir) + " && " + shellQuote(exe) +
		" baseline audit --reviewer 'Tty Tester <tty@example.com>'; echo AUDIT-EXIT=$?; sleep 600"
	s := newTmuxSession(t, cmd)

	const prompt = "(a note may follow the letter) >"
	scr := s.waitFor(prompt, 1)
	// Entries come in file order; the first is .env's password, shown whole
	// on the terminal with its line.
	if !strings.Contains(scr, "[1/4] generic-secret-env-file") || !strings.Contains(scr, "DB_PASSWORD="+dbPass) {
		t.Fatalf("first entry:\n%s", scr)
	}
	s.typeLine("a rotated in 2023")
	s.waitFor("[2/4] slack-webhook", 1)
	s.waitFor(prompt, 2)
	// Saved after each answer.
	if e := loadBL(t, file).Lookup(leak.Fingerprint("generic-secret-env-file", dbPass)); e == nil || e.Status != baseline.Accepted {
		t.Fatalf("not saved after the first answer: %+v", e)
	}
	s.typeLine("maybe")
	s.waitFor("answer a, f, r, s or q", 1)
	s.waitFor(prompt, 3)
	s.typeLine("f test fixture")
	s.waitFor("[3/4] django-secret-key", 1)
	s.waitFor(prompt, 4)
	s.typeLine("r")
	s.waitFor("[4/4] github-pat", 1)
	s.waitFor(prompt, 5)
	s.typeLine("q")
	scr = s.waitFor("AUDIT-EXIT=0", 1)
	if !strings.Contains(scr, "reviewed 3 (1 accepted, 1 false positive, 1 revoked), skipped 0; 1 unreviewed left") {
		t.Errorf("closing line:\n%s", scr)
	}

	b := loadBL(t, file)
	for _, want := range []struct {
		rule, secret string
		status       baseline.Status
		note         string
	}{
		{"generic-secret-env-file", dbPass, baseline.Accepted, "rotated in 2023"},
		{"slack-webhook", slackHook, baseline.FalsePositive, "test fixture"},
		{"django-secret-key", djangoKey, baseline.Revoked, ""},
		{"github-pat", ghToken, baseline.Unreviewed, ""},
	} {
		e := b.Lookup(leak.Fingerprint(want.rule, want.secret))
		if e == nil || e.Status != want.status || e.Note != want.note {
			t.Errorf("%s: %+v, want %s %q", want.rule, e, want.status, want.note)
			continue
		}
		if reviewed := e.Status != baseline.Unreviewed; reviewed != (e.ReviewedBy == "Tty Tester <tty@example.com>") || reviewed == e.ReviewedAt.IsZero() {
			t.Errorf("%s: reviewed by %q at %v", want.rule, e.ReviewedBy, e.ReviewedAt)
		}
	}
	assertNoSecrets(t, file, planted...)
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
