package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/leakhound/leakhound/leak"
)

// RepoSummary is one repository's line in the summary of a scan of several
// repositories (see Combiner).
type RepoSummary struct {
	// Repository is the repository's path or clone URL, as listed.
	Repository string `json:"repository"`
	Commits    int    `json:"commits"`
	Blobs      int    `json:"blobs"`
	Bytes      int64  `json:"bytes"`
	// Cached counts the blobs not read again because the scan cache knew
	// them to hold nothing (see Summary.Skipped's "cached").
	Cached int `json:"cached,omitempty"`
	// Findings counts the secrets found in the repository, including those
	// the report lists at another repository with a location here.
	Findings int `json:"findings"`
	InHead   int `json:"in_head"`
	// Errors counts objects that could not be read.
	Errors     int  `json:"errors"`
	Incomplete bool `json:"incomplete"`
	// Error says why the repository could not be scanned at all (missing,
	// corrupt, clone refused); its other fields are then zero.
	Error   string  `json:"error,omitempty"`
	Seconds float64 `json:"duration_seconds"`
}

// Combiner merges the reports of single repositories, or reports it made
// before (a shard's, read back with ReadJSON), into one report across
// repositories. A secret (a fingerprint) found in several repositories is
// one finding, at its place in the repository whose name sorts first, with
// locations in each other repository: one credential to rotate. Each
// finding and location names its repository.
//
// The result does not depend on the order reports are added in, so that
// shards merged equal one run over every repository, provided no
// repository is added twice. A Combiner keeps only findings and one
// RepoSummary per repository. It is not safe for concurrent use.
type Combiner struct {
	byFP  map[string]*combined
	repos []RepoSummary
	sum   Summary
}

type combined struct {
	f    leak.Finding
	repo string
	// rank orders findings of one repository: their order in its report.
	rank int
}

// NewCombiner returns an empty Combiner.
func NewCombiner() *Combiner {
	return &Combiner{byFP: map[string]*combined{}, sum: Summary{Skipped: map[leak.SkipReason]int{}}}
}

// Add adds the report of the repository named repo. Its findings and
// locations are marked with repo.
func (c *Combiner) Add(repo string, r *Report) {
	for i, f := range r.Findings {
		f.Repository = repo
		f.Locations = slices.Clone(f.Locations)
		for j := range f.Locations {
			f.Locations[j].Repository = repo
		}
		c.add(&combined{f: f, repo: repo, rank: i})
	}
	s := &r.Summary
	cached := s.Skipped[leak.SkipCached]
	c.repos = append(c.repos, RepoSummary{
		Repository: repo, Commits: s.Commits, Blobs: s.Blobs, Bytes: s.Bytes, Cached: cached,
		Findings: len(r.Findings), InHead: s.InHead, Errors: s.Errors, Incomplete: s.Incomplete,
		Seconds: s.Duration.Seconds(),
	})
	c.addCounts(s)
	for _, w := range s.Warnings {
		c.sum.Warnings = append(c.sum.Warnings, repo+": "+w)
	}
}

// AddFailed records a repository that could not be scanned, and why. The
// combined report is then incomplete.
func (c *Combiner) AddFailed(repo string, err error) {
	// The line names the repository already.
	msg := strings.TrimPrefix(err.Error(), repo+": ")
	c.repos = append(c.repos, RepoSummary{Repository: repo, Error: msg, Incomplete: true})
	c.sum.Errors++
	c.sum.Incomplete = true
}

// AddCombined adds a report a Combiner made (a shard's report): its
// findings, its repositories' summaries, its errors and warnings.
func (c *Combiner) AddCombined(r *Report) {
	for i, f := range r.Findings {
		f.Locations = slices.Clone(f.Locations)
		c.add(&combined{f: f, repo: f.Repository, rank: i})
	}
	s := &r.Summary
	c.repos = append(c.repos, s.Repositories...)
	c.addCounts(s)
	c.sum.Warnings = append(c.sum.Warnings, s.Warnings...)
}

