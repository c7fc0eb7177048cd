package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/leak"
)

// minCrossMask is the shortest secret that Masked looks for in the other
// fields of a report. A shorter one is masked in its own finding only:
// replacing every two-letter run in every file name and message would make
// the report unreadable and hides nothing worth hiding.
const minCrossMask = 4

// Masked returns a copy of r in which every secret found is masked
// wherever it occurs: each finding's secret itself (leak.Mask: its first
// four characters and its length), and every occurrence of any finding's
// secret in every string field of every finding (another finding's match,
// the commit message, the file name, the author, the refs...) and of the
// summary (warnings, source, range). The match of a decoded secret is its
// encoded form, as good as the secret to whoever decodes it: it is masked
// whole, and wherever else it occurs. Secrets shorter than four bytes are
// masked in their own finding only. r is not changed.
//
// Every Reporter of this package masks what it writes unless its
// ShowSecrets field is set, so a program that writes reports cannot print a
// whole secret by leaving a field unset; Masked is for what a program
// prints itself.
func Masked(r *Report) *Report {
	rep := maskReplacer(r.Findings)
	secrets := cutSecrets(r.Findings)
	fs := slices.Clone(r.Findings)
	for i := range fs {
		f := &fs[i]
		own := f.Match
		switch {
		case f.Secret == "":
		case f.Decoded != "":
			own = leak.Mask(f.Match)
		default:
			own = leak.Redact(f.Match, f.Secret)
		}
		secret := f.Secret
		if secret != "" {
			secret = leak.Mask(secret)
		}
		mapStrings(f, rep.Replace)
		f.Match, f.Secret = rep.Replace(own), secret
		f.Message = maskCut(f.Message, secrets)
		for j := range f.Locations {
			f.Locations[j].Message = maskCut(f.Locations[j].Message, secrets)
		}
	}
	s := r.Summary
	mapSummary(&s, rep.Replace)
	return &Report{Findings: fs, Summary: s}
}

// cutSecrets are the secrets of fs that maskCut looks for, longest first.
func cutSecrets(fs []leak.Finding) []string {
	var out []string
	for i := range fs {
		if s := fs[i].Secret; len(s) > minCrossMask {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a, b)) })
	return slices.Compact(out)
}

// maskCut masks the start of a secret that msg, a commit's message cut
// for reports (see gitwalk.MaxMessage: it then ends with "…"), ends with:
// the secret whole is not there for the replacer to find, and its start
// is as much of it as the message shows. msg has been through the
// replacer already.
func maskCut(msg string, secrets []string) string {
	body, ok := strings.CutSuffix(msg, "…")
	if !ok {
		return msg
	}
	for _, s := range secrets {
		for n := min(len(s)-1, len(body)); n >= minCrossMask; n-- {
			if strings.HasSuffix(body, s[:n]) {
				return body[:len(body)-n] + leak.Mask(s)
			}
		}
	}
	return msg
}

// maskReplacer replaces every secret of fs (and the encoded match of each
// decoded one) with its mask, the longest first where they overlap.
func maskReplacer(fs []leak.Finding) *strings.Replacer {
	seen := map[string]bool{}
	var olds []string
	add := func(s string) {
		if len(s) >= minCrossMask && !seen[s] {
			seen[s] = true
			olds = append(olds, s)
		}
	}
	for i := range fs {
		add(fs[i].Secret)
		add(leak.Normalize(fs[i].Secret))
		if fs[i].Decoded != "" {
			add(fs[i].Match)
		}
	}
	// At each position the replacer tries the old strings in argument
	// order: longer first, so that a secret holding another is masked
	// whole.
	slices.SortFunc(olds, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a, b)) })
	args := make([]string, 0, 2*len(olds))
	for _, o := range olds {
		args = append(args, o, leak.Mask(o))
	}
	return strings.NewReplacer(args...)
}

// mapStrings applies m to every string field of f (its slices copied,
// not changed in place), except its ids: the commit, blob and fingerprint,
// which are hex and hide nothing.
func mapStrings(f *leak.Finding, m func(string) string) {
	f.RuleID, f.Description, f.Severity, f.Confidence = m(f.RuleID), m(f.Description), m(f.Severity), m(f.Confidence)
	f.Secret, f.Match, f.Decoded = m(f.Secret), m(f.Match), m(f.Decoded)
	mapLocation(&f.Location, m)
	f.Tags = mapSlice(f.Tags, m)
	f.Refs = mapSlice(f.Refs, m)
	f.Context.Label, f.Context.Path, f.Context.Known = m(f.Context.Label), m(f.Context.Path), m(f.Context.Known)
	f.Context.Value = mapSlice(f.Context.Value, m)
	if len(f.Locations) > 0 {
		f.Locations = slices.Clone(f.Locations)
		for j := range f.Locations {
			mapLocation(&f.Locations[j], m)
		}
	}
}

func mapLocation(l *leak.Location, m func(string) string) {
	l.Repository, l.File, l.Author, l.Email, l.Message = m(l.Repository), m(l.File), m(l.Author), m(l.Email), m(l.Message)
}

func mapSlice(ss []string, m func(string) string) []string {
	if len(ss) == 0 {
		return ss
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = m(s)
	}
	return out
}

// mapSummary applies m to every string of s (its slices copied).
func mapSummary(s *Summary, m func(string) string) {
	s.Source, s.Range, s.HeadRef, s.Baseline, s.FilteredBelow = m(s.Source), m(s.Range), m(s.HeadRef), m(s.Baseline), m(s.FilteredBelow)
	s.Warnings = mapSlice(s.Warnings, m)
	if len(s.Repositories) > 0 {
		s.Repositories = slices.Clone(s.Repositories)
		for i := range s.Repositories {
			rs := &s.Repositories[i]
			rs.Repository, rs.Error = m(rs.Repository), m(rs.Error)
		}
	}
}

// displayMessage is a commit message as formats for people show it: its
// first line.
func displayMessage(msg string) string {
	first, _, _ := strings.Cut(msg, "\n")
	return strings.TrimSuffix(first, "\r")
}

// view returns r as a reporter prints it: with file names that are not
// valid UTF-8 escaped (leak.DisplayPath), and masked (see Masked) unless
// show is set. For formats people read (forPeople: text, CSV, JUnit,
// Markdown, GitHub annotations, hook messages), every string is made safe
// for a terminal or a line-based parser as well: control characters
// (escape sequences, newlines, carriage returns), bidirectional overrides
// and invalid UTF-8 are written as Go quotes them (see escape), and a
// commit message is cut to its first line. JSON formats keep the values
// (their encoder escapes control characters). r is not changed.
func view(r *Report, show, forPeople bool) *Report {
	if show {
		r = &Report{Findings: slices.Clone(r.Findings), Summary: r.Summary}
	} else {
		r = Masked(r)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.File = leak.DisplayPath(f.File)
		if len(f.Locations) > 0 {
			f.Locations = slices.Clone(f.Locations)
			for j := range f.Locations {
				f.Locations[j].File = leak.DisplayPath(f.Locations[j].File)
			}
		}
	}
	if forPeople {
		for i := range r.Findings {
			f := &r.Findings[i]
			f.Message = displayMessage(f.Message)
			for j := range f.Locations {
				f.Locations[j].Message = displayMessage(f.Locations[j].Message)
			}
			mapStrings(f, escape)
		}
		mapSummary(&r.Summary, escape)
	}
	return r
}
