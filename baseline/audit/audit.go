// Package audit is the interactive review of a baseline: it shows each
// entry with the lines around its secret, highlighted, asks for a verdict
// (accept, false positive, revoked, skip, quit) with an optional note, and
// saves the baseline after each answer. It is the only place leakhound
// shows a baselined secret, and the command runs it only on a terminal.
//
// It knows baselines, the detectors (to find an entry's secret again) and
// git (to read a file as of the entry's commit); it knows nothing of
// command-line flags.
package audit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/internal/safefile"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// Options say what to review and where.
type Options struct {
	// In holds the answers, one per line; Out is the terminal.
	In  io.Reader
	Out io.Writer
	// File is the baseline's file, written after each answer.
	File string
	// Repo is the repository the baseline is of (nil for a directory);
	// Root its work tree or the directory ("" for a bare repository).
	Repo *gitwalk.Repo
	Root string
	// Detector finds each entry's secret again, to highlight it; it must
	// report inline-allowed lines too (detect.Options.IgnoreInlineAllows).
	Detector *detect.Detector
	// All reviews every entry, not only unreviewed ones.
	All bool
	// Context is the number of lines shown around a secret.
	Context int
	// Reviewer is recorded with each answer.
	Reviewer string
	// Color paints the secret and the prompt.
	Color bool
}

// Run reviews the entries of b (the unreviewed ones, or with o.All all of
// them) and prints a summary. When ctx is cancelled while it waits for an
// answer, it stops, with the answers given saved, and returns an error
// wrapping ctx's.
func Run(ctx context.Context, b *baseline.Baseline, o Options) error {
	a := &auditor{repo: o.Repo, root: o.Root, d: o.Detector, context: max(o.Context, 0), color: o.Color, out: o.Out}
	b.Sort()
	var todo []string
	for _, e := range b.Entries {
		if o.All || e.Status == baseline.Unreviewed {
			todo = append(todo, e.Fingerprint)
		}
	}
	if len(todo) == 0 {
		fmt.Fprintf(o.Out, "nothing to review in %s: every entry has a status (--all reviews them again)\n", o.File)
		return nil
	}

	stop := make(chan struct{})
	defer close(stop)
	answers := readLines(o.In, stop)
	counts := map[baseline.Status]int{}
	skipped := 0
	interrupted := false
loop:
	for k, fp := range todo {
		e := b.Lookup(fp)
		a.show(k+1, len(todo), e)
		for {
			fmt.Fprint(o.Out, a.paint(auditBold, "[a]ccept  [f]alse positive  [r]evoked  [s]kip  [q]uit")+"  (a note may follow the letter) > ")
			var line string
			var ok bool
			select {
			case <-ctx.Done():
				interrupted = true
				fmt.Fprintln(o.Out)
				break loop
			case line, ok = <-answers:
			}
			if !ok {
				fmt.Fprintln(o.Out)
				break loop
			}
			status, note, verb := parseAnswer(line)
			switch verb {
			case "quit":
				break loop
			case "skip":
				skipped++
				fmt.Fprint(o.Out, "  skipped\n\n")
				continue loop
			case "":
				fmt.Fprintln(o.Out, "  answer a, f, r, s or q")
				continue
			}
			if err := b.Review(fp, status, note, o.Reviewer, time.Now()); err != nil {
				return err
			}
			if err := report.AtomicWrite(o.File, b.Encode); err != nil {
				return err
			}
			counts[status]++
			fmt.Fprintf(o.Out, "  %s, saved\n\n", strings.ReplaceAll(string(status), "_", " "))
			continue loop
		}
	}
	left := 0
	for _, e := range b.Entries {
		if e.Status == baseline.Unreviewed {
			left++
		}
	}
	reviewed := counts[baseline.Accepted] + counts[baseline.FalsePositive] + counts[baseline.Revoked]
	fmt.Fprintf(o.Out, "reviewed %d (%d accepted, %d false positive, %d revoked), skipped %d; %d unreviewed left in %s\n",
		reviewed, counts[baseline.Accepted], counts[baseline.FalsePositive], counts[baseline.Revoked], skipped, left, o.File)
	if interrupted {
		return fmt.Errorf("audit: %w", ctx.Err())
	}
	return nil
}

