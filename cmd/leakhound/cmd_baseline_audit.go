package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/leakhound/leakhound/report"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
)

// runBaselineAudit runs `leakhound baseline audit`.
func runBaselineAudit(ctx context.Context, opts baselineAuditOptions, args []string, io stdio) error {
	path := pathArg(args)
	repo, err := gitwalk.Open(path)
	root := path
	switch {
	case errors.Is(err, gitwalk.ErrNotRepository):
		repo = nil // a baseline of a plain directory (--no-git)
	case err != nil:
		return usageError(err)
	default:
		defer repo.Close()
		root = repo.WorkTree()
	}
	file := opts.file
	if file == "" {
		if root == "" {
			return usageError(fmt.Errorf("%s is a bare repository: name the baseline file with --baseline", path))
		}
		file = filepath.Join(root, baseline.FileName)
	}
	b, err := baseline.Load(file)
	if err != nil {
		return usageError(err)
	}
	if opts.stats {
		return printBaselineStats(io.out, file, b)
	}
	if !opts.terminal && !(isTerminal(io.in) && isTerminal(io.out)) {
		return usageError(errors.New("baseline audit shows the secrets, so it runs only with standard input and output on a terminal; --stats prints counts anywhere"))
	}
	if err := b.Check(file); err != nil {
		return usageError(err)
	}
	var fromRepo func() ([]byte, bool, error)
	if repo != nil && root == "" {
		fromRepo = func() ([]byte, bool, error) {
			ref, err := repo.DefaultBranch()
			if err != nil {
				return nil, false, nil
			}
			return repo.FileAt(ref.ID, rulesFileName, 0)
		}
	}
	cfg, err := loadConfig(opts.config, root, fromRepo)
	if err != nil {
		return err
	}
	d, err := detect.New(cfg, detect.Options{IgnoreInlineAllows: true})
	if err != nil {
		return err
	}
	reviewer := opts.reviewer
	if reviewer == "" {
		reviewer = defaultReviewer(repo)
	}
	a := &auditor{
		repo: repo, root: root, d: d, context: max(opts.context, 0),
		color: !opts.noColor && os.Getenv("NO_COLOR") == "",
		out:   io.out,
	}

	b.Sort()
	var todo []string
	for _, e := range b.Entries {
		if opts.all || e.Status == baseline.Unreviewed {
			todo = append(todo, e.Fingerprint)
		}
	}
	if len(todo) == 0 {
		fmt.Fprintf(io.out, "nothing to review in %s: every entry has a status (--all reviews them again)\n", file)
		return nil
	}

	stop := make(chan struct{})
	defer close(stop)
	answers := readLines(io.in, stop)
	counts := map[baseline.Status]int{}
	skipped := 0
	interrupted := false
loop:
	for k, fp := range todo {
		e := b.Lookup(fp)
		a.show(k+1, len(todo), e)
		for {
			fmt.Fprint(io.out, a.paint(auditBold, "[a]ccept  [f]alse positive  [r]evoked  [s]kip  [q]uit")+"  (a note may follow the letter) > ")
			var line string
			var ok bool
			select {
			case <-ctx.Done():
				interrupted = true
				fmt.Fprintln(io.out)
				break loop
			case line, ok = <-answers:
			}
			if !ok {
				fmt.Fprintln(io.out)
				break loop
			}
			status, note, verb := parseAnswer(line)
			switch verb {
			case "quit":
				break loop
			case "skip":
				skipped++
				fmt.Fprint(io.out, "  skipped\n\n")
				continue loop
			case "":
				fmt.Fprintln(io.out, "  answer a, f, r, s or q")
				continue
			}
			if err := b.Review(fp, status, note, reviewer, time.Now()); err != nil {
				return err
			}
			if err := saveBaseline(file, b); err != nil {
				return err
			}
			counts[status]++
			fmt.Fprintf(io.out, "  %s, saved\n\n", strings.ReplaceAll(string(status), "_", " "))
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
	fmt.Fprintf(io.out, "reviewed %d (%d accepted, %d false positive, %d revoked), skipped %d; %d unreviewed left in %s\n",
		reviewed, counts[baseline.Accepted], counts[baseline.FalsePositive], counts[baseline.Revoked], skipped, left, file)
	if interrupted {
		return &exitError{code: interruptedCode(ctx), err: errors.New("interrupted: the answers given are saved")}
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

// defaultReviewer is git's user.name <user.email>, else $USER.
func defaultReviewer(repo *gitwalk.Repo) string {
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
	if u := os.Getenv("USER"); u != "" {
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
		if !gitwalk.IsID(e.Commit) {
			return nil, fmt.Errorf("bad commit id %q", e.Commit)
		}
		b, ok, err := a.repo.FileAt(newID(e.Commit), e.File, 0)
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
	return os.ReadFile(filepath.Join(a.root, filepath.FromSlash(e.File)))
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
	fmt.Fprintf(w, "%s %s %s\n", a.paint(auditBold, fmt.Sprintf("[%d/%d]", k, n)), a.paint(auditBold, e.RuleID), a.paint(auditDim, termSafe(desc)))
	where := fmt.Sprintf("%s:%d", termSafe(e.File), e.Line)
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
		fmt.Fprintf(w, "  cannot show it: %s\n\n", termSafe(err.Error()))
		return
	}
	if bytes.IndexByte(content[:min(len(content), 8000)], 0) >= 0 {
		fmt.Fprint(w, "  a binary file: not shown\n\n")
		return
	}
	m, err := a.locate(e, content)
	if err != nil {
		fmt.Fprintf(w, "  cannot find the secret (%s); the lines around line %d:\n", termSafe(err.Error()), e.Line)
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
			shown = termSafe(clip(text, 0, len(text)))
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
	pre := termSafe(clip(text[:start], -1, start))
	sec := termSafe(text[start:end])
	post := termSafe(clip(text[end:], 0, len(text)-end))
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

// termSafe makes text from a repository safe to print on a terminal:
// control characters (escape sequences) and invalid UTF-8 are shown as
// \xNN; tabs stay.
func termSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1,
			r < 0x20 && r != '\t', r == 0x7f, r >= 0x80 && r < 0xa0:
			for _, c := range []byte(s[i : i+size]) {
				fmt.Fprintf(&b, "\\x%02x", c)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
