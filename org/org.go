// Package org scans many git repositories in one run, as an audit of a
// whole organisation does: a list of local paths and clone URLs, a
// deterministic shard of it for one of several machines, each repository
// scanned with the scan engine (clone URLs through a bare mirror, see
// package mirror; blobs already known clean skipped, see package
// scancache), and the reports combined into one (report.Combiner).
//
// A repository that cannot be scanned (missing, corrupt, clone refused) is
// recorded in the report with its error; the others complete.
//
// The package prints nothing and reads no flags: progress and errors go to
// callbacks in Options. It knows the engine, mirrors and the cache; it
// knows nothing of output formats or of the command line.
package org

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// ReadList reads a list of repositories: one local path or clone URL per
// line; blank lines and lines starting with # are ignored, and a
// repository listed twice is kept once.
func ReadList(r io.Reader) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.ContainsRune(line, 0) {
			return nil, fmt.Errorf("line %d: a NUL byte", n)
		}
		if !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return out, nil
}

// IsURL reports whether spec is a clone URL (https://, http://, ssh://,
// git://, file://, or scp-like user@host:path) rather than a local path.
func IsURL(spec string) bool {
	if i := strings.Index(spec, "://"); i > 0 {
		switch strings.ToLower(spec[:i]) {
		case "https", "http", "ssh", "git", "file", "git+ssh", "ssh+git":
			return true
		}
		return false
	}
	// scp-like syntax: user@host:path, with no slash before the colon.
	at, colon := strings.Index(spec, "@"), strings.Index(spec, ":")
	slash := strings.Index(spec, "/")
	return at > 0 && colon > at && (slash < 0 || slash > colon)
}

// DisplayName is how reports name the repository spec: a URL without the
// user name and password it may carry, a path as given.
func DisplayName(spec string) string {
	if !strings.Contains(spec, "://") {
		return spec
	}
	u, err := url.Parse(spec)
	if err != nil || u.User == nil {
		if err != nil {
			if i := strings.Index(spec, "@"); i >= 0 {
				// Unparsable: leave out whatever precedes an @.
				return spec[:strings.Index(spec, "://")+3] + spec[i+1:]
			}
		}
		return spec
	}
	u.User = nil
	return u.String()
}

// Shard is one of N deterministic parts of a repository list.
type Shard struct {
	// K is the part, 0 ≤ K < N; N the number of parts.
	K, N int
}

// ParseShard parses "K/N" (0 ≤ K < N), as a Kubernetes Indexed Job's
// completion index or a matrix job's index gives K.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	ki, err1 := strconv.Atoi(strings.TrimSpace(k))
	ni, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil || ni < 1 || ki < 0 || ki >= ni {
		return Shard{}, fmt.Errorf("shard %q: want K/N with 0 <= K < N", s)
	}
	return Shard{K: ki, N: ni}, nil
}

// Of returns the repositories of list in shard s, in list order. A
// repository's shard depends only on its spec (the first 64 bits of the
// SHA-256 of it, modulo N), so it is the same however the list is ordered
// and whatever else it holds: every repository is in exactly one shard.
func (s Shard) Of(list []string) []string {
	if s.N <= 1 {
		return list
	}
	var out []string
	for _, spec := range list {
		if ShardOf(spec, s.N) == s.K {
			out = append(out, spec)
		}
	}
	return out
}

// ShardOf returns the shard, of n, that holds the repository spec.
func ShardOf(spec string, n int) int {
	h := sha256.Sum256([]byte(strings.TrimSpace(spec)))
	return int(binary.BigEndian.Uint64(h[:8]) % uint64(n))
}

