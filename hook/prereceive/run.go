package prereceive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// Env is what the hook's process gives a run.
type Env struct {
	// Dir is the repository; "" means GIT_DIR, else the current directory
	// (git runs the hook in the repository).
	Dir string
	// Stdin is git's input; Stderr is what the pusher reads.
	Stdin  io.Reader
	Stderr io.Writer
	// Getenv reads the environment (os.Getenv).
	Getenv func(string) string
}

// Decision is the outcome of a run.
type Decision string

// The decisions.
const (
	// Accepted: the push adds no secret (or adds nothing).
	Accepted Decision = "accepted"
	// Rejected: the push adds a secret, or could not be scanned whole.
	Rejected Decision = "rejected"
	// Allowed: the push adds a secret, or ran out of time, and went
	// through by the escape hatch.
	Allowed Decision = "allowed"
	// Warned: the time ran out, and the server accepts such pushes with a
	// warning (OnTimeout Warn).
	Warned Decision = "accepted-with-warning"
)

// Result says what a run decided.
type Result struct {
	Decision Decision
	// Findings counts the secrets found.
	Findings int
	// Err is why a push was rejected without findings: a bad input, a
	// repository or object error, the time limit. It has been written to
	// Env.Stderr already.
	Err error
}

// OK reports whether git may accept the push.
func (r Result) OK() bool { return r.Decision != Rejected }

// ErrTimeout is Result.Err when the run ran out of time.
var ErrTimeout = errors.New("time limit reached")

// errConfig marks a refusal due to the server's configuration or the
// push's options.
var errConfig = errors.New("refused")

// Run runs the pre-receive hook: it reads git's input from env.Stdin,
// scans the commits the push adds, writes what the pusher must know to
// env.Stderr, appends a record to cfg.LogFile when there is something to
// record, and returns the decision. See the package documentation.
func Run(ctx context.Context, cfg Config, env Env) Result {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	defer cancel()
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	dir := env.Dir
	if dir == "" {
		if dir = env.Getenv("GIT_DIR"); dir == "" {
			dir = "."
		}
	}
	r := &run{cfg: cfg, env: env, dir: dir, start: start, rec: Record{
		Time:       start.UTC(),
		Repository: repositoryName(env.Getenv, dir),
		Pusher:     PusherFromEnv(env.Getenv),
	}}
	return r.do(ctx)
}

// run is the state of one Run.
type run struct {
	cfg   Config
	env   Env
	dir   string
	start time.Time
	rec   Record
}

