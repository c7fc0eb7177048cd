package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// hookOptions are the flags of the hook commands.
type hookOptions struct {
	config  string
	prePush bool
	commit  bool
	force   bool
}

func newHookCommand(io stdio) *cobra.Command {
	var opts hookOptions
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "Install and run git hooks that block secrets before they leave the machine",
		Long: `leakhound's git hooks scan only what is new: the staged changes for
pre-commit, the commits being pushed for pre-push.

  leakhound hook install            install both hooks in this repository
  leakhound hook install --pre-push only the pre-push hook
  leakhound hook uninstall          remove them, restoring hooks they chained to

The installed hook runs the leakhound binary whose absolute path was recorded
at install, or, if that file is gone, the leakhound found on PATH.`,
	}
	install := &cobra.Command{
		Use:   "install",
		Short: "Install the hooks (honours core.hooksPath and linked worktrees)",
		Long: `Install leakhound's pre-push and pre-commit hooks (both unless --pre-push or
--pre-commit picks one). A hook already there is kept as <hook>.leakhound-prev
and run first, so nothing is lost; a hook managed by a hook framework (the
pre-commit framework, husky, lefthook) is left alone unless --force, since the
framework would overwrite ours: add leakhound to its configuration instead.` + exitStatusHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHookInstall(opts, io)
		},
	}
	install.Flags().BoolVar(&opts.prePush, "pre-push", false, "install the pre-push hook")
	install.Flags().BoolVar(&opts.commit, "pre-commit", false, "install the pre-commit hook")
	install.Flags().BoolVar(&opts.force, "force", false, "install even over a hook managed by a hook framework")
	uninstall := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove the hooks, restoring the ones they chained to",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHookUninstall(opts, io)
		},
	}
	uninstall.Flags().BoolVar(&opts.prePush, "pre-push", false, "remove the pre-push hook")
	uninstall.Flags().BoolVar(&opts.commit, "pre-commit", false, "remove the pre-commit hook")
	prePush := &cobra.Command{
		Use:   "pre-push REMOTE URL",
		Short: "Scan the commits a push would add to REMOTE (git's pre-push hook)",
		Long: `Reads git's pre-push lines from standard input
("<local ref> <local sha> <remote ref> <remote sha>") and scans exactly the
commits the push would add to the remote: for an update remote_sha..local_sha,
for a new branch or tag the commits no remote-tracking ref of REMOTE has,
nothing for a deletion. Run by the pre-push hook; under the pre-commit
framework it reads PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF instead.` + exitStatusHelp,
		Args: cobra.RangeArgs(0, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHookPrePush(cmd.Context(), opts, args, io)
		},
	}
	preCommit := &cobra.Command{
		Use:   "pre-commit",
		Short: "Scan the staged changes (git's pre-commit hook)",
		Long: `Scans what is staged against HEAD: the staged content of each changed file,
and only what it adds. Same as "leakhound scan --staged" with the hook's
short report.` + exitStatusHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHookPreCommit(cmd.Context(), opts, io)
		},
	}
	for _, c := range []*cobra.Command{prePush, preCommit} {
		c.Flags().StringVarP(&opts.config, "config", "c", "", "rules file (default: the repository's .secretsrules.toml, else the built-in rules)")
	}
	cmd.AddCommand(install, uninstall, prePush, preCommit)
	return cmd
}

// pushUpdate is one line of git's pre-push input.
type pushUpdate struct {
	localRef, localSHA, remoteRef, remoteSHA string
}

func isZeroSHA(s string) bool { return strings.Trim(s, "0") == "" }

