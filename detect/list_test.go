package detect

import (
	"slices"
	"strings"
	"testing"
)

func TestListItems(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{`{"keys": ["a1", "b2", 'c3', "d4"]}`, []string{"b2"}}, // a quote of another kind ends the list
		{`keys: [a1, b2,c3]`, []string{"b2", "c3"}},
		{"keys = [\n  \"a1\",\n  \"b2\",\n]", []string{"b2"}},
		{"keys:\n  - a1\n  - b2 # note\n  - \"c3\"\nnext: x", []string{"b2"}},
		{"keys:\n  - \"a1\"\n  - \"b2\"\n    - \"c3\"", []string{"b2"}},
		{`key = "a1", "b2"`, nil},
		{"key: a1\n  - b2", nil},
	} {
		s0 := strings.Index(c.text, "a1")
		var got []string
		for _, it := range listItems([]byte(c.text), s0, s0+2) {
			got = append(got, c.text[it[0]:it[1]])
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("listItems(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestListOfSecretsAllFound: every item of a list under a name that says
// secret is judged, not only the first; items that are words are not
// secrets there either.
func TestListOfSecretsAllFound(t *testing.T) {
	d := defaultDetector(t)
	k1, k2, k3 := "Wq7nX2kLp9"+"Zr4Vm8Tb3H", "Rk4Vq8Zm2X"+"n7Lp3Wc9Hb", "Tz6Qw9Rm2L"+"p5Vx8KjN4c"
	for _, c := range []struct{ path, text string }{
		{"conf/keys.json", `{"api_keys": ["` + k1 + `", "` + k2 + `", "` + k3 + `"]}`},
		{"conf/keys.json", "{\n  \"passwords\": [\n    \"" + k1 + "\",\n    \"" + k2 + "\",\n    \"" + k3 + "\"\n  ]\n}\n"},
		{"conf/keys.yaml", "tokens:\n  - " + k1 + "\n  - " + k2 + "\n  - " + k3 + "\nname: app\n"},
		{"app/keys.py", `API_KEYS = ["` + k1 + `", "` + k2 + `", "` + k3 + `"]`},
	} {
		var got []string
		for _, m := range detect(t, d, c.path, c.text) {
			got = append(got, m.Secret)
		}
		slices.Sort(got)
		if want := []string{k2, k3, k1}; !slices.Equal(got, want) {
			t.Errorf("%s: found %q, want %q", c.path, got, want)
		}
	}
	if ms := detect(t, d, "conf/form.json", `{"passwords": ["required", "min_length", "max_length"]}`); len(ms) != 0 {
		t.Errorf("a list of words: found %q", secrets(ms))
	}
}
