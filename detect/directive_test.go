package detect

import (
	"slices"
	"strings"
	"testing"
)

// Directives of LDAP clients and servers whose option names a password in
// a word of its own: nslcd.conf(5) and pam_ldap's ldap.conf "bindpw",
// slapd.conf(5) "rootpw", sssd-ldap(5) "ldap_default_authtok"; in any
// file, and as the names of variables.
func TestLDAPPasswordDirectives(t *testing.T) {
	t.Parallel()
	d := defaultDetector(t)
	v := "Tn4Wq8Lz" + "Rk2Vb7Xs5Mp"
	for path, text := range map[string]string{
		"nslcd.conf":      "binddn cn=reader,dc=example,dc=org\nbindpw " + v + "\n",
		"ldap.conf":       "bindpw " + v + "\n",
		"notes.txt":       "rootdn cn=admin,dc=example,dc=org\nrootpw " + v + "\n",
		"sssd.conf":       "[domain/default]\nldap_default_authtok_type = password\nldap_default_authtok = " + v + "\n",
		"group_vars/all":  "ldap_bindpw: " + v + "\n",
		"provision.sh":    "export LDAP_ROOTPW=" + v + "\n",
		"deploy/sssd.ini": "ldap_default_authtok=" + v + "\n",
	} {
		if got := secrets(detect(t, d, path, text)); !slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, "="+v) }) {
			t.Errorf("%s: %q: got %q, want %q", path, text, got, v)
		}
	}
}

// A camelCase name of a key joined to its value by a comma, a tab or a
// table's bar (deployKey,..., unsealKey,..., dbPass\t...) passes the
// generic rules' keyword prefilter: "deployKey," holds none of _key, key=,
// key: ... that a snake_case name or an assignment would.
func TestCamelCaseNameAndComma(t *testing.T) {
	t.Parallel()
	d := defaultDetector(t)
	v := "Tn4Wq8Lz" + "Rk2Vb7Xs5Mp"
	for path, text := range map[string]string{
		"keys.csv":    "deployKey," + v + "\n",
		"vault.csv":   "unsealKey," + v + ",1\n",
		"db.tsv":      "dbPass\t" + v + "\n",
		"rotation.md": "| storageKey | " + v + " |\n",
		"app.conf":    "sessionKey " + v + "\n",
	} {
		if got := secrets(detect(t, d, path, text)); !slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, "="+v) }) {
			t.Errorf("%s: %q: got %q, want %q", path, text, got, v)
		}
	}
}
