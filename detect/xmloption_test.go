package detect

import (
	"slices"
	"testing"
)

// An XML element that holds a name and its value as two attributes
// (<option name="password" value="..."/>, JetBrains IDE settings) is an
// assignment in either order, for every rule; the JetBrains rule takes
// the IDE's reversible encoding there. Flags and IDE macros are not
// values.
func TestDefaultPackXMLOptions(t *testing.T) {
	d := defaultDetector(t)
	// Assembled at run time: the self-scan must not find them.
	obf := "dfe9dfc2" + "dfd8dfcddfcfdfdedf9adfc9"
	plain := "Hq8ZkX3m" + "P9vLw2Rt"
	for _, c := range []struct {
		path, text, rule string // rule "" for none
	}{
		{".idea/webServers.xml", `<option name="password" value="` + obf + `" />`, "jetbrains-obfuscated-password"},
		{".idea/sshConfigs.xml", `<option value="` + obf + `" name="passphrase" />`, "jetbrains-obfuscated-password"},
		{"conf/tool.xml", `<setting value="` + plain + `" name="apiToken"/>`, "generic-secret-assignment"},
		{"conf/tool.xml", `<option value="` + plain + `" name="secret" />`, "xml-password"},
		{".idea/workspace.xml", `<option name="passwordField" value="true" />`, ""},
		{".idea/workspace.xml", `<option value="true" name="passwordStored" />`, ""},
		{".idea/workspace.xml", `<option name="password" value="$PASSWORD$" />`, ""},
		{".idea/workspace.xml", `<option name="password" value="$PROJECT_DIR$/conf/pw.txt" />`, ""},
		{".idea/workspace.xml", `<option name="colorScheme" value="` + obf + `" />`, ""},
	} {
		got := detect(t, d, c.path, c.text+"\n")
		ids := make([]string, 0, len(got))
		for _, m := range got {
			ids = append(ids, m.RuleID())
		}
		switch {
		case c.rule == "" && len(got) > 0:
			t.Errorf("%s %q: found %q, want none", c.path, c.text, secrets(got))
		case c.rule != "" && !slices.Contains(ids, c.rule):
			t.Errorf("%s %q: found %q, want rule %s", c.path, c.text, secrets(got), c.rule)
		}
	}
}
