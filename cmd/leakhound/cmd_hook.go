package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/hook"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// hookOptions are the flags of the hook commands.
type hookOptions struct {
	rulesOptions
	triageOptions
	prePush bool
	commit  bool
	// noMessages leaves out the pushed commits' messages (pre-push).
	noMessages bool
	force      bool
	// receive installs or removes the server-side pre-receive hook.
	receive bool
	// server are the pre-receive hook's settings.
	server serverHookOptions
}

func newHookCommand(std stdio) *cobra.Command {
	var opts hookOptions
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "Install and run git hooks that block secrets before they leave the machine",
		Long: `leakhound's git hooks scan only what is new: the staged changes for
pre-commit, the commits being pushed for pre-push.

  leakhound hook install            install both hooks in this repository
  leakhound hook install --pre-push only the pre-push hook
  leakhound hook uninstall          remove them, restoring hooks they chained to
  leakhound hook install --pre-receive
                                    on a git server, in a bare repository: reject
                                    pushes that add secrets (no client can skip it)

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
framework would overwrite ours: add leakhound to its configuration instead.` + installExitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHookInstall(opts, std)
		},
	}
	install.Flags().BoolVar(&opts.prePush, "pre-push", false, "install the pre-push hook")
	install.Flags().BoolVar(&opts.commit, "pre-commit", false, "install the pre-commit hook")
	install.Flags().BoolVar(&opts.force, "force", false, "install even over a hook managed by a hook framework")
	install.Flags().BoolVar(&opts.receive, "pre-receive", false, "install the server-side pre-receive hook (in a bare repository that receives pushes) instead")
	uninstall := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove the hooks, restoring the ones they chained to",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHookUninstall(opts, std)
		},
	}
	uninstall.Flags().BoolVar(&opts.prePush, "pre-push", false, "remove the pre-push hook")
	uninstall.Flags().BoolVar(&opts.commit, "pre-commit", false, "remove the pre-commit hook")
	uninstall.Flags().BoolVar(&opts.receive, "pre-receive", false, "remove the server-side pre-receive hook instead")
	prePush := &cobra.Command{
		Use:   "pre-push REMOTE URL",
		Short: "Scan the commits a push would add to REMOTE (git's pre-push hook)",
		Long: `Reads git's pre-push lines from standard input
("<local ref> <local sha> <remote ref> <remote sha>") and scans exactly the
commits the push would add to the remote: for an update remote_sha..local_sha,
for a new branch or tag the commits no remote-tracking ref of REMOTE has,
nothing for a deletion. Run by the pre-push hook; under the pre-commit
framework it reads PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF instead.` + hookExitHelp("push"),
		Args: cobra.RangeArgs(0, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHookPrePush(cmd.Context(), opts, args, std)
		},
	}
	preCommit := &cobra.Command{
		Use:   "pre-commit",
		Short: "Scan the staged changes (git's pre-commit hook)",
		Long: `Scans what is staged against HEAD: the staged content of each changed file,
and only what it adds. Same as "leakhound scan --staged" with the hook's
short report.` + hookExitHelp("commit"),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHookPreCommit(cmd.Context(), opts, std)
		},
	}
	for _, c := range []*cobra.Command{prePush, preCommit} {
		opts.rulesOptions.AddFlags(c.Flags(), configFromRepo)
		opts.triageOptions.AddFlags(c.Flags())
		opts.triageOptions.AddFailOnFlag(c.Flags())
	}
	prePush.Flags().BoolVar(&opts.noMessages, "no-messages", false, "do not scan the messages of the commits and annotated tags being pushed")
	cmd.AddCommand(install, uninstall, prePush, preCommit, newPreReceiveCommand(&opts.server, std))
	return cmd
}

func runHookPrePush(ctx context.Context, opts hookOptions, args []string, std stdio) error {
	remote := "origin"
	if len(args) > 0 {
		remote = args[0]
	}
	var updates []hook.Update
	if !isTerminal(std.in) { // run by hand, there is no input to wait for
		var err error
		if updates, err = hook.ParsePrePush(std.in); err != nil {
			return err
		}
	}
	if len(updates) == 0 {
		// The pre-commit framework runs pre-push hooks without git's input.
		var name string
		if updates, name = hook.FromPreCommitEnv(os.Getenv); name != "" {
			remote = name
		}
	}
	repo, err := gitwalk.Open(".")
	if err != nil {
		return err
	}
	defer repo.Close()
	push, err := hook.PushRange(repo, remote, updates)
	if err != nil || len(push.Include) == 0 {
		return err // or deletions only
	}
	src := &scan.History{Repo: repo, Name: ".", Label: "the commits being pushed to " + remote,
		IncludeIDs: push.Include, ExcludeIDs: push.Exclude, IgnoreMissing: true}
	return runHook(ctx, opts, repo, src, "push", push.Tips, std)
}

func runHookPreCommit(ctx context.Context, opts hookOptions, std stdio) error {
	repo, err := gitwalk.Open(".")
	if err != nil {
		return err
	}
	defer repo.Close()
	return runHook(ctx, opts, repo, &scan.Staged{Repo: repo, Name: "."}, "commit", nil, std)
}

