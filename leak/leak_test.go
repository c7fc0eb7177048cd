package leak

import (
	"strings"
	"testing"
	"time"
)

func TestFingerprint(t *testing.T) {
	t.Parallel()
	// The documented scheme, version 1: pinned, since baselines store it.
	if got, want := Fingerprint("github-pat", "secret"), "v1:"; !strings.HasPrefix(got, want) || len(got) != len(want)+32 {
		t.Fatalf("format: %q", got)
	}
	for _, s := range []string{`"abc123"`, "'abc123'", "  abc123 ", "`abc123`", `" 'abc123' "`} {
		if Fingerprint("r", s) != Fingerprint("r", "abc123") {
			t.Errorf("%q is not normalized to abc123", s)
		}
	}
	if Fingerprint("a", "x") == Fingerprint("b", "x") || Fingerprint("a", "x") == Fingerprint("a", "y") {
		t.Error("rule and secret must both count")
	}
	// Rule and secret are separated: no two pairs run together.
	if Fingerprint("ab", "c") == Fingerprint("a", "bc") {
		t.Error("ab+c and a+bc collide")
	}
}

func TestMaskAndRedact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"AKIA" + "Z7QK3MXB2VN4LWPD", "AKIA… (20 chars)"}, // assembled: no key in the source
		{"hunter22", "… (8 chars)"},
		{"pässwörd-long", "päss… (13 chars)"},
		{"", "… (0 chars)"},
	} {
		if got := Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Redact("key=abc123456789 again abc123456789", "abc123456789"); got != "key=abc1… (12 chars) again abc1… (12 chars)" {
		t.Errorf("Redact: %q", got)
	}
	if got := Redact("text", ""); got != "text" {
		t.Errorf("Redact of nothing: %q", got)
	}
}

func TestDisplayPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"a/b.py":        "a/b.py",
		"caf\xe9.txt":   `caf\xe9.txt`,
		"a\\b\xff":      `a\\b\xff`,
		"ünïcode/ok.py": "ünïcode/ok.py",
	} {
		if got := DisplayPath(in); got != want {
			t.Errorf("DisplayPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCollector checks the merging of occurrences into findings: one per
// fingerprint, at the earliest introduction, other files as locations,
// in a deterministic order, whatever order occurrences come in.
func TestCollector(t *testing.T) {
	t.Parallel()
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	occ := func(rule, secret, file string, line, order int) (Finding, int) {
		return Finding{RuleID: rule, Secret: secret, Fingerprint: Fingerprint(rule, secret),
			Location: Location{File: file, Line: line, Commit: strings.Repeat("c", order+1), Date: day}}, order
	}
	adds := []func(*Collector){
		func(c *Collector) { c.Add(occ("r", "s1", "b.py", 3, 5)) },
		func(c *Collector) { c.Add(occ("r", "s1", "a.py", 1, 2)) }, // earliest
		func(c *Collector) { c.Add(occ("r", "s1", "a.py", 9, 7)) }, // same file, later: not a location
		func(c *Collector) { c.Add(occ("r", "s2", "z.py", 1, 1)) },
	}
	locations := []func(*Collector){
		func(c *Collector) { c.AddLocation(occ("r", "s1", "moved.py", 1, 8)) },
		func(c *Collector) { c.AddLocation(occ("r", "nope", "x.py", 1, 0)) }, // no such finding
	}
	// The same occurrences in reverse order give the same findings.
	reversed := make([]func(*Collector), len(adds))
	for i, f := range adds {
		reversed[len(adds)-1-i] = f
	}
	add := [][]func(*Collector){append(adds, locations...), append(reversed, locations...)}
	var first []Finding
	for k, adds := range add {
		c := NewCollector()
		for _, f := range adds {
			f(c)
		}
		fs := c.Findings()
		if c.Len() != 2 || len(fs) != 2 {
			t.Fatalf("order %d: %d findings", k, len(fs))
		}
		if fs[0].Secret != "s2" || fs[1].File != "a.py" || fs[1].Line != 1 {
			t.Errorf("order %d: %+v", k, fs)
		}
		var locs []string
		for _, l := range fs[1].Locations {
			locs = append(locs, l.File)
		}
		if strings.Join(locs, ",") != "b.py,moved.py" {
			t.Errorf("order %d: locations %v", k, locs)
		}
		if k == 0 {
			first = fs
		} else if fs[1].File != first[1].File || len(fs[1].Locations) != len(first[1].Locations) {
			t.Errorf("order %d differs from order 0", k)
		}
	}
}

func TestSkip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		content string
		want    SkipReason
	}{
		{"plain text\n", ""},
		{"", ""},
		{"a\x00b", ""}, // binary, read as its strings
		{"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", SkipBinary},      // an image: opaque
		{"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", SkipBinary}, // gzip: opaque (opened, if at all, as an archive)
		{"\x7fELF\x02\x01\x01\x00\x00\x00", ""},                  // a compiled program: read as its strings
		{strings.Repeat("x", 8000) + "\x00", ""},                 // past the first 8000 bytes, as git decides
		{"\xff\xfeh\x00i\x00", ""},                               // UTF-16 LE with a byte-order mark is text
		{"\xfe\xff\x00h\x00i", ""},                               // UTF-16 BE likewise
		{"\xfe\x00", ""},
		{"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12\n", SkipLFSPointer},
	} {
		if got := SkipContent([]byte(tc.content)); got != tc.want {
			t.Errorf("SkipContent(%q) = %q, want %q", tc.content, got, tc.want)
		}
	}
	if SkipSize(DefaultMaxFileSize, 0) != "" || SkipSize(DefaultMaxFileSize+1, 0) != SkipTooLarge || SkipSize(11, 10) != SkipTooLarge {
		t.Error("SkipSize")
	}
}

// TestCollectorMessages: each message is a place of its own (the same
// secret in two commits' messages is one finding at two places, unlike
// two versions of one file), and at one commit a file comes before its
// message.
func TestCollectorMessages(t *testing.T) {
	c := NewCollector()
	at := func(file, source, commit string, order int) {
		c.Add(Finding{RuleID: "r", Fingerprint: "fp", Location: Location{File: file, Source: source, Commit: commit, Line: 1}}, order)
	}
	at(MessagePath, CommitMessage, "c2", 2)
	at(MessagePath, CommitMessage, "c3", 3)
	at("app.py", "", "c2", 2)
	at("app.py", "", "c3", 3)
	fs := c.Findings()
	if len(fs) != 1 {
		t.Fatalf("%d findings", len(fs))
	}
	got := []string{fs[0].File + "@" + fs[0].Commit}
	for _, l := range fs[0].Locations {
		got = append(got, l.File+"@"+l.Commit)
	}
	want := []string{"app.py@c2", MessagePath + "@c2", MessagePath + "@c3"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("places %q, want %q", got, want)
	}
}