// Options say how to scan the repositories.
type Options struct {
	// Scan are the engine's options for every repository; its Settings
	// are ignored (each repository's come from Policy), and Workers is
	// each repository's share of Threads.
	Scan scan.Options
	// Policy says where rules and baselines come from; each repository's
	// own .secretsrules.toml and .secretsbaseline.json apply unless it
	// names files.
	Policy scan.Policy
	// Threads bounds the work: up to Threads repositories are scanned at
	// once, each with Threads divided among them. Zero means 1.
	Threads int
	// Branches, when set, limits each scan to the history of these refs;
	// Since to commits committed since then.
	Branches []string
	Since    time.Time
	// Open turns a clone URL into the path of a local bare repository
	// (see package mirror). Nil makes a clone URL fail.
	Open func(ctx context.Context, url string) (string, error)
	// Cache, when set, returns the scan cache of the repository at path
	// (spec as listed), and a function to call when its scan is done,
	// with the outcome (see package scancache). Nil scans in full.
	Cache func(spec, path string, settings scan.Settings) (scan.BlobCache, func(*report.Report) error, error)
	// OnError is called with each object that could not be read, from
	// the scans' goroutines, one call at a time.
	OnError func(repo, item string, err error)
	// Progress is called after each repository, with how many are done
	// of how many, one call at a time.
	Progress func(done, total int, repo string)
}

// Run scans the repositories listed (local paths or clone URLs) and
// returns one report across them (see report.Combiner). A repository
// that cannot be scanned is in the report's Summary.Repositories with its
// error; Run goes on with the others. When ctx is cancelled Run returns
// what it found so far, incomplete, and scan.ErrInterrupted.
func Run(ctx context.Context, repos []string, opts Options) (*report.Report, error) {
	threads := max(opts.Threads, 1)
	parallel := min(threads, max(len(repos), 1))
	workers := max(threads/parallel, 1)

	var mu sync.Mutex // guards comb, done and the callbacks
	comb := report.NewCombiner()
	done := 0
	var errMu sync.Mutex
	onErr := opts.OnError

	// One detector per rule set, for every repository that applies it.
	detectors := new(scan.Detectors)
	g := new(errgroup.Group)
	g.SetLimit(parallel)
	interrupted := false // guarded by mu
	for _, spec := range repos {
		if ctx.Err() != nil {
			break // the repositories left are not scanned
		}
		g.Go(func() error {
			name := DisplayName(spec)
			eo := opts.Scan
			eo.Workers = workers
			eo.Detectors = detectors
			eo.OnError = func(item string, err error) error {
				if onErr != nil {
					errMu.Lock()
					onErr(name, item, err)
					errMu.Unlock()
				}
				return nil
			}
			rep, err := scanOne(ctx, spec, eo, opts)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case rep != nil:
				comb.Add(name, rep)
				if err != nil {
					interrupted = true
				}
			case err != nil:
				comb.AddFailed(name, err)
			}
			done++
			if opts.Progress != nil {
				opts.Progress(done, len(repos), name)
			}
			return nil
		})
	}
	g.Wait()
	rep := comb.Report()
	if len(rep.Summary.Repositories) < len(repos) || interrupted || ctx.Err() != nil {
		rep.Summary.Incomplete = true
		return rep, scan.ErrInterrupted
	}
	return rep, nil
}

// scanOne scans one repository's history.
func scanOne(ctx context.Context, spec string, eo scan.Options, opts Options) (*report.Report, error) {
	path := spec
	if IsURL(spec) {
		if opts.Open == nil {
			return nil, errors.New("clone URLs are not supported here")
		}
		var err error
		if path, err = opts.Open(ctx, spec); err != nil {
			return nil, err
		}
	}
	t, err := scan.OpenTarget(path, false)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	if eo.Settings, err = scan.LoadSettings(ctx, t.Policy(opts.Policy)); err != nil {
		return nil, err
	}
	h := &scan.History{Repo: t.Repo, Name: DisplayName(spec)}
	if err := h.Select(opts.Branches, "", opts.Since); err != nil {
		return nil, err
	}
	var finish func(*report.Report) error
	if opts.Cache != nil {
		if eo.Cache, finish, err = opts.Cache(spec, path, eo.Settings); err != nil {
			return nil, err
		}
	}
	rep, err := scan.Run(ctx, h, eo)
	if finish != nil && rep != nil && err == nil {
		if ferr := finish(rep); ferr != nil {
			rep.Summary.Warnings = append(rep.Summary.Warnings, "scan cache not saved: "+ferr.Error())
		}
	}
	return rep, err
}
