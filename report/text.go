package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leakhound/leakhound/leak"
)

// Text writes a report for people: one block per finding, most urgent
// first, then what to do about them, then a summary. Each finding shows
// its severity, its context (production, test, docs, publicly known...)
// and its confidence. Findings from git history are grouped by where the
// secret still lives (see Where): "still in main and release/2.x: rotate,
// then remove", "still in branch experiment", "in history only: rotate",
// or, for staged changes, "staged, not committed yet: fix before you
// commit"; groups come in the order of their most urgent finding. Each
// finding says in one line what to do, and the advice behind that line is
// printed once.
type Text struct {
	// Color adds ANSI colours.
	Color bool
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
	// Verbose names every skipped file in the summary; by default the
	// first few (ShownSkipped) are named, and the rest counted.
	Verbose bool
	// Review, when not nil, says the commits scanned are a merge
	// request's, not yet merged: the advice is to take each secret out of
	// them (amend, rebase), not to purge the repository's history.
	Review *Review
}

// Review describes commits under review: a pull or merge request's, or a
// branch's own, not yet on its base branch.
type Review struct {
	// Head is the id of the branch's tip: a secret introduced there is
	// taken out by amending it, an older one by a rebase.
	Head string
	// What names them for people: "this merge request", "this pull
	// request", "this branch".
	What string
}

// ShownSkipped is how many skipped files a text summary names without
// Verbose.
const ShownSkipped = 5

var _ Reporter = Text{}

const (
	bold   = "\x1b[1m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	dim    = "\x1b[2m"
	reset  = "\x1b[0m"
)

func (t Text) paint(code, s string) string {
	if !t.Color {
		return s
	}
	return code + s + reset
}

// Write writes r as text.
func (t Text) Write(w io.Writer, r *Report) error {
	// view escapes every string of r but the summary's skipped files'
	// paths (see skippedFiles): the rest is written as it comes.
	r = view(r, t.ShowSecrets, true)
	var b strings.Builder
	s := &r.Summary
	staged, messages := false, false
	switch {
	case len(r.Findings) == 0:
	case s.Mode != "git":
		for i := range r.Findings {
			t.finding(&b, &r.Findings[i], fixFile, "")
		}
	default:
		// Group by where each secret still lives (the default branch,
		// other branches, tags only, history only, staged), groups in the
		// order of their most urgent finding; each finding names its refs.
		var order []string
		groups := map[string][]*leak.Finding{}
		for i := range r.Findings {
			f := &r.Findings[i]
			staged = staged || f.Staged
			k := group(f, s)
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], f)
		}
		for _, k := range order {
			fs := groups[k]
			fix, what := fixHistory, "rotate"
			switch {
			case fs[0].Staged:
				fix, what = fixStaged, "fix before you commit"
			case s.HeadRef == "" && len(fs[0].Refs) == 0:
				fix = fixUnknown
			case len(fs[0].Refs) > 0 && fs[0].InHead:
				fix, what = fixInHead, "rotate, then remove"
			case len(fs[0].Refs) > 0:
				fix, what = fixInRefs, "rotate, then remove there"
			}
			t.heading(&b, fmt.Sprintf("%s: %s (%d)", k, what, len(fs)))
			for _, f := range fs {
				fx := fix
				if onlyInMessages(f) {
					fx, messages = fixMessage, true
				}
				t.finding(&b, f, fx, s.HeadRef)
			}
		}
	}
	switch {
	case len(r.Findings) == 0:
	case t.Review != nil && s.Mode == "git" && !staged:
		t.reviewAdvice(&b, r.Findings)
	default:
		t.advice(&b, s.Mode == "git", staged, messages)
	}
	t.summary(&b, s, r.Findings)
	_, err := io.WriteString(w, b.String())
	return err
}

// onlyInMessages reports whether every place of f is a commit's or tag's
// message.
func onlyInMessages(f *leak.Finding) bool {
	if !f.InMessage() {
		return false
	}
	for i := range f.Locations {
		if !f.Locations[i].InMessage() {
			return false
		}
	}
	return true
}

