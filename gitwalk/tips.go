package gitwalk

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// TipsDigest returns a digest of everything that decides what a walk of
// every ref covers and how a report describes it: every ref and the object
// it resolves to, what HEAD and refs/remotes/origin/HEAD name (the default
// branch), the shallow boundary and the object directories searched. Two
// equal digests of one repository mean the same commits, the same trees and
// the same default branch, since objects never change under their ids: a
// scan of every ref made then is a scan of every ref now. A ref or file
// that cannot be read is an error (the caller walks in full).
func (r *Repo) TipsDigest() (string, error) {
	var problem error
	refs, err := r.Refs(func(item string, err error) error {
		if problem == nil {
			problem = fmt.Errorf("%s: %w", item, err)
		}
		return nil
	})
	if err == nil {
		err = problem
	}
	if err != nil {
		return "", err
	}
	lines := make([]string, 0, len(refs)+4)
	for _, ref := range refs {
		lines = append(lines, "ref "+ref.Name+" "+ref.ID.String())
	}
	slices.Sort(lines)
	for _, name := range []string{"HEAD", "refs/remotes/origin/HEAD"} {
		ref, err := r.refs.read(name)
		switch {
		case errors.Is(err, plumbing.ErrReferenceNotFound):
			lines = append(lines, "none "+name)
		case err != nil:
			return "", fmt.Errorf("ref %s: %w", name, err)
		case ref.Type() == plumbing.SymbolicReference:
			lines = append(lines, "symbolic "+name+" "+ref.Target().String())
		default:
			lines = append(lines, "id "+name+" "+ref.Hash().String())
		}
	}
	shallow, bad, err := r.shallow()
	if err != nil || len(bad) > 0 {
		return "", fmt.Errorf("read shallow file: %v %v", err, bad)
	}
	for _, h := range shallow {
		lines = append(lines, "shallow "+h.String())
	}
	for _, d := range r.objDirs {
		lines = append(lines, "objects "+d)
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:]), nil
}