func (c *Combiner) addCounts(s *Summary) {
	c.sum.Commits += s.Commits
	c.sum.Blobs += s.Blobs
	c.sum.Bytes += s.Bytes
	for k, v := range s.Skipped {
		c.sum.Skipped[k] += v
	}
	c.sum.Shallow = c.sum.Shallow || s.Shallow
	c.sum.Errors += s.Errors
	c.sum.Incomplete = c.sum.Incomplete || s.Incomplete
	c.sum.Duration += s.Duration
	c.sum.Baselined += s.Baselined
	c.sum.KnownLeftOut += s.KnownLeftOut
	if c.sum.Range == "" {
		c.sum.Range = s.Range
	} else if s.Range != "" && s.Range != c.sum.Range {
		c.sum.Range = "various ranges"
	}
}

// add merges e into the finding of its fingerprint, if any: the one whose
// repository sorts first (then the earlier in its report) stays the
// finding, and the other's place and locations become locations of it.
func (c *Combiner) add(e *combined) {
	old := c.byFP[e.f.Fingerprint]
	if old == nil {
		c.byFP[e.f.Fingerprint] = e
		return
	}
	first, second := old, e
	if cmp.Or(cmp.Compare(e.repo, old.repo), cmp.Compare(e.rank, old.rank)) < 0 {
		first, second = e, old
	}
	f := first.f
	locs := append(slices.Clone(f.Locations), second.f.Location)
	locs = append(locs, second.f.Locations...)
	// Each repository's locations stay together, in its own order.
	slices.SortStableFunc(locs, func(a, b leak.Location) int { return cmp.Compare(a.Repository, b.Repository) })
	f.Locations = locs[:0]
	seen := map[leak.Location]bool{f.Location: true}
	for _, l := range locs {
		if !seen[l] {
			seen[l] = true
			f.Locations = append(f.Locations, l)
		}
	}
	f.InHead = f.InHead || second.f.InHead
	c.byFP[e.f.Fingerprint] = &combined{f: f, repo: first.repo, rank: first.rank}
}

// Report returns the combined report: findings ordered by repository, then
// by their order in its report; a summary whose Repositories has a line
// per repository, sorted by name.
func (c *Combiner) Report() *Report {
	all := make([]*combined, 0, len(c.byFP))
	for _, e := range c.byFP {
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b *combined) int {
		return cmp.Or(cmp.Compare(a.repo, b.repo), cmp.Compare(a.rank, b.rank), cmp.Compare(a.f.Fingerprint, b.f.Fingerprint))
	})
	r := &Report{Findings: make([]leak.Finding, len(all)), Summary: c.sum}
	for i, e := range all {
		r.Findings[i] = e.f
		if e.f.InHead {
			r.Summary.InHead++
		}
	}
	s := &r.Summary
	s.Repositories = slices.Clone(c.repos)
	slices.SortFunc(s.Repositories, func(a, b RepoSummary) int { return cmp.Compare(a.Repository, b.Repository) })
	s.Warnings = slices.Clone(c.sum.Warnings)
	slices.Sort(s.Warnings)
	s.Skipped = map[leak.SkipReason]int{}
	for k, v := range c.sum.Skipped {
		s.Skipped[k] = v
	}
	s.Source = fmt.Sprintf("%d repositor%s", len(s.Repositories), PluralY(len(s.Repositories)))
	s.Mode = "git"
	s.Findings = len(r.Findings)
	return r
}

// Combined reports whether s is the summary of a Combiner's report (one
// of several repositories, or of none: an empty shard).
func (s *Summary) Combined() bool {
	return len(s.Repositories) > 0 || s.Source == "0 repositories"
}

// Failed returns the repositories of r's summary that could not be scanned.
func (s *Summary) Failed() []RepoSummary {
	var out []RepoSummary
	for _, r := range s.Repositories {
		if r.Error != "" {
			out = append(out, r)
		}
	}
	return out
}

// ReadJSON reads a report the JSON reporter wrote.
func ReadJSON(rd io.Reader) (*Report, error) {
	var v struct {
		Findings []leak.Finding `json:"findings"`
		Summary  *Summary       `json:"summary"`
	}
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if v.Summary == nil {
		return nil, fmt.Errorf("not a leakhound JSON report: no summary")
	}
	for i := range v.Findings {
		if v.Findings[i].Fingerprint == "" {
			return nil, fmt.Errorf("finding %d has no fingerprint", i+1)
		}
	}
	v.Summary.Duration = time.Duration(v.Summary.Seconds * float64(time.Second))
	return &Report{Findings: v.Findings, Summary: *v.Summary}, nil
}