// parsePrePush reads git's pre-push lines. Blank lines are ignored; a
// malformed line is an error naming it.
func parsePrePush(r io.Reader) ([]pushUpdate, error) {
	var out []pushUpdate
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 || !isObjectID(f[1]) || !isObjectID(f[3]) {
			return nil, fmt.Errorf("pre-push input line %d: want \"<local ref> <local sha> <remote ref> <remote sha>\", got %q", n, truncate(line, 200))
		}
		out = append(out, pushUpdate{f[0], f[1], f[2], f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pre-push input: %w", err)
	}
	return out, nil
}

func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// pushRange works out what a push adds: the local commits to include, and
// what the remote already has, to exclude: the remote's old tips and every
// remote-tracking ref of the remote (for a new branch, that is what tells
// its new commits from the ones the remote has).
func pushRange(repo *gitwalk.Repo, remote string, updates []pushUpdate) (include, exclude []gitwalk.ID, tips map[string]bool, err error) {
	tips = map[string]bool{}
	for _, u := range updates {
		if isZeroSHA(u.localSHA) {
			continue // a deletion adds nothing
		}
		include = append(include, newID(u.localSHA))
		tips[u.localSHA] = true
		if !isZeroSHA(u.remoteSHA) {
			exclude = append(exclude, newID(u.remoteSHA))
		}
	}
	if len(include) == 0 {
		return nil, nil, tips, nil
	}
	refs, err := repo.Refs(func(string, error) error { return nil })
	if err != nil {
		return nil, nil, nil, err
	}
	var tracking []gitwalk.ID
	prefix := "refs/remotes/" + remote + "/"
	for _, r := range refs {
		if strings.HasPrefix(r.Name, prefix) {
			tracking = append(tracking, r.ID)
		}
	}
	if len(tracking) == 0 {
		// Pushing to a URL, or to a remote never fetched: what any remote
		// has is the best knowledge of what this one has.
		for _, r := range refs {
			if strings.HasPrefix(r.Name, "refs/remotes/") {
				tracking = append(tracking, r.ID)
			}
		}
	}
	exclude = append(exclude, tracking...)
	return include, exclude, tips, nil
}

func runHookPrePush(ctx context.Context, opts hookOptions, args []string, io stdio) error {
	remote := "origin"
	if len(args) > 0 {
		remote = args[0]
	}
	var updates []pushUpdate
	if !isTerminal(io.in) { // run by hand, there is no input to wait for
		var err error
		updates, err = parsePrePush(io.in)
		if err != nil {
			return usageError(err)
		}
	}
	if len(updates) == 0 {
		// The pre-commit framework runs pre-push hooks without git's input.
		from, to := os.Getenv("PRE_COMMIT_FROM_REF"), os.Getenv("PRE_COMMIT_TO_REF")
		if to != "" {
			if name := os.Getenv("PRE_COMMIT_REMOTE_NAME"); name != "" {
				remote = name
			}
			updates = []pushUpdate{{localRef: os.Getenv("PRE_COMMIT_LOCAL_BRANCH"), localSHA: to, remoteSHA: from}}
			if from == "" {
				updates[0].remoteSHA = strings.Repeat("0", 40)
			}
		}
	}
	repo, err := gitwalk.Open(".")
	if err != nil {
		return usageError(err)
	}
	for i := range updates {
		// The framework passes revisions, not always full ids.
		for _, p := range []*string{&updates[i].localSHA, &updates[i].remoteSHA} {
			if !isObjectID(*p) && *p != "" {
				h, err := repo.ResolveRef(*p)
				if err != nil {
					repo.Close()
					return usageError(fmt.Errorf("pre-push: %w", err))
				}
				*p = h.String()
			}
		}
	}
	include, exclude, tips, err := pushRange(repo, remote, updates)
	repo.Close()
	if err != nil {
		return err
	}
	if len(include) == 0 {
		return nil // deletions only
	}
	rep, scanErr := scanGit(ctx, engineOptions{configPath: opts.config, short: true}, gitTarget{
		path: ".", includeIDs: include, excludeIDs: exclude, ignoreMissingExclude: true,
		rangeLabel: "the commits being pushed to " + remote,
	}, io.err)
	if rep == nil {
		return scanErr
	}
	return hookVerdict(ctx, rep, scanErr, "push", tips, io.err)
}

func runHookPreCommit(ctx context.Context, opts hookOptions, io stdio) error {
	rep, scanErr := scanGit(ctx, engineOptions{configPath: opts.config, short: true}, gitTarget{
		path: ".", staged: true, rangeLabel: "staged changes",
	}, io.err)
	if rep == nil {
		return scanErr
	}
	return hookVerdict(ctx, rep, scanErr, "commit", nil, io.err)
}

// hookVerdict prints the hook's short report on w and turns the outcome
// into the exit status: 1 when secrets block the push or commit.
func hookVerdict(ctx context.Context, rep *report.Report, scanErr error, action string, tips map[string]bool, w io.Writer) error {
	switch {
	case errors.Is(scanErr, errInterrupted):
		return &exitError{code: interruptedCode(ctx), err: errors.New("interrupted")}
	case rep.Summary.Incomplete:
		fmt.Fprintf(w, "leakhound: %s blocked: %d object(s) could not be read, so the scan is incomplete\n", action, rep.Summary.Errors)
		return &exitError{code: exitFailure}
	case len(rep.Findings) == 0:
		return nil
	}
	hookReport(w, report.Masked(rep).Findings, action, tips)
	return &exitError{code: exitLeaks}
}

// hookReport writes what blocked the push or commit and what to do.
func hookReport(w io.Writer, fs []leak.Finding, action string, tips map[string]bool) {
	n := len(fs)
	where := "the staged changes"
	if action == "push" {
		where = "the commits being pushed"
	}
	fmt.Fprintf(w, "\nleakhound: %s blocked: %d secret%s in %s\n\n", action, n, report.Plural(n), where)
	var order []string
	byCommit := map[string][]leak.Finding{}
	for _, f := range fs {
		if _, ok := byCommit[f.Commit]; !ok {
			order = append(order, f.Commit)
		}
		byCommit[f.Commit] = append(byCommit[f.Commit], f)
	}
	for _, c := range order {
		group := byCommit[c]
		if c != "" {
			msg, _, _ := strings.Cut(group[0].Message, "\n")
			fmt.Fprintf(w, "  commit %s  %q\n", report.ShortID(c), truncate(msg, 60))
		}
		for _, f := range group {
			fmt.Fprintf(w, "    %s:%d  %s  %s\n", f.File, f.Line, f.RuleID, f.Secret)
		}
	}
	fmt.Fprintln(w, "\nWhat to do:")
	fmt.Fprintln(w, "  1. Rotate the credential: treat it as exposed, it may already be copied elsewhere.")
	if action == "push" {
		fmt.Fprintln(w, "  2. Take it out of the commits before pushing:")
		for _, c := range order {
			if tips[c] {
				fmt.Fprintf(w, "       %s is the last commit: fix the file, git add it, then git commit --amend\n", report.ShortID(c))
			} else {
				fmt.Fprintf(w, "       %s is older: git rebase -i %s~1  (mark it \"edit\", fix the file, git commit --amend, git rebase --continue)\n", report.ShortID(c), report.ShortID(c))
			}
		}
	} else {
		fmt.Fprintln(w, "  2. Take it out of the file and stage that (git add), or unstage the file: git restore --staged <file>")
		fmt.Fprintln(w, "     Load it at run time instead, e.g. os.environ[\"NAME\"].")
	}
	fmt.Fprintln(w, "  3. A false positive? Accept it in the baseline: leakhound baseline update && leakhound baseline audit")
	fmt.Fprintln(w, "     or mark the line with a leakhound:allow comment.")
	fmt.Fprintf(w, "  To bypass once: git %s --no-verify  (CI will still check).\n\n", action)
}

// hookMarker identifies hooks leakhound installed.
const hookMarker = "# leakhound-hook v1"

// prevSuffix names the hook that an installed leakhound hook chains to.
const prevSuffix = ".leakhound-prev"

func hookKinds(opts hookOptions) []string {
	switch {
	case opts.prePush && !opts.commit:
		return []string{"pre-push"}
	case opts.commit && !opts.prePush:
		return []string{"pre-commit"}
	}
	return []string{"pre-push", "pre-commit"}
}

// hooksDir returns the hooks directory of the repository at path.
func hooksDir(path string) (string, error) {
	repo, err := gitwalk.Open(path)
	if err != nil {
		return "", usageError(err)
	}
	defer repo.Close()
	return repo.HooksPath()
}

func runHookInstall(opts hookOptions, io stdio) error {
	dir, err := hooksDir(".")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create hooks directory: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		exe = ""
	} else if abs, err := filepath.EvalSymlinks(exe); err == nil {
		exe = abs
	}
	for _, kind := range hookKinds(opts) {
		path := filepath.Join(dir, kind)
		old, err := os.ReadFile(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return fmt.Errorf("read existing hook: %w", err)
		case strings.Contains(string(old), hookMarker):
			// Ours already: rewrite it in place (the binary path may have moved).
		default:
			if fw := hookFramework(string(old)); fw != "" && !opts.force {
				return usageError(fmt.Errorf("%s is managed by %s, which would overwrite leakhound's hook: add leakhound to %s's configuration instead (see the README), or use --force to chain to it anyway", path, fw, fw))
			}
			if _, err := os.Stat(path + prevSuffix); err == nil {
				return usageError(fmt.Errorf("%s exists and so does %s from an earlier install: move one of them away first", path, path+prevSuffix))
			}
			if err := os.Rename(path, path+prevSuffix); err != nil {
				return fmt.Errorf("keep existing hook: %w", err)
			}
			fmt.Fprintf(io.err, "leakhound: kept your %s hook as %s; it runs first\n", kind, filepath.Base(path+prevSuffix))
		}
		if err := os.WriteFile(path, []byte(hookScript(kind, exe)), 0o755); err != nil {
			return fmt.Errorf("write hook: %w", err)
		}
		if err := os.Chmod(path, 0o755); err != nil {
			return fmt.Errorf("write hook: %w", err)
		}
		fmt.Fprintf(io.out, "installed %s\n", path)
	}
	return nil
}

