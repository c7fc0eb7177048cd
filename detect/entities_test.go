package detect

import (
	"strings"
	"testing"
)

func TestEntity(t *testing.T) {
	for _, c := range []struct {
		in   string
		c    byte
		size int
	}{
		{"&lt;div", '<', 4}, {"&quot;x", '"', 6}, {"&amp;amp;", '&', 5}, {"&#39;", '\'', 5},
		{"&#x22;", '"', 6}, {"&#X3C;", '<', 6}, {"&nbsp;", ' ', 6},
		{"&eacute;", 0, 0}, {"&#233;", 0, 0}, {"&#1;", 0, 0}, {"& x;", 0, 0}, {"&#x;", 0, 0}, {"&lt", 0, 0},
	} {
		if got, n := entity([]byte(c.in)); got != c.c || n != c.size {
			t.Errorf("entity(%q) = %q, %d; want %q, %d", c.in, got, n, c.c, c.size)
		}
	}
}

// TestEscapedMarkupFound: a value that HTML escaped inside an XML
// attribute (a draw.io label: escaped twice) is found, placed where it is
// written; a password that XML escaped (& written &amp;, as XML requires)
// is the password, not its escaped text; in a line that is no markup (a
// Python string), &amp; is the value as written.
func TestEscapedMarkupFound(t *testing.T) {
	d := defaultDetector(t)
	pw := strings.ToUpper("d") + "w7^Kq2mXv9Lp"
	text := `<mxCell id="2" value="&lt;div&gt;Password: &quot;` + pw + `&quot;&lt;br&gt;&lt;/div&gt;" vertex="1"/>` + "\n"
	ms := detect(t, d, "docs/arch.drawio", text)
	if len(ms) != 1 || ms[0].Secret != pw {
		t.Fatalf("found %q, want %q", secrets(ms), pw)
	}
	if want := len(`<mxCell id="2" value="&lt;div&gt;Password: &quot;`) + 1; ms[0].Column != want {
		t.Errorf("column %d, want %d", ms[0].Column, want)
	}
	twice := `<mxCell value="secret is &amp;quot;` + pw + `&amp;quot;"/>` + "\n"
	if ms := detect(t, d, "docs/arch.drawio", twice); len(ms) != 1 || ms[0].Secret != pw {
		t.Errorf("escaped twice: found %q, want %q", secrets(ms), pw)
	}
	amp := pw[:4] + "&amp;" + pw[4:]
	ms = detect(t, d, "conf/settings.xml", "<settings><password>"+amp+"</password></settings>\n")
	if want := pw[:4] + "&" + pw[4:]; len(ms) != 1 || ms[0].Secret != want || ms[0].Column != len("<settings><password>")+1 {
		t.Errorf("&amp;: found %q, want %q at column %d", secrets(ms), want, len("<settings><password>")+1)
	}
	if ms := detect(t, d, "settings.py", "SECRET_KEY = '"+amp+"x7Kq2mZ9pL'\n"); len(ms) != 1 || ms[0].Secret != amp+"x7Kq2mZ9pL" {
		t.Errorf("&amp; in Python: found %q, want %q", secrets(ms), amp+"x7Kq2mZ9pL")
	}
}
