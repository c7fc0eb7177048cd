package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// This file holds what every scan path (scan, the hooks, CI) shares about
// baselines and about telling secrets still in HEAD from those in history
// only. A scan picks its baseline like its rules: --baseline FILE, else
// .secretsbaseline.json at the root of the scanned work tree (for a bare
// repository, the one in the default branch's tree), else none;
// --no-baseline turns it off.

// loadBaseline reads the baseline file at path for filtering findings: it
// fails on a baseline whose fingerprints are of an older version, saying
// how to migrate it.
func loadBaseline(path string) (*baseline.Baseline, error) {
	b, err := baseline.Load(path)
	if err != nil {
		return nil, err
	}
	if err := b.Check(path); err != nil {
		return nil, err
	}
	return b, nil
}

// resolveBaseline picks the baseline of a scan: eo.baselinePath, else
// baseline.FileName at root (a directory; "" for none), else what fromRepo
// returns (nil: nothing to ask). It returns nil and "" when there is none or
// eo.noBaseline is set, and the name of the file it used otherwise.
func resolveBaseline(eo engineOptions, root string, fromRepo func() ([]byte, bool, error)) (*baseline.Baseline, string, error) {
	if eo.noBaseline {
		return nil, "", nil
	}
	if eo.baselinePath != "" {
		b, err := loadBaseline(eo.baselinePath)
		return b, eo.baselinePath, err
	}
	if root != "" {
		p := filepath.Join(root, baseline.FileName)
		data, err := os.ReadFile(p)
		switch {
		case err == nil:
			b, err := baseline.Parse(p, data)
			if err == nil {
				err = b.Check(p)
			}
			return b, p, err
		case !errors.Is(err, os.ErrNotExist):
			return nil, "", fmt.Errorf("open baseline %s: %w", p, err)
		}
	}
	if fromRepo != nil {
		data, ok, err := fromRepo()
		if err != nil || !ok {
			return nil, "", err
		}
		name := baseline.FileName + " (in HEAD)"
		b, err := baseline.Parse(name, data)
		if err == nil {
			err = b.Check(name)
		}
		return b, name, err
	}
	return nil, "", nil
}

// applyBaseline removes the findings b knows from rep and records it in the
// summary. b may be nil.
func applyBaseline(rep *report.Report, b *baseline.Baseline, name string) {
	if b == nil {
		return
	}
	fresh, known := b.Filter(rep.Findings)
	rep.Findings = fresh
	rep.Summary.Baseline = name
	rep.Summary.Baselined = len(known)
	rep.Summary.Findings = len(fresh)
}

// markInHead sets InHead on each finding whose secret is still in the tree
// of the default branch's tip (see gitwalk.Repo.DefaultBranch), and returns
// that tip, or a zero Ref if the repository has none. It looks only at the
// files the findings name (where each secret was introduced, renamed or
// copied to) in that tree, reading each such file once: not a rescan.
// A file it cannot read counts as still holding the secret, with a warning.
func markInHead(repo *gitwalk.Repo, fs []leak.Finding) (gitwalk.Ref, []string) {
	ref, err := repo.DefaultBranch()
	if err != nil {
		if errors.Is(err, gitwalk.ErrNoDefaultBranch) {
			return gitwalk.Ref{}, nil
		}
		return gitwalk.Ref{}, []string{"cannot tell which secrets are still in HEAD: " + err.Error()}
	}
	if len(fs) == 0 {
		return ref, nil
	}
	files := func(f *leak.Finding) []string {
		out := []string{f.File}
		for _, l := range f.Locations {
			out = append(out, l.File)
		}
		return out
	}
	var paths []string
	for i := range fs {
		paths = append(paths, files(&fs[i])...)
	}
	blobs, err := repo.PathBlobs(ref.ID, paths)
	if err != nil {
		for i := range fs {
			fs[i].InHead = true
		}
		return ref, []string{fmt.Sprintf("cannot read the tree of %s; every finding is taken to be still there: %v", ref.Name, err)}
	}
	// Which findings to look for in each blob of HEAD's tree.
	var order []gitwalk.ID
	lookFor := map[gitwalk.ID][]int{}
	for i := range fs {
		f := &fs[i]
		f.InHead = false
		for _, p := range files(f) {
			h, ok := blobs[p]
			switch {
			case !ok:
			case h.String() == f.BlobID:
				// The very content that introduced it (and, for rules on
				// paths alone, the only way to be in HEAD).
				f.InHead = true
			case f.Secret != "":
				if lookFor[h] == nil {
					order = append(order, h)
				}
				lookFor[h] = append(lookFor[h], i)
			}
		}
	}
	var warnings []string
	rd := repo.NewReader()
	defer rd.Close()
	for _, h := range order {
		content, err := rd.Blob(h, 0)
		for _, i := range lookFor[h] {
			f := &fs[i]
			if f.InHead {
				continue
			}
			if err != nil {
				f.InHead = true
				continue
			}
			// A decoded secret is written encoded: look for what is written.
			written := f.Secret
			if f.Decoded != "" {
				written = f.Match
			}
			f.InHead = bytes.Contains(content, []byte(written))
		}
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("cannot read %s in %s; its findings are taken to be still there: %v", h, ref.Name, err))
		}
	}
	return ref, warnings
}

// countInHead returns how many findings are still in HEAD.
func countInHead(fs []leak.Finding) int {
	n := 0
	for i := range fs {
		if fs[i].InHead {
			n++
		}
	}
	return n
}
