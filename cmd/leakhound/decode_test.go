package main

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
)

// kubeSecret returns a Kubernetes Secret manifest holding pass under
// DB_PASS, with a label that can be changed without changing the secret.
func kubeSecret(label, pass string) string {
	return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  labels:\n    tier: " + label +
		"\ntype: Opaque\ndata:\n  DB_PASS: " + base64.StdEncoding.EncodeToString([]byte(pass)) + "\n"
}

// TestDecodedSecretAttribution checks that a secret found under base64 is
// attributed like any other: a Kubernetes Secret edited without changing
// the secret is not a new leak, whether the earlier version was scanned in
// the same run or lies outside the scanned range (then the encoded text is
// looked for in it).
func TestDecodedSecretAttribution(t *testing.T) {
	pass := "Vt8k" + "!Q2xR7mZ"
	g := gittest.New(t)
	g.Write("deploy/secret.yaml", kubeSecret("web", pass))
	first := g.Commit("add db secret")
	g.Write("deploy/secret.yaml", kubeSecret("backend", pass))
	edit := g.Commit("relabel")
	g.Move("deploy/secret.yaml", "k8s/secret.yaml")
	g.Commit("move manifests")

	r := runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
	rep := parseJSON(t, r.out)
	if len(rep.Findings) != 1 {
		t.Fatalf("got %d findings: %+v", len(rep.Findings), rep.Findings)
	}
	f := rep.Findings[0]
	if f.RuleID != "kubernetes-secret-data" || f.Secret != pass || f.Decoded != "base64" || f.Commit != first || f.Line != 9 {
		t.Errorf("finding %s %q decoded %q at %.7s:%d, want kubernetes-secret-data %q base64 at %.7s:9", f.RuleID, f.Secret, f.Decoded, f.Commit, f.Line, pass, first)
	}
	if f.Match != base64.StdEncoding.EncodeToString([]byte(pass)) {
		t.Errorf("match %q, want the encoded value", f.Match)
	}
	if len(f.Locations) != 1 || f.Locations[0].File != "k8s/secret.yaml" {
		t.Errorf("locations %+v, want the move only", f.Locations)
	}
	if !f.InHead {
		t.Error("the secret is still in HEAD's k8s/secret.yaml, encoded, but in_head is false")
	}

	// Only the relabelling commit: its parent is not scanned, and holds the
	// secret encoded.
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--range", first+".."+edit, g.Dir)
	if rep := parseJSON(t, r.out); len(rep.Findings) != 0 || r.code != 0 {
		t.Errorf("relabel only: exit %d, findings %+v", r.code, rep.Findings)
	}

	// A new value in the same file is a new leak.
	g.Write("k8s/secret.yaml", kubeSecret("backend", "Zq9w"+"#Lm3xP0t"))
	rotate := g.Commit("rotate")
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--range", edit+".."+rotate, g.Dir)
	if rep := parseJSON(t, r.out); len(rep.Findings) != 1 || rep.Findings[0].Commit != rotate {
		t.Errorf("rotation: %+v", rep.Findings)
	}
}

// TestRedactMasksEncodedMatch checks that --redact hides the encoded form
// of a decoded secret too: base64 is no protection.
func TestRedactMasksEncodedMatch(t *testing.T) {
	pass := "Vt8k" + "!Q2xR7mZ"
	enc := base64.StdEncoding.EncodeToString([]byte(pass))
	g := gittest.New(t)
	g.Write("secret.yaml", kubeSecret("web", pass))
	g.Commit("secret")
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", "--redact", g.Dir)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if strings.Contains(r.out, enc) || strings.Contains(r.out, pass) {
		t.Errorf("redacted report holds the secret or its encoding:\n%s", r.out)
	}
	if !strings.Contains(r.out, `"decoded": "base64"`) {
		t.Errorf("report does not say the secret was decoded:\n%s", r.out)
	}
	r = runLH(t, "", "scan", "--no-progress", g.Dir)
	if !strings.Contains(r.out, "decoded from base64") {
		t.Errorf("text output does not say the secret was decoded:\n%s", r.out)
	}
}
