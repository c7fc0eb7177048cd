package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewAndWriteAll writes one report per format through New and
// WriteAll: files with mode 0600, one to stdout, secrets masked unless
// ShowSecrets; an unknown format is an error that does not stop the rest.
func TestNewAndWriteAll(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var outs []Output
	for _, f := range Formats() {
		outs = append(outs, Output{Format: f, File: filepath.Join(dir, "r."+f)})
	}
	outs = append(outs, Output{Format: "json"}, Output{Format: "yaml", File: filepath.Join(dir, "r.yaml")})
	var stdout bytes.Buffer
	err := WriteAll(sample(), outs, &stdout, func(o Output) Options {
		return Options{Version: "1.2.3", ShowSecrets: o.Stdout()}
	})
	if err == nil || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("unknown format: %v", err)
	}
	for _, o := range outs[:len(Formats())] {
		fi, err := os.Stat(o.File)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", o.File, fi.Mode().Perm())
		}
		data, _ := os.ReadFile(o.File)
		if bytes.Contains(data, []byte(ghToken)) {
			t.Errorf("%s holds an unmasked secret", o.Format)
		}
	}
	if !bytes.Contains(stdout.Bytes(), []byte(ghToken)) {
		t.Error("ShowSecrets did not show the secret on stdout")
	}
	if _, err := os.Stat(filepath.Join(dir, "r.yaml")); err == nil {
		t.Error("a report of an unknown format was written")
	}
}
