package scan

import (
	"fmt"
	"path/filepath"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/gitwalk"
)

// Target is what a path given to a command names: a git repository, or,
// for a scan outside git (--no-git), a plain directory.
type Target struct {
	// Path is the path as given.
	Path string
	// Repo is the repository; nil for a plain directory.
	Repo *gitwalk.Repo
	// Dir is the top of the repository's work tree, or the directory; ""
	// for a bare repository.
	Dir string
}

// OpenTarget opens the repository at path (a work tree or a directory in
// one, a bare repository, a linked worktree), or with noGit the directory
// at path. Where there is no repository, the error wraps
// gitwalk.ErrNotRepository. Close the Target after use.
func OpenTarget(path string, noGit bool) (*Target, error) {
	if noGit {
		if _, err := NewDir(path); err != nil {
			return nil, err
		}
		return &Target{Path: path, Dir: path}, nil
	}
	repo, err := gitwalk.Open(path)
	if err != nil {
		return nil, err
	}
	return &Target{Path: path, Repo: repo, Dir: repo.WorkTree()}, nil
}

// Close closes the repository.
func (t *Target) Close() error {
	if t.Repo == nil {
		return nil
	}
	return t.Repo.Close()
}

// Policy returns p reading the target's own rules and baseline (see
// Policy): p's Dir and Repo set to the target's.
func (t *Target) Policy(p Policy) Policy {
	p.Dir, p.Repo = t.Dir, t.Repo
	return p
}

// All returns the source of everything the target holds: every commit of
// every ref, or the directory's files.
func (t *Target) All() Source {
	if t.Repo == nil {
		return Dir{Path: t.Path}
	}
	return &History{Repo: t.Repo, Name: t.Path, Label: "all refs"}
}

// BaselineFile returns where the target's baseline lives:
// .secretsbaseline.json at the top of its work tree, or of the directory.
// A bare repository has no such place.
func (t *Target) BaselineFile() (string, error) {
	if t.Dir == "" {
		return "", fmt.Errorf("%s is a bare repository: name the baseline file (-o or --baseline)", t.Path)
	}
	return filepath.Join(t.Dir, baseline.FileName), nil
}
