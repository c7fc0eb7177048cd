package detect

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// A table's row is found at its cell, on its line and column, and in a
// history a row added under a header seen in an earlier version is found
// too: the header is read from the whole content, not from the lines
// scanned.
func TestTableRowsUnderOldHeader(t *testing.T) {
	t.Parallel()
	base := defaultDetector(t)
	v1 := "Tn4Wq8Lz" + "Rk2Vb7Xs5Mp"
	v2 := "Hc6Yd3Jf" + "Gu9Pe1Na8Qw"
	header := "| Service | User | Password |\n|---|---|---|\n"
	filler := strings.Repeat("| docs | reader | |\n", 10)
	old := header + filler
	newer := old + "| billing | svc | " + v1 + " |\n"
	csvOld := "service,user,password\n" + strings.Repeat("docs,reader,\n", 10)
	csvNew := csvOld + "billing,svc," + v2 + "\n"
	d := base.WithLines(NewLineSet())
	find := func(path, content string) []string {
		t.Helper()
		var out []string
		for _, f := range findingsOf(t, d, path, content) {
			out = append(out, f.Secret+"@"+strconv.Itoa(f.Line)+":"+strconv.Itoa(f.Column))
		}
		return out
	}
	if got := find("ACCOUNTS.md", old); len(got) != 0 {
		t.Fatalf("the table without a value: got %q", got)
	}
	if got, want := find("ACCOUNTS.md", newer), v1+"@13:19"; !slices.Contains(got, want) {
		t.Errorf("a row added under an old header: got %q, want %q", got, want)
	}
	if got := find("accounts.csv", csvOld); len(got) != 0 {
		t.Fatalf("the CSV without a value: got %q", got)
	}
	if got, want := find("accounts.csv", csvNew), v2+"@12:13"; !slices.Contains(got, want) {
		t.Errorf("a CSV row added under an old header: got %q, want %q", got, want)
	}
}

// A table without a header line that names a secret, or whose header is
// not among a CSV file's first lines, adds nothing: a data file's rows are
// not read as assignments.
func TestTableHeaderPlaces(t *testing.T) {
	t.Parallel()
	d := defaultDetector(t)
	v := "Tn4Wq8Lz" + "Rk2Vb7Xs5Mp"
	for path, text := range map[string]string{
		"late.csv":    "a,b\n1,2\n3,4\n5,6\nuser,password\nsvc," + v + "\n",
		"nohead.md":   "| svc | reader | " + v + " |\n",
		"widths.csv":  "user,password\nsvc,x," + v + "\n",
		"prose.md":    "| Service | Password |\n|---|---|\n| billing | ask the " + v + " team |\n",
		"notable.txt": "user password\nsvc " + v + "\n",
	} {
		if got := secrets(detect(t, d, path, text)); len(got) != 0 {
			t.Errorf("%s: %q: got %q, want nothing", path, text, got)
		}
	}
}