// runHook scans src, in the repository repo at ".", as a hook: with the
// repository's rules and baseline, without progress, and with the hook's
// short report.
func runHook(ctx context.Context, opts hookOptions, repo *gitwalk.Repo, src scan.Source, action string, tips map[string]bool, std stdio) error {
	if err := opts.triageOptions.check(); err != nil {
		return err
	}
	settings, err := scan.LoadSettings(ctx, scan.Policy{RulesFile: opts.config, Repo: repo, Dir: repo.WorkTree()})
	if err != nil {
		return err
	}
	rep, scanErr := runEngine(ctx, src, scan.Options{Settings: settings, Short: true, NoMessages: opts.noMessages, IncludeKnown: opts.includeKnown}, false, std)
	opts.filter(rep)
	switch {
	case rep == nil:
		return scanErr
	case errors.Is(scanErr, scan.ErrInterrupted):
		return scanErr
	case rep.Summary.Incomplete:
		fmt.Fprintf(std.err, "leakhound: %s blocked: %d object(s) could not be read, so the scan is incomplete\n", action, rep.Summary.Errors)
		return errReported
	case len(rep.Findings) == 0:
		return nil
	case opts.failing(rep) == 0:
		// Below --fail-on: say so, and let it through.
		fmt.Fprintf(std.err, "leakhound: %d finding(s) below --fail-on %s, not blocking the %s:\n", len(rep.Findings), opts.failOn, action)
		for i := range rep.Findings {
			f := &rep.Findings[i]
			fmt.Fprintf(std.err, "  %s  %s  %s:%d  (%s)\n", f.Severity, f.RuleID, report.TermSafe(f.File), f.Line, f.Context.Label)
		}
		return nil
	}
	if err := (report.Blocked{Action: action, Tips: tips}).Write(std.err, rep); err != nil {
		return err
	}
	return leaksFound{exitLeaks}
}

// hookKinds returns the hooks the flags name: both by default.
func hookKinds(opts hookOptions) []string {
	switch {
	case opts.receive:
		return []string{hook.PreReceive}
	case opts.prePush && !opts.commit:
		return []string{hook.PrePush}
	case opts.commit && !opts.prePush:
		return []string{hook.PreCommit}
	}
	return []string{hook.PrePush, hook.PreCommit}
}

// hooksDir returns the hooks directory of the repository in ".".
func hooksDir() (string, error) {
	dir, _, err := hooksDirOf()
	return dir, err
}

// hooksDirOf returns the hooks directory of the repository in ".", and
// whether that repository is bare.
func hooksDirOf() (dir string, bare bool, err error) {
	repo, err := gitwalk.Open(".")
	if err != nil {
		return "", false, err
	}
	defer repo.Close()
	dir, err = repo.HooksPath()
	return dir, repo.WorkTree() == "", err
}

// errBareClientHooks is why hook install refuses the client hooks in a
// bare repository.
const errBareClientHooks = `this is a bare repository: the pre-commit and pre-push hooks never run here, since nobody commits or pushes from it. Install them in each clone (run 'leakhound hook install' there), or, on the server that receives pushes, reject pushes that add secrets with 'leakhound hook install --pre-receive'`

func runHookInstall(opts hookOptions, std stdio) error {
	dir, bare, err := hooksDirOf()
	if err != nil {
		return err
	}
	if bare && !opts.receive {
		return errors.New(errBareClientHooks)
	}
	exe, err := os.Executable()
	if err != nil {
		exe = ""
	} else if abs, err := filepath.EvalSymlinks(exe); err == nil {
		exe = abs
	}
	for _, kind := range hookKinds(opts) {
		res, err := hook.Install(dir, kind, exe, opts.force)
		if res.Kept != "" {
			fmt.Fprintf(std.err, "leakhound: kept your %s hook as %s; it runs first\n", kind, filepath.Base(res.Kept))
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(std.out, "installed %s\n", res.Path)
	}
	return nil
}

func runHookUninstall(opts hookOptions, std stdio) error {
	dir, err := hooksDir()
	if err != nil {
		return err
	}
	for _, kind := range hookKinds(opts) {
		res, err := hook.Uninstall(dir, kind)
		switch {
		case err != nil:
			return err
		case res.NotOurs:
			fmt.Fprintf(std.err, "leakhound: %s was not installed by leakhound; left alone\n", res.Path)
		case res.Restored:
			fmt.Fprintf(std.out, "removed %s; restored the hook it chained to\n", res.Path)
		case res.Removed:
			fmt.Fprintf(std.out, "removed %s\n", res.Path)
		}
	}
	return nil
}

// installExitHelp is the EXIT STATUS of hook install.
const installExitHelp = `

EXIT STATUS
  0  installed
  2  error (not a repository, a hook framework's hook without --force, ...)`

// hookExitHelp is the EXIT STATUS of a client hook that blocks action.
func hookExitHelp(action string) string {
	return `

EXIT STATUS
  0  nothing found at or above --fail-on: the ` + action + ` goes ahead
  1  secrets at or above --fail-on: the ` + action + ` is blocked
  2  error, or a scan that could not read everything (the ` + action + ` is blocked)
  130  interrupted`
}
