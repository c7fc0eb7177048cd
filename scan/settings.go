package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/internal/safefile"
	"github.com/leakhound/leakhound/report"
)

// RulesFileName is the rules file a repository, or a directory, may carry
// at its root.
const RulesFileName = ".secretsrules.toml"

// Settings are what a scan applies: the rules, and the baseline of known
// secrets that are not reported.
type Settings struct {
	// Rules are the rules; nil means the built-in rules.
	Rules *config.Config
	// RulesFrom says where the rules came from, for people.
	RulesFrom string
	// BuiltInRules is true when no rules file applies: Rules are the
	// built-in rules.
	BuiltInRules bool
	// Baseline lists the known secrets; nil reports every secret.
	Baseline *baseline.Baseline
	// BaselineName names the baseline in the summary.
	BaselineName string
	// BaselineNote, when not empty, says what became of the baseline, for
	// people: where it was read from, or why a baseline that was asked for
	// does not apply.
	BaselineNote string
	// Problems are the repository's own rules or baseline files that could
	// not be read (a bare repository's, whose objects may be damaged): the
	// built-in rules, or no baseline, apply instead, and Run counts each
	// problem as an error, so that the scan is incomplete. It fails closed.
	Problems []Problem
}

// Problem is an error about one item.
type Problem struct {
	Item string
	Err  error
}

// Policy says where a scan's rules and baseline come from. Files named on
// the command line win (RulesFile, BaselineFile, NoBaseline; under
// Reviewed, one inside the work tree is read from the base commit, as the
// repository's own files are); otherwise
// the scanned tree's own .secretsrules.toml and .secretsbaseline.json
// apply, read from:
//
//   - Reviewed's base commit, when the scan checks commits under review (a
//     merge request or a push, leakhound ci): the work tree holds the
//     commits under review, and a merge request must not be able to
//     allowlist or baseline its own secret;
//   - else Dir, the top of a work tree or a plain directory;
//   - else, for a repository without a work tree (bare), the tip of its
//     default branch (see gitwalk.Repo.DefaultBranch);
//   - else nowhere: the built-in rules and no baseline (standard input).
type Policy struct {
	// RulesFile is a rules file on disk (--config).
	RulesFile string
	// BaselineFile is a baseline file (--baseline): on disk, or, with
	// Reviewed, in the base commit when it lies inside the work tree.
	BaselineFile string
	// NoBaseline reports every secret, baselined or not.
	NoBaseline bool
	// Dir is the top of the work tree, or the directory scanned.
	Dir string
	// Repo is the repository scanned, if any.
	Repo *gitwalk.Repo
	// Reviewed, when set, says the scan checks the commits a merge request
	// or push adds to Repo.
	Reviewed *Reviewed
}

// Reviewed are the ends of a range of commits under review.
type Reviewed struct {
	// Base is the commit the range is measured against; zero when the
	// range has none (a new default branch: all of its history). The
	// rules are then read from Head, and no baseline applies unless one
	// is named on disk.
	Base gitwalk.ID
	// Head is the last commit of the range.
	Head gitwalk.ID
}

// trustedFile reports whether name, a rules file named on the command
// line, is read from a commit of Repo (see Policy): commits are under
// review, and it lies inside the work tree, whose copy is theirs. rel is
// its slash-separated path in the tree.
func (p Policy) trustedFile(name string) (rel string, inTree bool) {
	if name == "" || p.Reviewed == nil || p.Repo == nil {
		return "", false
	}
	return insideWorkTree(p.Repo, name)
}