// group is the heading of the group a finding of git history belongs to.
func group(f *leak.Finding, s *Summary) string {
	head := s.HeadRef
	switch {
	case f.Staged:
		return "Staged, not committed yet"
	case len(f.Refs) == 0 && head == "":
		return "In history (no default branch to compare with)"
	case len(f.Refs) == 0:
		return "In history only"
	case slices.Contains(f.Refs, head) || f.InHead:
		return "Still in " + headName(s)
	}
	for _, r := range f.Refs {
		if !strings.HasPrefix(r, "refs/tags/") {
			return "Still in other branches, not in " + headName(s)
		}
	}
	return "Still in tags only"
}

// Where says in words where a finding's secret still lives: "staged, not
// committed yet", "still in main and release/2.x", "still in branch
// experiment", "still in tags v1.0 and v1.1", "in history only" (head is
// the default branch's ref; empty when unknown). Outside git history it
// is "in the files scanned".
func Where(f *leak.Finding, head string) string {
	switch {
	case f.Staged:
		return "staged, not committed yet"
	case f.Commit == "" && len(f.Refs) == 0 && f.InHead:
		return "in the files scanned"
	case len(f.Refs) == 0 && head == "":
		return "in history (no default branch to compare with)"
	case len(f.Refs) == 0:
		return "in history only"
	}
	var first []string
	var branches, remotes, tags []string
	for _, r := range f.Refs {
		switch {
		case r == head:
			first = append(first, shortRef(r))
		case strings.HasPrefix(r, "refs/heads/"):
			branches = append(branches, shortRef(r))
		case strings.HasPrefix(r, "refs/remotes/"):
			remotes = append(remotes, shortRef(r))
		case strings.HasPrefix(r, "refs/tags/"):
			tags = append(tags, shortRef(r))
		default:
			branches = append(branches, shortRef(r))
		}
	}
	// Each name, the first of branches or tags led by its word when that
	// helps, the rest of a long list counted.
	var parts []string
	parts = append(parts, first...)
	add := func(one, many string, names []string, lead bool) {
		if len(names) == 0 {
			return
		}
		const show = 3
		list := slices.Clone(names[:min(len(names), show)])
		if lead {
			if len(names) > 1 {
				list[0] = many + " " + list[0]
			} else {
				list[0] = one + " " + list[0]
			}
		}
		if n := len(names) - len(list); n > 0 {
			list = append(list, fmt.Sprintf("%d more", n))
		}
		parts = append(parts, list...)
	}
	add("branch", "branches", append(branches, remotes...), len(first) == 0)
	add("tag", "tags", tags, true)
	if len(parts) == 1 {
		return "still in " + parts[0]
	}
	return "still in " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// shortRef is a ref's name as people write it: main, origin/main, v1.0.
func shortRef(r string) string {
	for _, p := range []string{"refs/heads/", "refs/remotes/", "refs/tags/"} {
		if strings.HasPrefix(r, p) {
			return escape(strings.TrimPrefix(r, p))
		}
	}
	return escape(r)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// headName is the short name of the default branch: "main" (s is
// escaped already, see Write).
func headName(s *Summary) string {
	if s.HeadRef == "" && len(s.Repositories) > 0 {
		return "the default branch"
	}
	name := s.HeadRef
	for _, p := range []string{"refs/heads/", "refs/remotes/"} {
		name = strings.TrimPrefix(name, p)
	}
	return name
}

func (t Text) heading(b *strings.Builder, s string) {
	fmt.Fprintf(b, "%s\n\n", t.paint(bold, "── "+s))
}

// The one-line remediation of a finding, by where the secret is; the
// advice it points to is printed once, after the findings.
const (
	fixInHead  = "rotate it first; then remove it from the code and purge it from history (see What to do)"
	fixHistory = "rotate it first; purging it from history alone does not revoke it (see What to do)"
	fixUnknown = "rotate it first; then remove it from the code and history (see What to do)"
	fixFile    = "rotate it first; then remove it from the file (see What to do)"
	fixInRefs  = "rotate it first; then remove it from those branches and tags (or delete them) and purge it from history (see What to do)"
	// fixMessage is a secret only in messages of commits or tags: no
	// change to a file removes it.
	fixMessage = "rotate it first; it is in a commit's or tag's message, which only rewriting history removes (see What to do)"
	fixStaged  = "unstage it and take it out of the file before you commit; if it was ever used, rotate it (see What to do)"
	// fixKnown replaces the others for a publicly known value: there is
	// nothing to revoke, only a value anyone can use to replace.
	fixKnown = "published, so nothing to revoke: if anything accepts it, replace it with a secret of your own; if it is an example, allow it"
	// fixEmpty is an empty file that a rule on paths alone reports (an
	// empty .p12): nothing in it to revoke.
	fixEmpty = "empty, so nothing to revoke: keep key stores out of the repository (ignore the file's name in .gitignore) or allow it"
)

// advice is printed once after the findings.
func (t Text) advice(b *strings.Builder, git, staged, messages bool) {
	fmt.Fprintln(b, t.paint(bold, "What to do"))
	if staged {
		fmt.Fprint(b, `  1. Not committed yet: take the secret out of the file (read it from the
     environment or a secret store), then git add the file again and commit.
     Nothing is in history, so there is nothing to purge.
  2. If the secret was ever pushed, shared or used anywhere else, rotate it.
  3. Not a secret, or a risk you accept? End the line with a comment holding
     leakhound:allow, or record it in the baseline (leakhound baseline
     update --staged, then git add .secretsbaseline.json).

`)
		return
	}
	fmt.Fprint(b, `  1. Rotate each secret first: revoke it where it was issued and issue a new
     one. Deleting it is not enough: every clone, fork, CI cache and log that
     has seen it keeps it.
`)
	if !git {
		fmt.Fprint(b, `  2. Remove it from the file: read it from the environment or a secret store.
  3. Not a secret, or a risk you accept? Record it in a baseline:
     leakhound baseline create --no-git, then leakhound baseline audit.

`)
		return
	}
	fmt.Fprint(b, `  2. Still in a branch or tag: replace it in the code with a lookup (an
     environment variable, a secret store) and commit, on each branch that
     holds it; delete or move tags that hold it.
  3. Then purge it from history: put each secret on a line of a file
     (SECRET==>REMOVED) and run  git filter-repo --replace-text FILE
     then force-push every branch and tag and have everyone clone afresh.
`)
	if messages {
		fmt.Fprint(b, `     A secret in a commit's message: add  --replace-message FILE  (the same
     file); in an annotated tag's message: delete the tag and tag again.
`)
	}
	fmt.Fprint(b, `  4. Not a secret, or a risk you accept? Record it in a baseline:
     leakhound baseline create (or update), then leakhound baseline audit.

`)
}

// reviewAdvice is the advice for secrets found in commits under review:
// rewrite those commits, as the pre-push hook says, before they are merged.
func (t Text) reviewAdvice(b *strings.Builder, fs []leak.Finding) {
	what := t.Review.What
	if what == "" {
		what = "this branch"
	}
	fmt.Fprintln(b, t.paint(bold, "What to do"))
	fmt.Fprint(b, `  1. Rotate each secret first: it has been pushed, so treat it as exposed
     (CI logs, forks and clones may hold it). Revoke it and issue a new one.
`)
	fmt.Fprintf(b, "  2. It is only in the commits of %s: take it out of them before they\n", escape(what))
	fmt.Fprint(b, "     are merged, then force-push the branch (git push --force-with-lease):\n")
	var order []string
	seen := map[string]bool{}
	for i := range fs {
		if c := fs[i].Commit; c != "" && !seen[c] {
			seen[c] = true
			order = append(order, c)
		}
	}
	rewriteSteps(b, order, func(c string) bool { return c == t.Review.Head })
	fmt.Fprint(b, `  3. Not a secret, or a risk you accept? End the line with a comment holding
     leakhound:allow; or have the baseline on the base branch record it
     (leakhound baseline update there): a baseline changed in the same merge
     request does not count until it is merged.

`)
}

// rewriteSteps says how to take a secret out of each commit of order
// before it is pushed or merged: amend the last commit (last says which
// that is), rebase an older one.
func rewriteSteps(b *strings.Builder, order []string, last func(commit string) bool) {
	for _, c := range order {
		if last(c) {
			fmt.Fprintf(b, "       %s is the last commit: fix the file, git add it, then git commit --amend\n", ShortID(c))
		} else {
			fmt.Fprintf(b, "       %s is older: git rebase -i %s~1  (mark it \"edit\", fix the file, git commit --amend, git rebase --continue)\n", ShortID(c), ShortID(c))
		}
	}
}

func (t Text) finding(b *strings.Builder, f *leak.Finding, fix, head string) {
	sev := severity(f)
	color := yellow
	switch sev {
	case "critical", "high":
		color = red
	case "low", "info":
		color = dim
	}
	fmt.Fprintf(b, "%s %s %s %s\n", t.paint(bold+color, "●"), t.paint(bold+color, strings.ToUpper(sev)), t.paint(bold, f.RuleID), t.paint(dim, f.Description))
	fmt.Fprintf(b, "  context  %s, %s confidence%s\n", contextLabel(f), confidence(f), checksumNote(f))
	if f.Context.Known != "" {
		fmt.Fprintf(b, "  known    anyone can use this key: %s\n", f.Context.Known)
	}
	if len(f.Refs) > 0 {
		fmt.Fprintf(b, "  where    %s\n", Where(f, head))
	}
	secret := f.Secret
	if secret == "" {
		secret = "(the file itself)"
	}
	if f.Decoded != "" {
		secret += "  (decoded from " + f.Decoded + ")"
	}
	fmt.Fprintf(b, "  secret   %s\n", secret)
	if f.Repository != "" {
		fmt.Fprintf(b, "  repo     %s\n", f.Repository)
	}
	fmt.Fprintf(b, "  file     %s:%d:%d\n", f.File, f.Line, f.Column)
	if f.Commit != "" {
		fmt.Fprintf(b, "  commit   %s  %s  %s <%s>\n", ShortID(f.Commit), f.Date.UTC().Format(time.DateOnly), f.Author, f.Email)
		if msg, _, _ := strings.Cut(f.Message, "\n"); msg != "" {
			fmt.Fprintf(b, "           %s\n", msg)
		}
	}
	if n := len(f.Locations); n > 0 {
		fmt.Fprintf(b, "  also in  %d other place%s:\n", n, Plural(n))
		for _, l := range f.Locations[:min(n, 5)] {
			if l.Repository != f.Repository {
				fmt.Fprintf(b, "           %s: %s:%d (%s)\n", l.Repository, l.File, l.Line, ShortID(l.Commit))
				continue
			}
			if l.Commit != "" {
				fmt.Fprintf(b, "           %s:%d (%s)\n", l.File, l.Line, ShortID(l.Commit))
			} else {
				fmt.Fprintf(b, "           %s:%d\n", l.File, l.Line)
			}
		}
		if n > 5 {
			fmt.Fprintf(b, "           … and %d more\n", n-5)
		}
	}
	switch {
	case f.Context.Known != "" && !f.Staged:
		fix = fixKnown
	case slices.Contains(f.Tags, "empty"):
		fix = fixEmpty
	}
	fmt.Fprintf(b, "  fix      %s\n", fix)
	fmt.Fprintf(b, "  id       %s\n\n", f.Fingerprint)
}

func (t Text) summary(b *strings.Builder, s *Summary, fs []leak.Finding) {
	for _, r := range s.Repositories {
		if r.Error != "" {
			fmt.Fprintf(b, "%s %s: %s\n", t.paint(bold+red, "FAILED"), r.Repository, r.Error)
			continue
		}
		line := fmt.Sprintf("%s: %d commit%s, %d file%s", r.Repository, r.Commits, Plural(r.Commits), r.Blobs, Plural(r.Blobs))
		if r.Cached > 0 {
			line += fmt.Sprintf(" (%d cached)", r.Cached)
		}
		line += fmt.Sprintf(", %d leak%s (%d still in HEAD)", r.Findings, Plural(r.Findings), r.InHead)
		if r.Incomplete {
			line += fmt.Sprintf(", INCOMPLETE: %d object%s unreadable", r.Errors, Plural(r.Errors))
		}
		fmt.Fprintln(b, line)
	}
	var parts []string
	in := s.Interrupted
	switch {
	case s.Mode == "git" && in != nil:
		parts = append(parts, fmt.Sprintf("%d of %d commit%s", in.CommitsDone, s.Commits, Plural(s.Commits)))
	case s.Mode == "git":
		parts = append(parts, fmt.Sprintf("%d commit%s", s.Commits, Plural(s.Commits)))
	}
	if in != nil && in.Files > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d file%s (%s)", s.Blobs, in.Files, Plural(in.Files), HumanBytes(s.Bytes)))
	} else {
		parts = append(parts, fmt.Sprintf("%d file%s (%s)", s.Blobs, Plural(s.Blobs), HumanBytes(s.Bytes)))
	}
	line := "scanned " + strings.Join(parts, ", ")
	if s.Range != "" {
		line += " of " + s.Range
	}
	line += fmt.Sprintf(" in %s", s.Duration.Round(time.Millisecond))
	if s.Mode == "git" && in == nil && s.Commits == 0 && s.Blobs == 0 && len(s.Repositories) == 0 && s.Range != "staged changes" {
		// An empty repository, or a range without commits: say so, not
		// "scanned 0 commits … no leaks found".
		if s.Range == "all refs" || s.Range == "" {
			fmt.Fprintln(b, "nothing to scan: the repository has no commits yet")
		} else {
			fmt.Fprintf(b, "nothing to scan: no commits in %s\n", s.Range)
		}
	} else if in == nil || !in.Walking || s.Mode != "git" {
		// (Interrupted while walking history, nothing was scanned: the
		// INCOMPLETE line says so.)
		fmt.Fprintln(b, line)
	}
	if len(s.Skipped) > 0 {
		keys := make([]leak.SkipReason, 0, len(s.Skipped))
		for k, v := range s.Skipped {
			if v > 0 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		var sk []string
		for _, k := range keys {
			sk = append(sk, fmt.Sprintf("%d %s", s.Skipped[k], k))
		}
		if len(sk) > 0 {
			fmt.Fprintf(b, "skipped: %s\n", strings.Join(sk, ", "))
		}
		t.skippedFiles(b, s)
	}
	if s.Shallow {
		fmt.Fprintln(b, "note: the repository is a shallow clone; history before its boundary was not scanned")
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(b, "warning: %s\n", w)
	}
	if s.Incomplete {
		fmt.Fprintf(b, "%s: %s\n", t.paint(bold+red, "INCOMPLETE"), s.IncompleteReason())
	}
	if s.Filtered > 0 {
		fmt.Fprintf(b, "%d finding%s below %s not shown\n", s.Filtered, Plural(s.Filtered), s.FilteredBelow)
	}
	if n := s.KnownLeftOut; n > 0 {
		verb := "open"
		if n == 1 {
			verb = "opens"
		}
		fmt.Fprintf(b, "not reported: %d publicly known example value%s that %s no account (--include-known reports them)\n", n, Plural(n), verb)
	}
	if s.Baseline != "" {
		fmt.Fprintf(b, "baseline %s: %d known secret%s not reported\n", s.Baseline, s.Baselined, Plural(s.Baselined))
	}
	switch {
	case s.Findings == 0 && s.Interrupted != nil && s.Interrupted.Walking && s.Mode == "git":
		fmt.Fprintln(b, "nothing was scanned: the scan was interrupted")
	case s.Findings == 0 && s.Interrupted != nil:
		fmt.Fprintln(b, "no leaks found in what was scanned before the interruption")
	case s.Findings == 0 && s.Baseline != "":
		fmt.Fprintln(b, "no new leaks found")
	case s.Findings == 0:
		fmt.Fprintln(b, "no leaks found")
	default:
		what := "leak"
		if s.Baseline != "" {
			what = "new leak"
		}
		line := t.paint(bold+red, fmt.Sprintf("%d %s%s found", s.Findings, what, Plural(s.Findings)))
		switch {
		case len(fs) > 0 && fs[0].Staged:
			line += " in staged changes, not committed yet"
		case s.Mode == "git" && s.HeadRef != "":
			elsewhere := 0
			for i := range fs {
				if !fs[i].InHead && len(fs[i].Refs) > 0 {
					elsewhere++
				}
			}
			if elsewhere > 0 {
				line += fmt.Sprintf(" (%d still in %s, %d still in other branches or tags, %d in history only)", s.InHead, headName(s), elsewhere, s.Findings-s.InHead-elsewhere)
			} else {
				line += fmt.Sprintf(" (%d still in %s, %d in history only)", s.InHead, headName(s), s.Findings-s.InHead)
			}
		}
		fmt.Fprintln(b, line)
		if by := bySeverity(fs); by != "" {
			fmt.Fprintf(b, "by severity: %s\n", by)
		}
	}
}

// skippedFiles names the skipped files of the summary, the first few
// unless t.Verbose.
func (t Text) skippedFiles(b *strings.Builder, s *Summary) {
	fs := s.SkippedFiles
	if !t.Verbose && len(fs) > ShownSkipped {
		fs = fs[:ShownSkipped]
	}
	width := 0
	for _, f := range fs {
		width = max(width, len(f.Reason))
	}
	for _, f := range fs {
		line := fmt.Sprintf("  %-*s  %s", width, f.Reason, escape(f.Path))
		var notes []string
		if f.Size > 0 {
			notes = append(notes, HumanBytes(f.Size))
		}
		if f.Commit != "" {
			notes = append(notes, "commit "+ShortID(f.Commit))
		}
		if len(notes) > 0 {
			line += " (" + strings.Join(notes, ", ") + ")"
		}
		fmt.Fprintln(b, line)
	}
	total := 0
	for r, n := range s.Skipped {
		if r != leak.SkipAllowlistedPath && r != leak.SkipCached && r != leak.SkipSubmodule && r != leak.SkipTreeTooLarge && r != leak.SkipMessageCut {
			total += n
		}
	}
	if more := max(total, len(s.SkippedFiles)) - len(fs); more > 0 && len(fs) > 0 {
		hint := " (--verbose names them all; so does -f json)"
		if t.Verbose {
			hint = " (not listed: too many)"
		}
		fmt.Fprintf(b, "  … and %d more%s\n", more, hint)
	}
}

// ShortID abbreviates a commit or blob id to its first 10 characters.
func ShortID(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// PluralY returns "y" when n is 1, else "ies": "entr"+PluralY(n).
func PluralY(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

// Plural returns "s" unless n is 1.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// HumanBytes writes a byte count for people: "3.9 GiB".
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// escapeStyle is how escapeAs writes the characters it escapes.
type escapeStyle int

const (
	// quoteStyle is for values in a report (a file name, a ref, an
	// author, a commit message): the whole value as Go quotes it, without
	// the quotes: \n, \t, \x1b, \u009b, \u202e, \xff, and \" and \\
	// too, so that it reads back as it was: a file named a\x1b is told
	// apart from one named a<ESC>.
	quoteStyle escapeStyle = iota
	// byteStyle is for messages (errors, warnings, what a hook tells a
	// pusher), which quote names themselves: each byte of what must be
	// escaped as \xNN, and nothing else changed, so that the message's
	// quotes, backslashes (a Windows path) and tabs read as written.
	byteStyle
)

// escapeAs makes s safe to print on a terminal or to write in a
// line-based format (CSV, workflow commands): the characters a terminal
// or a reader acts on are escaped, per style. Those are the C0 control
// characters but tab (newline, carriage return, escape), DEL, the C1
// control characters (U+0080 to U+009F: CSI among them), the
// bidirectional overrides and isolates that reorder what is shown (U+202A
// to U+202E, U+2066 to U+2069), and bytes that are not UTF-8. A string
// with none of them, tabs and all, comes back as it is; what escapeAs
// returns has none of them.
func escapeAs(s string, style escapeStyle) string {
	if !needsEscape(s) {
		return s
	}
	if style == quoteStyle {
		q := strconv.Quote(s)
		return q[1 : len(q)-1]
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			for _, c := range []byte(s[i : i+size]) {
				fmt.Fprintf(&b, "\\x%02x", c)
			}
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// escape is escapeAs for a value in a report (quoteStyle).
func escape(s string) string { return escapeAs(s, quoteStyle) }

// TermSafe makes a message from or about a repository (an error, a
// warning, a file name in a notice) safe to print on a terminal: control
// characters (escape sequences), bidirectional overrides and invalid UTF-8
// are shown as \xNN; tabs, quotes and backslashes stay (see escapeAs).
func TermSafe(s string) string { return escapeAs(s, byteStyle) }

// needsEscape reports whether s holds a character escapeAs escapes.
func needsEscape(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return true // not UTF-8; U+FFFD itself is harmless
			}
		} else if unsafeRune(r) {
			return true
		}
	}
	return false
}

// unsafeRune reports whether escapeAs escapes r: a control character but
// tab, or a bidirectional override or isolate.
func unsafeRune(r rune) bool {
	return r < 0x20 && r != '\t' || r >= 0x7f && r < 0xa0 ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
