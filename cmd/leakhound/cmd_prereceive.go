package main

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/hook/prereceive"
)

// serverHookOptions are the flags of leakhound hook pre-receive; each
// overrides its environment variable.
type serverHookOptions struct {
	rules, log, timeout, onTimeout string
	allow, ignoreAllows            bool
}

func newPreReceiveCommand(opts *serverHookOptions, std stdio) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pre-receive",
		Short: "Reject pushes that add secrets (git's server-side pre-receive hook)",
		Long: `Run by git's pre-receive hook on the server that receives a push. Reads
git's input ("<old> <new> <ref>" per ref) and scans exactly the commits the
push adds: reachable from a pushed tip and from no ref the repository
already has. The pushed objects are read from git's quarantine directory
(GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES); nothing is run.

Rules and baseline come from the server's copy of the default branch, never
from the pushed commits, or from a server-wide rules file (--rules). A push
with a secret is rejected with the commit, file, line, rule and masked
secret, and how to fix it. A repository or object error rejects the push;
so does the time limit, unless --on-timeout warn.

Every flag can be set by the environment instead, for hosting software that
runs hooks without arguments: LEAKHOUND_RULES, LEAKHOUND_LOG,
LEAKHOUND_ALLOW_PUSH_OPTION, LEAKHOUND_TIMEOUT, LEAKHOUND_ON_TIMEOUT,
LEAKHOUND_IGNORE_INLINE_ALLOWS. Install it in a bare repository with
"leakhound hook install --pre-receive".

EXIT STATUS
  0  the push is accepted (no secret; let through by leakhound.allow; or,
     with --on-timeout warn, out of time)
  1  the push adds a secret: rejected
  2  the push could not be checked (bad input, a repository or object
     error, out of time): rejected`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPreReceive(cmd.Context(), cmd, *opts, std)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.rules, "rules", "", "server-wide rules file, replacing each repository's own (env "+prereceive.EnvRules+")")
	f.StringVar(&opts.log, "log", "", "append a JSON record of each rejected, allowed or warned push to this file, created 0600 (env "+prereceive.EnvLog+")")
	f.BoolVar(&opts.allow, "allow-push-option", false, `let a push through with git push -o leakhound.allow="reason", recorded in --log; needs receive.advertisePushOptions (env `+prereceive.EnvAllowPushOption+")")
	f.StringVar(&opts.timeout, "timeout", prereceive.DefaultTimeout.String(), "time limit (env "+prereceive.EnvTimeout+")")
	f.StringVar(&opts.onTimeout, "on-timeout", string(prereceive.Reject), "when the time limit is reached: reject, or warn (accept with a warning, recorded) (env "+prereceive.EnvOnTimeout+")")
	f.BoolVar(&opts.ignoreAllows, "ignore-inline-allows", false, "report secrets on lines marked leakhound:allow too (env "+prereceive.EnvIgnoreAllows+")")
	return cmd
}

func runPreReceive(ctx context.Context, cmd *cobra.Command, opts serverHookOptions, std stdio) error {
	cfg, err := prereceive.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	fl := cmd.Flags()
	if fl.Changed("rules") {
		cfg.RulesFile = opts.rules
	}
	if fl.Changed("log") {
		cfg.LogFile = opts.log
	}
	if fl.Changed("allow-push-option") {
		cfg.AllowPushOption = opts.allow
	}
	if fl.Changed("ignore-inline-allows") {
		cfg.IgnoreInlineAllows = opts.ignoreAllows
	}
	if fl.Changed("timeout") {
		if cfg.Timeout, err = prereceive.ParseTimeout(opts.timeout); err != nil {
			return err
		}
	}
	if fl.Changed("on-timeout") {
		if cfg.OnTimeout, err = prereceive.ParseOnTimeout(opts.onTimeout); err != nil {
			return err
		}
	}
	res := prereceive.Run(ctx, cfg, prereceive.Env{Stdin: std.in, Stderr: std.err, Getenv: os.Getenv})
	switch {
	case res.OK():
		return nil
	case res.Findings > 0 && res.Err == nil:
		return leaksFound{exitLeaks}
	}
	return errReported
}
