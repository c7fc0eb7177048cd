package detect

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestAdjacentTokensAllFound: tokens one per line, or one character
// apart, share the boundary between them; each is found, not every other.
func TestAdjacentTokensAllFound(t *testing.T) {
	d := defaultDetector(t)
	rnd := rand.New(rand.NewPCG(7, 11))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	token := func() string {
		b := []byte("wh" + "sec_")
		for range 32 {
			b = append(b, alnum[rnd.IntN(len(alnum))])
		}
		return string(b)
	}
	for _, sep := range []string{"\n", "\r\n", " ", ",", "\t"} {
		var want []string
		for range 5 {
			want = append(want, token())
		}
		text := strings.Join(want, sep) + "\n"
		var got []string
		for _, m := range detect(t, d, "keys.txt", text) {
			got = append(got, m.Secret)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("separator %q: found %d of %d tokens: %q", sep, len(got), len(want), got)
		}
	}
}

// TestColouredTokenFound: a token a terminal printed in colour (a CI log
// kept in the repository) is found where it stands, its column the file's.
func TestColouredTokenFound(t *testing.T) {
	d := defaultDetector(t)
	token := "wh" + "sec_Q4KGL7AstjhYfzCtzK2RTB2EmncHgjVW"
	text := "step 3: \x1b[94m" + token + "\x1b[0m done\n"
	ms := detect(t, d, "ci/build.log", text)
	if len(ms) != 1 || ms[0].Secret != token || ms[0].Column != len("step 3: \x1b[94m")+1 {
		t.Fatalf("found %+v, want %q at column %d", secrets(ms), token, len("step 3: \x1b[94m")+1)
	}
}