func runHookUninstall(opts hookOptions, io stdio) error {
	dir, err := hooksDir(".")
	if err != nil {
		return err
	}
	for _, kind := range hookKinds(opts) {
		path := filepath.Join(dir, kind)
		old, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return fmt.Errorf("read hook: %w", err)
		}
		if !strings.Contains(string(old), hookMarker) {
			fmt.Fprintf(io.err, "leakhound: %s was not installed by leakhound; left alone\n", path)
			continue
		}
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("remove hook: %w", err)
		}
		if _, err := os.Stat(path + prevSuffix); err == nil {
			if err := os.Rename(path+prevSuffix, path); err != nil {
				return fmt.Errorf("restore previous hook: %w", err)
			}
			fmt.Fprintf(io.out, "removed %s; restored the hook it chained to\n", path)
			continue
		}
		fmt.Fprintf(io.out, "removed %s\n", path)
	}
	return nil
}

// hookFramework names the hook manager that wrote a hook, if it is one
// that rewrites hooks itself.
func hookFramework(script string) string {
	for _, fw := range []struct{ marker, name string }{
		{"pre-commit.com", "the pre-commit framework"},
		{"pre_commit", "the pre-commit framework"},
		{"husky", "husky"},
		{"lefthook", "lefthook"},
	} {
		if strings.Contains(script, fw.marker) {
			return fw.name
		}
	}
	return ""
}

