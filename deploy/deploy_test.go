package deploy_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// decodeStrict decodes a manifest into v: unknown or duplicate fields
// are errors, as `kubectl apply --validate=strict` makes them.
func decodeStrict(t *testing.T, name string, doc []byte, v any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// manifests returns every document of the YAML files under kubernetes/,
// by file and kind.
func manifests(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[fmt.Sprintf("%s#%d %s/%s", f, i, tm.APIVersion, tm.Kind)] = []byte(doc)
		}
	}
	return out
}

func TestKubernetesManifests(t *testing.T) {
	var audit, merge *batchv1.Job
	var claim string
	var configMap *corev1.ConfigMap
	for name, doc := range manifests(t) {
		switch {
		case strings.HasSuffix(name, " batch/v1/Job"):
			var j batchv1.Job
			decodeStrict(t, name, doc, &j)
			switch j.Name {
			case "leakhound-audit":
				audit = &j
			case "leakhound-merge":
				merge = &j
			default:
				t.Errorf("%s: unexpected Job %s", name, j.Name)
			}
		case strings.HasSuffix(name, " v1/ConfigMap"):
			var c corev1.ConfigMap
			decodeStrict(t, name, doc, &c)
			configMap = &c
		case strings.HasSuffix(name, " v1/PersistentVolumeClaim"):
			var c corev1.PersistentVolumeClaim
			decodeStrict(t, name, doc, &c)
			claim = c.Name
		default:
			t.Errorf("%s: a kind this test does not check", name)
		}
	}
	if audit == nil || merge == nil || configMap == nil || claim == "" {
		t.Fatalf("missing manifests: audit %v, merge %v, configmap %v, claim %q", audit != nil, merge != nil, configMap != nil, claim)
	}
	if _, ok := configMap.Data["repos.txt"]; !ok {
		t.Error("the ConfigMap has no repos.txt")
	}

	s := audit.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
		t.Fatal("the audit Job is not Indexed")
	}
	if s.Completions == nil || s.Parallelism == nil || *s.Completions != *s.Parallelism {
		t.Errorf("completions %v, parallelism %v: want equal", s.Completions, s.Parallelism)
	}
	n := int(*s.Completions)
	pod := s.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %s: a podFailurePolicy needs Never", pod.RestartPolicy)
	}
	c := pod.Containers[0]
	args := strings.Join(c.Args, " ")
	if c.Args[0] != "scan" || !strings.Contains(args, fmt.Sprintf("--shard=$(SHARD)/%d", n)) {
		t.Errorf("audit args %q: want scan --shard=$(SHARD)/%d", args, n)
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if f := env["SHARD"].ValueFrom; f == nil || f.FieldRef == nil || f.FieldRef.FieldPath != "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
		t.Errorf("SHARD is not the completion index: %+v", env["SHARD"])
	}
	if f := env["LEAKHOUND_GIT_TOKEN"].ValueFrom; f == nil || f.SecretKeyRef == nil {
		t.Error("the token does not come from a Secret")
	}
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	for _, v := range pod.Volumes {
		if _, ok := mounts[v.Name]; !ok {
			t.Errorf("volume %s not mounted", v.Name)
		}
		if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName != claim {
			t.Errorf("volume %s claims %s, not %s", v.Name, v.PersistentVolumeClaim.ClaimName, claim)
		}
		if v.ConfigMap != nil && v.ConfigMap.Name != configMap.Name {
			t.Errorf("volume %s maps %s, not %s", v.Name, v.ConfigMap.Name, configMap.Name)
		}
	}
	for _, flag := range []string{"--repos=" + mounts["repos"] + "/repos.txt", "--mirror-dir=" + mounts["data"] + "/", "--cache-dir=" + mounts["data"] + "/", "--output=" + mounts["data"] + "/shard-$(SHARD).json"} {
		if !strings.Contains(args, flag) {
			t.Errorf("audit args %q lack %s", args, flag)
		}
	}

	// The merge Job reads every shard's report.
	margs := merge.Spec.Template.Spec.Containers[0].Args
	if margs[0] != "merge" {
		t.Errorf("merge args %q", margs)
	}
	for k := range n {
		if !slices.Contains(margs, fmt.Sprintf("/data/shard-%d.json", k)) {
			t.Errorf("the merge Job does not read shard %d: %q", k, margs)
		}
	}
}

func TestGitHubActionsWorkflow(t *testing.T) {
	path := filepath.Join("github-actions", "org-audit.yml")
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", path, e.Line, e.Column, e.Message, e.Kind)
	}

	// The matrix has SHARDS entries, each passed to --shard.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Env  map[string]string `json:"env"`
		Jobs map[string]struct {
			Strategy struct {
				Matrix struct {
					Shard []int `json:"shard"`
				} `json:"matrix"`
			} `json:"strategy"`
			Steps []struct {
				Run string `json:"run"`
			} `json:"steps"`
		} `json:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	shards := wf.Jobs["scan"].Strategy.Matrix.Shard
	if fmt.Sprint(len(shards)) != wf.Env["SHARDS"] {
		t.Errorf("matrix of %d shards, SHARDS=%s", len(shards), wf.Env["SHARDS"])
	}
	for i, s := range shards {
		if s != i {
			t.Errorf("matrix shard %d is %d: want 0..N-1", i, s)
		}
	}
	var scan, merge bool
	for _, st := range wf.Jobs["scan"].Steps {
		scan = scan || strings.Contains(st.Run, `--shard "$SHARD/$SHARDS"`)
	}
	for _, st := range wf.Jobs["merge"].Steps {
		merge = merge || strings.Contains(st.Run, "leakhound merge")
	}
	if !scan || !merge {
		t.Errorf("scan step with --shard: %v; merge step: %v", scan, merge)
	}
}
