package main

import (
	"encoding/base64"
	"path/filepath"
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

// TestDecodedSecretAttribution checks, on the shared Kubernetes seed
// repository (testdata/seeds/kube.recipe), that a secret found under
// base64 is attributed like any other: a Kubernetes Secret edited without
// changing the secret is not a new leak, whether the earlier version was
// scanned in the same run or lies outside the scanned range (then the
// encoded text is looked for in it); a rotated value is; moving the
// manifest is a new place of the same leak.
func TestDecodedSecretAttribution(t *testing.T) {
	g := gittest.BuildRecipe(t, filepath.Join(testdata, "seeds", "kube.recipe"), seedSecrets)
	c := g.Commits
	encoded := seedSecrets["kube-rotated-base64"]
	pass, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		t.Fatal(err)
	}

	r := runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
	rep := parseJSON(t, r.out)
	g.Check(t, rep.Findings)
	for _, f := range rep.Findings {
		if f.RuleID != "kubernetes-secret-data" || f.Decoded != "base64" {
			t.Errorf("finding %s decoded %q, want kubernetes-secret-data, base64", f.RuleID, f.Decoded)
		}
		if f.Commit == c["rotate"] && (f.Secret != string(pass) || f.Match != encoded) {
			t.Errorf("rotated: secret %q match %q, want the decoded value and the encoded one", f.Secret, f.Match)
		}
	}

	// Only the relabelling commit: its parent is not scanned, and holds the
	// secret encoded.
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--range", c["kube"]+".."+c["kube-label"], g.Dir)
	if rep := parseJSON(t, r.out); len(rep.Findings) != 0 || r.code != 0 {
		t.Errorf("relabel only: exit %d, findings %+v", r.code, rep.Findings)
	}
	// A new value in the same file is a new leak.
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--range", c["kube-label"]+".."+c["rotate"], g.Dir)
	if rep := parseJSON(t, r.out); len(rep.Findings) != 1 || rep.Findings[0].Commit != c["rotate"] {
		t.Errorf("rotation: %+v", rep.Findings)
	}

	// Moving the manifest is not a new leak: a new place of the old one,
	// still in HEAD there.
	g.Move("k8s/secret.yaml", "deploy/secret.yaml")
	g.Commit("move manifests")
	rep = parseJSON(t, runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir).out)
	f := find(rep, "kubernetes-secret-data")
	for i := range rep.Findings {
		if rep.Findings[i].Commit == c["rotate"] {
			f = &rep.Findings[i]
		}
	}
	if len(rep.Findings) != 2 || f == nil || f.Commit != c["rotate"] {
		t.Fatalf("after the move: %+v", rep.Findings)
	}
	if len(f.Locations) != 1 || f.Locations[0].File != "deploy/secret.yaml" || !f.InHead {
		t.Errorf("after the move: locations %+v, in HEAD %v; want the move, in HEAD", f.Locations, f.InHead)
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