// readLines reads lines from r in a goroutine, so that waiting for an
// answer can be interrupted. The channel closes at the end of r; the
// goroutine ends there, or once stop is closed and it has read a line (a
// read from a terminal cannot be cancelled).
func readLines(r io.Reader, stop <-chan struct{}) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				select {
				case ch <- line:
				case <-stop:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

// parseAnswer reads "a", "accept", "f some note"… It returns verb "" for an
// answer it does not understand, "skip", "quit", or "review" with a status.
func parseAnswer(line string) (status baseline.Status, note, verb string) {
	word, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	note = strings.TrimSpace(rest)
	switch strings.ToLower(word) {
	case "a", "accept", "accepted":
		return baseline.Accepted, note, "review"
	case "f", "fp", "false", "false_positive":
		return baseline.FalsePositive, note, "review"
	case "r", "revoke", "revoked":
		return baseline.Revoked, note, "review"
	case "s", "skip":
		return "", "", "skip"
	case "q", "quit":
		return "", "", "quit"
	}
	return "", "", ""
}

// DefaultReviewer is git's user.name <user.email> for repo (nil: none),
// else the user name getenv gives ($USER), else "unknown".
func DefaultReviewer(repo *gitwalk.Repo, getenv func(string) string) string {
	if repo != nil {
		name, email := repo.User()
		switch {
		case name != "" && email != "":
			return name + " <" + email + ">"
		case name != "":
			return name
		case email != "":
			return email
		}
	}
	if u := getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// auditor shows entries with their context.
type auditor struct {
	repo    *gitwalk.Repo // nil for a plain directory
	root    string
	d       *detect.Detector
	context int
	color   bool
	out     io.Writer
}

// ANSI styles of the audit's display.
const (
	auditBold  = "\x1b[1m"
	auditRed   = "\x1b[31m"
	auditDim   = "\x1b[2m"
	auditReset = "\x1b[0m"
)

func (a *auditor) paint(code, s string) string {
	if !a.color {
		return s
	}
	return code + s + auditReset
}

// content returns the file an entry was found in, as it was then.
func (a *auditor) content(e *baseline.Entry) ([]byte, error) {
	if !filepath.IsLocal(filepath.FromSlash(e.File)) {
		return nil, fmt.Errorf("%q is not a path inside the repository", e.File)
	}
	if e.Commit != "" && a.repo != nil {
		id, err := gitwalk.ParseID(e.Commit)
		if err != nil {
			return nil, fmt.Errorf("bad commit id %q", e.Commit)
		}
		b, ok, err := a.repo.FileAt(id, e.File, 0)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("commit %.10s has no file %s", e.Commit, e.File)
		}
		return b, nil
	}
	if a.root == "" {
		return nil, errors.New("no work tree to read it from")
	}
	// Only a regular file inside the work tree: never what a link there
	// points at, nor a FIFO.
	return safefile.ReadFile(context.Background(), a.root, e.File, leak.DefaultMaxFileSize)
}

// locate finds the match with the entry's fingerprint in content.
func (a *auditor) locate(e *baseline.Entry, content []byte) (*detect.Match, error) {
	res, err := a.d.Detect(&leak.Fragment{Content: content, Sources: []leak.Source{{Path: e.File}}})
	if err != nil {
		return nil, err
	}
	for i := range res.Matches {
		m := &res.Matches[i]
		if leak.Fingerprint(m.RuleID(), m.Secret) == e.Fingerprint {
			return m, nil
		}
	}
	return nil, errors.New("the rules no longer find it there")
}

// show prints entry k of n with the lines around its secret.
func (a *auditor) show(k, n int, e *baseline.Entry) {
	w := a.out
	desc := ""
	if r := a.d.Rule(e.RuleID); r != nil {
		desc = r.Description
		if r.Severity != "" {
			desc = "(" + r.Severity + ") " + desc
		}
	}
	fmt.Fprintf(w, "%s %s %s\n", a.paint(auditBold, fmt.Sprintf("[%d/%d]", k, n)), a.paint(auditBold, e.RuleID), a.paint(auditDim, report.TermSafe(desc)))
	where := fmt.Sprintf("%s:%d", report.TermSafe(e.File), e.Line)
	if e.Commit != "" {
		where += "  commit " + report.ShortID(e.Commit)
	}
	fmt.Fprintf(w, "  %s\n", where)
	fmt.Fprintf(w, "  status %s", e.Status)
	if e.Note != "" {
		fmt.Fprintf(w, "  note %q", e.Note)
	}
	fmt.Fprintf(w, "  id %s\n\n", e.Fingerprint)

	if r := a.d.Rule(e.RuleID); r != nil && r.Regex == "" {
		fmt.Fprintf(w, "  the file itself is the finding: rule %s matches its path\n\n", e.RuleID)
		return
	}
	content, err := a.content(e)
	if err != nil {
		fmt.Fprintf(w, "  cannot show it: %s\n\n", report.TermSafe(err.Error()))
		return
	}
	if leak.IsBinary(content) {
		fmt.Fprint(w, "  a binary file: not shown\n\n")
		return
	}
	m, err := a.locate(e, content)
	if err != nil {
		fmt.Fprintf(w, "  cannot find the secret (%s); the lines around line %d:\n", report.TermSafe(err.Error()), e.Line)
		a.lines(content, e.Line, e.Line, nil)
		return
	}
	a.lines(content, m.Line, m.EndLine, m)
}

// lines prints lines first-context..last+context of content, numbered, with
// m's secret highlighted.
func (a *auditor) lines(content []byte, first, last int, m *detect.Match) {
	all := strings.Split(strings.TrimSuffix(string(content), "\n"), "\n")
	lo, hi := max(first-a.context, 1), min(last+a.context, len(all))
	width := len(fmt.Sprint(hi))
	for i := lo; i <= hi; i++ {
		text := strings.TrimRight(all[i-1], "\r")
		marker := "  "
		if i >= first && i <= last {
			marker = a.paint(auditBold+auditRed, "→ ")
		}
		shown, caret := text, ""
		if m != nil && i >= m.Line && i <= m.EndLine {
			shown, caret = a.highlight(text, i, m)
		} else {
			shown = report.TermSafe(clip(text, 0, len(text)))
		}
		fmt.Fprintf(a.out, "  %s%*d │ %s\n", marker, width, i, shown)
		if caret != "" {
			fmt.Fprintf(a.out, "  %s │ %s\n", strings.Repeat(" ", width+2), caret)
		}
	}
	fmt.Fprintln(a.out)
}

// highlight returns line number i of m's secret, with the secret's part
// marked: painted, or without colour underlined on a caret line.
func (a *auditor) highlight(text string, i int, m *detect.Match) (string, string) {
	start, end := 0, len(text)
	if i == m.Line {
		start = min(m.Column-1, len(text))
	}
	if i == m.EndLine {
		end = min(max(m.EndColumn, start), len(text))
	}
	pre := report.TermSafe(clip(text[:start], -1, start))
	sec := report.TermSafe(text[start:end])
	post := report.TermSafe(clip(text[end:], 0, len(text)-end))
	if a.color {
		return pre + a.paint(auditBold+auditRed, sec) + post, ""
	}
	return pre + sec + post, strings.Repeat(" ", utf8.RuneCountInString(pre)) + strings.Repeat("^", max(utf8.RuneCountInString(sec), 1))
}

// clip shortens long text for display: from its end (dir < 0, the text
// before a secret) or its start, keeping about 80 bytes.
func clip(s string, dir, n int) string {
	const keep = 80
	if n <= keep+20 {
		return s
	}
	if dir < 0 {
		cut := len(s) - keep
		for cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut++
		}
		return "…" + s[cut:]
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// WriteStats writes the number of entries of b per rule and status, a
// table, and what to do next; file names b in the advice.
func WriteStats(w io.Writer, file string, b *baseline.Baseline) error {
	counts := b.Counts()
	rules := make([]string, 0, len(counts))
	width := len("total")
	for r := range counts {
		rules = append(rules, r)
		width = max(width, len(r))
	}
	slices.Sort(rules)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-*s", width, "RULE")
	for _, s := range baseline.Statuses() {
		fmt.Fprintf(&sb, "  %s", strings.ToUpper(string(s)))
	}
	sb.WriteString("  TOTAL\n")
	totals := map[baseline.Status]int{}
	row := func(name string, m map[baseline.Status]int) {
		fmt.Fprintf(&sb, "%-*s", width, name)
		sum := 0
		for _, s := range baseline.Statuses() {
			fmt.Fprintf(&sb, "  %*d", len(s), m[s])
			sum += m[s]
		}
		fmt.Fprintf(&sb, "  %5d\n", sum)
	}
	for _, r := range rules {
		row(r, counts[r])
		for s, n := range counts[r] {
			totals[s] += n
		}
	}
	row("total", totals)
	if n := len(b.Stale()); n > 0 {
		fmt.Fprintf(&sb, "%d entr%s of an older fingerprint version: run 'leakhound baseline update'\n", n, report.PluralY(n))
	}
	if totals[baseline.Unreviewed] > 0 {
		fmt.Fprintf(&sb, "%d unreviewed in %s: review them with 'leakhound baseline audit'\n", totals[baseline.Unreviewed], file)
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