// LoadSettings reads the rules and the baseline that policy p names. A
// rules or baseline file that is malformed, or refused (a baseline of an
// older fingerprint version), is an error: it never hides a finding.
//
// The repository's own files, in its work tree or in a commit, are read
// with a size limit (config.MaxFileSize for rules, baseline.MaxFileSize
// for a baseline); those in a work tree (or the directory scanned) only if
// they are regular files, not through a symbolic link at any step (see
// internal/safefile): a file a merge request replaced with a link to
// /dev/zero, a FIFO or a file outside the tree is an error that names it
// and shows none of its content. Files named on the command line may be
// links, but only to regular files. Reading stops when ctx is cancelled.
func LoadSettings(ctx context.Context, p Policy) (Settings, error) {
	var s Settings
	var err error
	if s.Rules, s.RulesFrom, err = p.rules(ctx, &s); err != nil {
		return Settings{}, err
	}
	if err := p.baseline(ctx, &s); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// readTreeFile reads name, a file at the top of dir (a work tree, or a
// directory scanned), which the repository controls: a regular file of at
// most maxSize bytes, reached without a symbolic link. ok is false when
// there is no such file.
func readTreeFile(ctx context.Context, dir, name string, maxSize int64) (data []byte, ok bool, err error) {
	data, err = safefile.ReadFile(ctx, dir, name, maxSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	return data, true, nil
}

// rules picks the rules: see Policy.
func (p Policy) rules(ctx context.Context, s *Settings) (*config.Config, string, error) {
	rel, inTree := p.trustedFile(p.RulesFile)
	switch {
	case p.RulesFile != "" && !inTree:
		cfg, err := config.Load(p.RulesFile)
		return cfg, p.RulesFile + " (--config)", err
	case p.Reviewed != nil:
		// A rules file named inside the work tree (--config rules.toml) is
		// the merge request's copy there: read it from the base commit,
		// as the repository's own .secretsrules.toml.
		name, flag := RulesFileName, ""
		if p.RulesFile != "" {
			name, flag = rel, " (--config)"
		}
		at, what := p.Reviewed.Base, "base"
		if at.IsZero() {
			at, what = p.Reviewed.Head, "head (the range has no base)"
		}
		short := report.ShortID(at.String())
		data, ok, err := p.Repo.FileAt(at, name, config.MaxFileSize)
		if err != nil {
			return nil, "", fmt.Errorf("read %s at %s: %w", name, short, err)
		}
		if !ok {
			cfg, err := config.Default()
			s.BuiltInRules = true
			why := fmt.Sprintf("built-in (no %s in the %s commit %s)", name, what, short)
			if flag != "" {
				why = fmt.Sprintf("built-in: %s%s is not in the %s commit %s (a rules file added by the commits under review is not trusted)", name, flag, what, short)
			}
			return cfg, why, err
		}
		cfg, err := config.Parse(short+":"+name, data)
		return cfg, fmt.Sprintf("%s%s from the %s commit %s", name, flag, what, short), err
	case p.Dir != "":
		name := filepath.Join(p.Dir, RulesFileName)
		data, ok, err := readTreeFile(ctx, p.Dir, RulesFileName, config.MaxFileSize)
		switch {
		case err != nil:
			return nil, "", fmt.Errorf("read rules file %s: %w", name, err)
		case ok:
			cfg, err := config.Parse(name, data)
			return cfg, name, err
		}
	case p.Repo != nil:
		if data, ok := p.committed(s, RulesFileName, config.MaxFileSize); ok {
			cfg, err := config.Parse(RulesFileName, data)
			return cfg, RulesFileName + " in the default branch", err
		}
	}
	cfg, err := config.Default()
	s.BuiltInRules = true
	return cfg, "built-in", err
}

// baseline picks the baseline: see Policy.
func (p Policy) baseline(ctx context.Context, s *Settings) error {
	var data []byte
	var name string
	switch {
	case p.NoBaseline:
		return nil
	case p.Reviewed != nil:
		var ok bool
		var err error
		if data, name, ok, err = p.reviewedBaseline(ctx, s); err != nil || !ok {
			return err
		}
		s.BaselineNote = name
	case p.BaselineFile != "":
		b, err := baseline.Load(p.BaselineFile)
		if err == nil {
			err = b.Check(p.BaselineFile)
		}
		if err != nil {
			return err
		}
		s.Baseline, s.BaselineName = b, p.BaselineFile
		return nil
	case p.Dir != "":
		name = filepath.Join(p.Dir, baseline.FileName)
		var ok bool
		var err error
		data, ok, err = readTreeFile(ctx, p.Dir, baseline.FileName, baseline.MaxFileSize)
		switch {
		case err != nil:
			return fmt.Errorf("open baseline %s: %w", name, err)
		case !ok:
			return nil
		}
	case p.Repo != nil:
		var ok bool
		if data, ok = p.committed(s, baseline.FileName, baseline.MaxFileSize); !ok {
			return nil
		}
		name = baseline.FileName + " (in HEAD)"
	default:
		return nil
	}
	b, err := baseline.Parse(name, data)
	if err == nil {
		err = b.Check(name)
	}
	if err != nil {
		return err
	}
	s.Baseline, s.BaselineName = b, name
	return nil
}

// reviewedBaseline reads the baseline of a scan of commits under review:
// a file inside the repository from the base commit's tree, one outside it
// from disk. With no BaselineFile, the base commit's .secretsbaseline.json,
// if it has one.
func (p Policy) reviewedBaseline(ctx context.Context, s *Settings) (data []byte, name string, ok bool, err error) {
	base := p.Reviewed.Base
	rel, inside := baseline.FileName, true
	if p.BaselineFile != "" {
		rel, inside = insideWorkTree(p.Repo, p.BaselineFile)
	}
	switch {
	case inside && !base.IsZero():
		short := report.ShortID(base.String())
		content, ok, err := p.Repo.FileAt(base, rel, baseline.MaxFileSize)
		if err != nil {
			return nil, "", false, fmt.Errorf("read baseline %s at %s: %w", rel, short, err)
		}
		if !ok {
			if p.BaselineFile != "" {
				s.BaselineNote = fmt.Sprintf("%s is not in the base commit %s, so every finding counts as new (a baseline added by the merge request itself is not trusted)", rel, short)
			}
			return nil, "", false, nil
		}
		return content, short + ":" + rel, true, nil
	case p.BaselineFile == "":
		return nil, "", false, nil // no base to read the default baseline from
	}
	content, err := safefile.ReadPath(ctx, p.BaselineFile, baseline.MaxFileSize)
	if err != nil {
		return nil, "", false, fmt.Errorf("read baseline: %w", err)
	}
	return content, p.BaselineFile, true, nil
}

// committed returns file, if it has at most maxSize bytes, from the tip of
// the repository's default branch. A repository without one (an empty one)
// has no such file; a file that cannot be read is a problem of s, and
// taken as absent.
func (p Policy) committed(s *Settings, file string, maxSize int64) ([]byte, bool) {
	ref, err := p.Repo.DefaultBranch()
	if err != nil {
		return nil, false
	}
	b, ok, err := p.Repo.FileAt(ref.ID, file, maxSize)
	if err != nil {
		s.Problems = append(s.Problems, Problem{Item: file + " in " + ref.Name, Err: err})
		return nil, false
	}
	return b, ok
}

// insideWorkTree reports whether name lies inside the repository's work
// tree, and its slash-separated path there. For a bare repository, a
// relative name is taken to be inside.
func insideWorkTree(repo *gitwalk.Repo, name string) (string, bool) {
	top := repo.WorkTree()
	if top == "" {
		if filepath.IsAbs(name) {
			return "", false
		}
		return filepath.ToSlash(filepath.Clean(name)), true
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", false
	}
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	if d, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(d, filepath.Base(abs))
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
