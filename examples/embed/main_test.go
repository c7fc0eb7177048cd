package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
)

// output is a JSON report: the findings as written, the summary parsed.
type output struct {
	Findings json.RawMessage `json:"findings"`
	Summary  map[string]any  `json:"summary"`
}

func parse(t *testing.T, what string, b []byte) output {
	t.Helper()
	var o output
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, b)
	}
	delete(o.Summary, "duration_seconds")
	return o
}

// TestSameAsTheCommand runs this program and `leakhound scan -f json` on
// the seed repository, whole and over ranges, and holds them to the same
// findings, byte for byte, and the same summary but for the time taken.
func TestSameAsTheCommand(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "leakhound")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/leakhound").CombinedOutput(); err != nil {
		t.Fatalf("build leakhound: %v\n%s", err, out)
	}
	r := gittest.BuildRecipe(t, filepath.Join("..", "..", "testdata", "seeds", "django.recipe"), gittest.Secrets())
	c := r.Commits
	for _, args := range [][]string{
		{r.Dir},
		{r.Dir, c["root"] + "..main"},
		{r.Dir, c["edit"] + ".." + c["env"]},
		{r.Dir, "..experiment"},
	} {
		t.Run(filepath.Base(args[len(args)-1]), func(t *testing.T) {
			cliArgs := []string{"scan", "--no-progress", "-f", "json"}
			if len(args) == 2 {
				cliArgs = append(cliArgs, "--range", args[1])
			}
			cmd := exec.Command(bin, append(cliArgs, args[0])...)
			var cliOut, cliErr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &cliOut, &cliErr
			cmd.Run()
			var out, errb bytes.Buffer
			code := run(context.Background(), args, &out, &errb)
			if want := cmd.ProcessState.ExitCode(); code != want {
				t.Errorf("exit %d, the command's %d\n%s\n%s", code, want, errb.String(), cliErr.String())
			}
			got, want := parse(t, "embed", out.Bytes()), parse(t, "leakhound", cliOut.Bytes())
			if !bytes.Equal(got.Findings, want.Findings) {
				t.Errorf("findings differ\nembed:\n%s\nleakhound:\n%s", got.Findings, want.Findings)
			}
			g, _ := json.Marshal(got.Summary)
			w, _ := json.Marshal(want.Summary)
			if !bytes.Equal(g, w) {
				t.Errorf("summaries differ\nembed:     %s\nleakhound: %s", g, w)
			}
			if len(args) == 1 && bytes.Equal(got.Findings, []byte("[]")) {
				t.Error("the seed's secrets were not found")
			}
		})
	}
}

// TestUsage checks the arguments.
func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), nil, &out, &errb); code != 2 {
		t.Errorf("no arguments: exit %d", code)
	}
	if code := run(context.Background(), []string{os.DevNull + "-missing"}, &out, &errb); code != 2 {
		t.Errorf("no repository: exit %d", code)
	}
}
