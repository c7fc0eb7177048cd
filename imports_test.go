package leakhound_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is the module path, which go list prints before each package.
const module = "github.com/leakhound/leakhound"

// allowed lists, for each package of the module, the module's packages it
// may import: the one-way graph of STYLE.md. A package missing here fails
// the test until it is given its place.
var allowed = map[string][]string{
	"":                        nil, // the default rules
	"textenc":                 nil,
	"archive":                 nil,
	"leak":                    {"textenc"},
	"entropy":                 nil,
	"keystore":                nil,
	"checksum":                nil,
	"config":                  {"", "checksum", "internal/resyntax", "internal/safefile", "keystore"},
	"config/convert":          {"", "config", "internal/safefile"},
	"detect":                  {"config", "entropy", "internal/resyntax", "keystore", "leak", "textenc"},
	"triage":                  {"checksum", "config", "entropy", "leak"},
	"gitwalk":                 {"leak", "internal/safefile", "internal/safego"},
	"fswalk":                  {"leak", "internal/safego"},
	"baseline":                {"internal/safefile", "leak"},
	"baseline/importer":       {"baseline", "gitwalk", "internal/safefile", "leak"},
	"baseline/audit":          {"baseline", "detect", "gitwalk", "internal/safefile", "leak", "report"},
	"report":                  {"leak"},
	"scan":                    {"archive", "baseline", "config", "detect", "fswalk", "gitwalk", "internal/safefile", "leak", "report", "triage"},
	"ci":                      {"gitwalk", "report"},
	"hook":                    {"gitwalk"},
	"hook/prereceive":         {"gitwalk", "hook", "leak", "report", "scan"},
	"cmd/leakhound":           {"baseline", "baseline/audit", "baseline/importer", "ci", "config", "config/convert", "detect", "gitwalk", "hook", "hook/prereceive", "internal/addrspace", "internal/buildinfo", "internal/gitleakscompat", "internal/hugeheap", "internal/since", "leak", "mirror", "org", "report", "scan", "scancache", "triage"},
	"org":                     {"report", "scan"},
	"mirror":                  nil,
	"scancache":               {"config", "report", "scan"},
	"deploy":                  nil,
	"examples/embed":          {"gitwalk", "report", "scan"},
	"bench/accuracy":          {"config", "internal/corpus", "leak"},
	"bench/hostile":           {"internal/gitcraft"},
	"internal/safego":         nil,
	"internal/safefile":       nil,
	"internal/resyntax":       nil,
	"internal/addrspace":      nil,
	"internal/hugeheap":       nil,
	"internal/buildinfo":      nil,
	"internal/since":          nil,
	"internal/gitleakscompat": nil,
	"internal/gitcraft":       nil,
	"internal/genrules":       {"config"},
	"internal/corpus":         nil,
	"internal/gittest":        {"leak"},
	"internal/testtool":       nil,
	"internal/archivetest":    nil,
	"internal/keystoretest":   nil,
}

// goGit are the packages that may import go-git: gitwalk, which reads
// repositories, mirror, which clones and fetches them (its API is paths
// and URLs, no go-git type), and the helpers that write repositories for
// tests and benchmarks.
var goGit = []string{"gitwalk", "mirror", "internal/gittest", "internal/corpus"}

// goList runs go list with a template over args and returns its lines.
func goList(t *testing.T, format string, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-f", format}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// TestImportGraph holds the import graph to its design: imports run one
// way (entropy and leak are leaves, detect knows no git, gitwalk no rules,
// report neither, the engine no command line), go-git is imported by
// gitwalk alone, and the command depends on the engine and the reports,
// not on go-git.
func TestImportGraph(t *testing.T) {
	t.Parallel()
	for _, line := range goList(t, `{{.ImportPath}} {{join .Imports " "}}`, "./...") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")
		may, known := allowed[pkg]
		if !known {
			t.Errorf("package %q has no place in the import graph: add it to allowed", pkg)
			continue
		}
		for _, imp := range f[1:] {
			switch {
			case strings.HasPrefix(imp, "github.com/go-git/") && !slices.Contains(goGit, pkg):
				t.Errorf("%s imports %s: go-git stays inside gitwalk", f[0], imp)
			case imp == module || strings.HasPrefix(imp, module+"/"):
				if dep := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/"); !slices.Contains(may, dep) {
					t.Errorf("%s imports %s, which it must not know", f[0], imp)
				}
			}
		}
	}
	// The command reaches go-git only through gitwalk and mirror: no package of its
	// dependencies, but gitwalk and go-git's own, imports it.
	for _, line := range goList(t, `{{.ImportPath}} {{join .Imports " "}}`, "-deps", "./cmd/leakhound") {
		f := strings.Fields(line)
		if strings.HasPrefix(f[0], "github.com/go-git/") || f[0] == module+"/gitwalk" || f[0] == module+"/mirror" {
			continue
		}
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, "github.com/go-git/") {
				t.Errorf("%s, a dependency of the command, imports %s", f[0], imp)
			}
		}
	}
}