func (r *run) do(ctx context.Context) Result {
	updates, err := ParseInput(r.env.Stdin)
	if err != nil {
		return r.fail(err)
	}
	for _, u := range updates {
		r.rec.Refs = append(r.rec.Refs, RefUpdate(u))
	}
	reason, asked := allowReason(PushOptions(r.env.Getenv))
	if asked {
		switch {
		case !r.cfg.AllowPushOption:
			return r.fail(fmt.Errorf("%w: the push option %s is not enabled on this server: take the secret out of the commits and push without it, or ask the server's administrators", errConfig, AllowOption))
		case reason == "":
			return r.fail(fmt.Errorf("%w: the push option %s needs a reason: git push -o %s=\"why this secret may be pushed\"", errConfig, AllowOption, AllowOption))
		case r.cfg.LogFile == "":
			return r.fail(fmt.Errorf("%w: the push option %s is enabled, but the server keeps no log to record it in (set the log file)", errConfig, AllowOption))
		}
		r.rec.Reason = reason
	}
	var tips []gitwalk.ID
	tipRefs := map[string][]string{}
	for _, u := range updates {
		if u.Delete() {
			continue
		}
		id, err := gitwalk.ParseID(u.New)
		if err != nil {
			return r.fail(err)
		}
		if _, ok := tipRefs[u.New]; !ok {
			tips = append(tips, id)
		}
		tipRefs[u.New] = append(tipRefs[u.New], u.Ref)
	}
	if len(tips) == 0 {
		return Result{Decision: Accepted} // deletions only
	}

	repo, err := r.open()
	if err != nil {
		return r.fail(fmt.Errorf("open the repository: %w", err))
	}
	defer repo.Close()
	settings, warnings, err := r.settings(ctx, repo)
	if err != nil {
		return r.fail(err)
	}
	r.rec.Rules = settings.RulesFrom
	for _, w := range warnings {
		fmt.Fprintf(r.env.Stderr, "leakhound: warning: %s\n", report.TermSafe(w))
	}
	var objErrs []string
	nObjErrs := 0
	rep, err := scan.Run(ctx, &scan.History{
		Repo: repo, Name: r.dir, Label: "the pushed commits",
		// What the repository already has: every ref, before the push.
		IncludeIDs: tips, ExcludeRefs: true,
	}, scan.Options{
		Settings:           settings,
		Short:              true,
		IgnoreInlineAllows: r.cfg.IgnoreInlineAllows,
		OnError: func(item string, err error) error {
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				return nil // the time limit, not the repository
			}
			nObjErrs++
			if len(objErrs) < 10 {
				objErrs = append(objErrs, item+": "+err.Error())
			}
			return nil
		},
	})
	timedOut := ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded)
	switch {
	case err != nil && rep == nil && timedOut:
		rep = &report.Report{}
	case err != nil && rep == nil:
		return r.fail(fmt.Errorf("scan the pushed commits: %w", err))
	case err != nil && !timedOut:
		// Interrupted by a signal: what is unscanned does not get in.
		return r.fail(fmt.Errorf("scan the pushed commits: %w", err))
	}
	r.rec.Warnings = append(warnings, rep.Summary.Warnings...)
	r.rec.CommitsScanned = rep.Summary.Commits
	r.rec.Errors = objErrs
	r.rec.TimedOut = timedOut
	masked := report.Masked(rep)
	for _, f := range masked.Findings {
		r.rec.Findings = append(r.rec.Findings, loggedFinding(f))
	}
	r.rec.Commits = findingCommits(masked)

	n := len(rep.Findings)
	errs := nObjErrs
	switch {
	case errs > 0:
		// Fail closed: what could not be read may hold a secret. The
		// escape hatch does not cover a damaged repository.
		err := fmt.Errorf("%d object(s) or ref(s) of the repository could not be read, so the push cannot be checked: %s", errs, strings.Join(objErrs, "; "))
		if n > 0 {
			writeRejection(r.env.Stderr, masked, tipRefs, r.cfg, false)
		}
		res := r.fail(err)
		res.Findings = n
		return res
	case n > 0 && r.rec.Reason != "":
		return r.allow(masked, n)
	case n > 0:
		writeRejection(r.env.Stderr, masked, tipRefs, r.cfg, timedOut)
		r.rec.Decision, r.rec.Why = Rejected, fmt.Sprintf("%d secret(s) in the pushed commits", n)
		r.log()
		return Result{Decision: Rejected, Findings: n}
	case timedOut && r.rec.Reason != "":
		return r.allow(masked, 0)
	case timedOut && r.cfg.OnTimeout == Warn:
		fmt.Fprintf(r.env.Stderr, "leakhound: warning: the push was not checked for secrets whole: the %s time limit was reached after %d commit(s); it is accepted, as this server is configured to do, and recorded\n", r.cfg.timeout(), rep.Summary.Commits)
		r.rec.Decision, r.rec.Why = Warned, "time limit reached"
		r.log()
		return Result{Decision: Warned}
	case timedOut:
		err := fmt.Errorf("%w: the push could not be checked for secrets within %s (%d commit(s) scanned), so it is rejected; push fewer commits at a time, or ask the server's administrators", ErrTimeout, r.cfg.timeout(), rep.Summary.Commits)
		if r.cfg.AllowPushOption {
			err = fmt.Errorf("%w; or push again with a reason, which is recorded: git push -o %s=\"reason\"", err, AllowOption)
		}
		return r.fail(err)
	}
	return Result{Decision: Accepted}
}

// allow lets a push with n findings (or none, after a timeout) through by
// the escape hatch, if it can be recorded.
func (r *run) allow(masked *report.Report, n int) Result {
	r.rec.Decision, r.rec.Why = Allowed, fmt.Sprintf("%d secret(s) in the pushed commits", n)
	if r.rec.TimedOut && n == 0 {
		r.rec.Why = "time limit reached"
	}
	if err := r.writeLog(); err != nil {
		// No trace, no way through.
		return r.fail(fmt.Errorf("the push option %s was given, but it cannot be recorded, so the push is rejected: %w", AllowOption, err))
	}
	fmt.Fprintf(r.env.Stderr, "leakhound: push allowed by %s (%s; reason: %q); recorded with your name (%s) in the server's log\n",
		AllowOption, r.rec.Why, r.rec.Reason, report.TermSafe(r.rec.Pusher.Name))
	if n > 0 {
		writeFindings(r.env.Stderr, masked)
		fmt.Fprintln(r.env.Stderr, "leakhound: rotate these credentials if they are real: they are now on the server.")
	}
	return Result{Decision: Allowed, Findings: n}
}

