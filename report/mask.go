package report

import (
	"slices"

	"github.com/leakhound/leakhound/leak"
)

// Masked returns a copy of r in which every secret is masked: the secret
// itself (leak.Mask: its first four characters and its length), and its
// occurrences in the match. The match of a decoded secret is its encoded
// form, as good as the secret to whoever decodes it: it is masked whole.
// r is not changed.
//
// Every Reporter of this package masks what it writes unless its
// ShowSecrets field is set, so a program that writes reports cannot print a
// whole secret by leaving a field unset; Masked is for what a program
// prints itself.
func Masked(r *Report) *Report {
	fs := slices.Clone(r.Findings)
	for i := range fs {
		f := &fs[i]
		if f.Secret == "" {
			continue
		}
		if f.Decoded != "" {
			f.Match = leak.Mask(f.Match)
		} else {
			f.Match = leak.Redact(f.Match, f.Secret)
		}
		f.Secret = leak.Mask(f.Secret)
	}
	return &Report{Findings: fs, Summary: r.Summary}
}

// view returns r as a reporter prints it: with file names that are not
// valid UTF-8 escaped (leak.DisplayPath), and masked (see Masked) unless
// show is set. r is not changed.
func view(r *Report, show bool) *Report {
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
	return r
}
