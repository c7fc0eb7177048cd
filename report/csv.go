package report

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CSV writes a report as comma-separated values (RFC 4180), one row per
// finding after a header row:
//
//	rule_id,description,severity,file,line,column,end_line,end_column,
//	commit,author,email,date,secret,match,entropy,decoded,fingerprint,
//	tags,other_locations,confidence,context,refs
//
// date is RFC 3339 in UTC, empty outside git; tags are separated by "|";
// other_locations is "file:line@commit" for each other place the secret was
// introduced, separated by "|"; context is the triage's label (production,
// test, docs, publicly known...); refs are the refs whose tips still hold
// the secret, separated by "|". secret and match are masked unless ShowSecrets is set.
//
// The report of several repositories (see Combiner) has one more column,
// repository, and its other_locations are "repository:file:line@commit".
//
// A cell that a spreadsheet would evaluate as a formula (one starting with
// =, +, -, @, tab or carriage return) gets a leading apostrophe, as OWASP
// advises against CSV injection: paths, author names and matched text come
// from the scanned repository, which may be hostile.
type CSV struct {
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
}

var _ Reporter = CSV{}

// csvHeader is the header row.
var csvHeader = []string{
	"rule_id", "description", "severity", "file", "line", "column", "end_line", "end_column",
	"commit", "author", "email", "date", "secret", "match", "entropy", "decoded", "fingerprint",
	"tags", "other_locations", "confidence", "context", "refs",
}

// Write writes r as CSV.
func (c CSV) Write(w io.Writer, r *Report) error {
	r = view(r, c.ShowSecrets, true)
	cw := csv.NewWriter(w)
	multi := r.Summary.Combined()
	header := csvHeader
	if multi {
		header = append(slices.Clip(header), "repository")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		date := ""
		if !f.Date.IsZero() {
			date = f.Date.UTC().Format(time.RFC3339)
		}
		var others []string
		for _, l := range f.Locations {
			o := l.File + ":" + strconv.Itoa(l.Line)
			if multi {
				o = l.Repository + ":" + o
			}
			if l.Commit != "" {
				o += "@" + l.Commit
			}
			others = append(others, o)
		}
		row := []string{
			f.RuleID, f.Description, severity(f), f.File,
			strconv.Itoa(f.Line), strconv.Itoa(f.Column), strconv.Itoa(f.EndLine), strconv.Itoa(f.EndColumn),
			f.Commit, f.Author, f.Email, date, f.Secret, f.Match,
			strconv.FormatFloat(f.Entropy, 'f', 3, 64), f.Decoded, f.Fingerprint,
			strings.Join(f.Tags, "|"), strings.Join(others, "|"),
			confidence(f), contextLabel(f), strings.Join(f.Refs, "|"),
		}
		if multi {
			row = append(row, f.Repository)
		}
		for k := range row {
			row[k] = defuse(row[k])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse prefixes a cell that a spreadsheet would run as a formula with an
// apostrophe.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