// hookScript is the shell script of an installed hook.
func hookScript(kind, exe string) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(hookMarker + "\n")
	fmt.Fprintf(&b, "# Installed by `leakhound hook install`; remove with `leakhound hook uninstall`.\n")
	fmt.Fprintf(&b, "# Runs the leakhound recorded at install, or the one on PATH if that is gone.\n")
	fmt.Fprintf(&b, "# A hook that was here before is kept as %s%s and runs first.\n", kind, prevSuffix)
	fmt.Fprintf(&b, "LEAKHOUND=%s\n", shellQuote(exe))
	b.WriteString("[ -n \"$LEAKHOUND\" ] && [ -x \"$LEAKHOUND\" ] || LEAKHOUND=leakhound\n")
	b.WriteString("hookdir=$(dirname \"$0\")\n")
	prev := "\"$hookdir/" + kind + prevSuffix + "\""
	switch kind {
	case "pre-push":
		b.WriteString("input=$(cat)\n")
		fmt.Fprintf(&b, "if [ -x %s ]; then\n  printf '%%s\\n' \"$input\" | %s \"$@\" || exit $?\nfi\n", prev, prev)
		b.WriteString("printf '%s\\n' \"$input\" | \"$LEAKHOUND\" hook pre-push \"$@\"\n")
	default:
		fmt.Fprintf(&b, "if [ -x %s ]; then\n  %s \"$@\" || exit $?\nfi\n", prev, prev)
		b.WriteString("exec \"$LEAKHOUND\" hook pre-commit\n")
	}
	return b.String()
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