// fail rejects the push for err, which it writes and records.
func (r *run) fail(err error) Result {
	fmt.Fprintf(r.env.Stderr, "leakhound: push rejected: %s\n", report.TermSafe(err.Error()))
	r.rec.Decision, r.rec.Why = Rejected, err.Error()
	r.log()
	return Result{Decision: Rejected, Err: err}
}

// log writes the record, saying so to the pusher when it cannot.
func (r *run) log() {
	if err := r.writeLog(); err != nil {
		fmt.Fprintf(r.env.Stderr, "leakhound: could not write the server's log: %s\n", report.TermSafe(err.Error()))
	}
}

func (r *run) writeLog() error {
	if r.cfg.LogFile == "" {
		return nil
	}
	r.rec.DurationMS = time.Since(r.start).Milliseconds()
	return appendRecord(r.cfg.LogFile, &r.rec)
}

// open opens the repository as the hook sees it: the pushed objects in
// the quarantine directory, the repository's own objects (and their
// alternates) after them.
func (r *run) open() (*gitwalk.Repo, error) {
	opts := gitwalk.OpenOptionsFromEnv(r.env.Getenv)
	if opts.ObjectDir == "" {
		opts.ObjectDir = r.env.Getenv("GIT_QUARANTINE_PATH")
		opts.Quarantine = opts.ObjectDir != ""
	}
	if opts.ObjectDir == "" {
		return gitwalk.Open(r.dir)
	}
	// Hosting software may leave GIT_ALTERNATE_OBJECT_DIRECTORIES out: the
	// repository's own objects directory is read after the quarantine in
	// any case (a directory listed twice is read once).
	plain, err := gitwalk.Open(r.dir)
	if err != nil {
		return nil, err
	}
	own := filepath.Join(plain.GitDir(), "objects")
	plain.Close()
	opts.AlternateObjectDirs = append(opts.AlternateObjectDirs, own)
	return gitwalk.OpenWith(r.dir, opts)
}

// settings loads the rules and the baseline from the default branch as
// the server has it (or the server-wide rules file). A rules file or
// baseline there that cannot be parsed is left out, with a warning: a
// push that broke it must not lock every later push out, and the built-in
// rules (or no baseline) are no weaker. Objects that cannot be read are
// problems the scan counts: the push is rejected.
//
// A broken server-wide rules file is an error: the server chose those
// rules, and nothing else stands in for them.
func (r *run) settings(ctx context.Context, repo *gitwalk.Repo) (scan.Settings, []string, error) {
	p := scan.Policy{RulesFile: r.cfg.RulesFile, Repo: repo}
	s, err := scan.LoadSettings(ctx, p)
	if err == nil {
		return s, nil, nil
	}
	if r.cfg.RulesFile != "" {
		if _, rerr := scan.LoadSettings(ctx, scan.Policy{RulesFile: r.cfg.RulesFile, NoBaseline: true}); rerr != nil {
			return s, nil, fmt.Errorf("the server's rules file: %w", rerr)
		}
	}
	warnings := []string{fmt.Sprintf("%v; scanning without the default branch's baseline", err)}
	p.NoBaseline = true
	if s, err2 := scan.LoadSettings(ctx, p); err2 == nil {
		return s, warnings, nil
	}
	warnings = []string{fmt.Sprintf("%v; scanning with the built-in rules and no baseline", err)}
	s, err = scan.LoadSettings(ctx, scan.Policy{NoBaseline: true})
	s.RulesFrom = "built-in (the default branch's rules file cannot be used)"
	return s, warnings, err
}

// findingCommits lists the commits that hold the findings, in order.
func findingCommits(r *report.Report) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range r.Findings {
		if f.Commit != "" && !seen[f.Commit] {
			seen[f.Commit] = true
			out = append(out, f.Commit)
		}
	}
	sort.Strings(out)
	return out
}
