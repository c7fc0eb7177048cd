package prereceive

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// TestRejectionEscapesControlCharacters: what a push controls (file
// names, ref names, commit messages) reaches the pusher's terminal with
// its control characters escaped, so that it cannot drive the terminal.
func TestRejectionEscapesControlCharacters(t *testing.T) {
	masked := &report.Report{Findings: []leak.Finding{{
		RuleID: "github-pat", Secret: "ghp_… (40 chars)",
		Location: leak.Location{File: "deploy\x1b[2J.sh", Line: 3,
			Commit: strings.Repeat("a", 40), Message: "fix\x1b]0;owned\x07 it\nbody"},
	}}}
	tips := map[string][]string{strings.Repeat("a", 40): {"refs/heads/ma\x1bin"}}
	for _, write := range []func(*strings.Builder){
		func(b *strings.Builder) { writeRejection(b, masked, tips, Config{}, false) },
		func(b *strings.Builder) { writeFindings(b, masked) },
	} {
		var b strings.Builder
		write(&b)
		out := b.String()
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("raw control characters reach the pusher:\n%q", out)
		}
		if !strings.Contains(out, `deploy\x1b[2J.sh:3`) {
			t.Errorf("the file name is not shown escaped:\n%s", out)
		}
	}
}

// TestRejectionListsAsTheLocalHookDoes: the server's rejection, the list
// after an allowed push and a local hook's Blocked list the same findings
// in the same words, escaped alike, whatever a push puts in a file name
// or a commit message.
func TestRejectionListsAsTheLocalHookDoes(t *testing.T) {
	c1, c2 := strings.Repeat("a", 40), strings.Repeat("b", 40)
	rep := &report.Report{Findings: []leak.Finding{
		{RuleID: "github-pat", Secret: "ghp_" + "EXAMPLEfakeEXAMPLEfakeEXAMPLEfake0000",
			Location: leak.Location{File: "deploy\x1b[2J.sh", Line: 3, Commit: c1, Message: "say \"hi\"\x07 and \u009b31m" + strings.Repeat("é", 40) + "\nbody"}},
		{RuleID: "generic-password", Secret: "EXAMPLE-pass-w0rd-FAKE",
			Location: leak.Location{File: "conf/a\\b\xff.ini", Line: 9, Commit: c2, Message: "tab\there\r\n"}},
		{RuleID: "generic-password", Secret: "EXAMPLE-pass-w0rd-FAKE2",
			Location: leak.Location{File: "conf/c.ini", Line: 1, Commit: c1, Message: "say \"hi\""}},
	}}
	masked := report.Masked(rep)
	list := func(out, from, to string) string {
		t.Helper()
		_, rest, ok := strings.Cut(out, from)
		body, _, ok2 := strings.Cut(rest, to)
		if !ok || !ok2 {
			t.Fatalf("no list between %q and %q in:\n%s", from, to, out)
		}
		return strings.TrimLeft(body, "\n")
	}
	var local, rejection, allowed strings.Builder
	if err := (report.Blocked{Action: "push"}).Write(&local, rep); err != nil {
		t.Fatal(err)
	}
	writeRejection(&rejection, masked, map[string][]string{c1: {"refs/heads/main"}}, Config{}, false)
	writeFindings(&allowed, masked)
	want := list(local.String(), "pushed\n", "\nWhat to do:")
	if got := list(rejection.String(), "commits\n", "\nHow to fix it:"); got != want {
		t.Errorf("the rejection lists\n%s\nthe local hook\n%s", got, want)
	}
	if got := allowed.String(); got != want {
		t.Errorf("an allowed push lists\n%s\nthe local hook\n%s", got, want)
	}
	if strings.ContainsAny(want, "\x1b\x07\r\u009b") || !strings.Contains(want, `deploy\x1b[2J.sh:3`) || !strings.Contains(want, `"say \"hi\"\a and \u009b31m`) {
		t.Errorf("the list is not escaped once:\n%s", want)
	}
}
