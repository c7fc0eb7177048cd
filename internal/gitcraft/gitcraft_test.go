package gitcraft

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/testtool"
)

// TestGitReadsWhatIsCrafted checks the crafting against git itself: loose
// objects, a tree, a commit, and a pack whose deltas copy more than 64 KiB
// at once, by offset and by reference.
func TestGitReadsWhatIsCrafted(t *testing.T) {
	git := testtool.Need(t, "git", "git")
	dir := t.TempDir()
	if err := Init(dir); err != nil {
		t.Fatal(err)
	}
	objects := filepath.Join(dir, "objects")
	blob, err := WriteLoose(objects, "blob", []byte("hello\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB
	target := append(append([]byte("head\n"), base[:200000]...), "tail\n"...)
	target2 := append([]byte(nil), target[:150000]...)
	packed := []PackObject{
		{Type: BlobType, Data: base},
		{Type: OFSDeltaType, Base: 0, ID: Hash("blob", target), Data: Delta(len(base), len(target), Insert([]byte("head\n")), Copy(0, 200000), Insert([]byte("tail\n")))},
		{Type: REFDeltaType, BaseID: Hash("blob", target), ID: Hash("blob", target2), Data: Delta(len(target), len(target2), Copy(0, 0x10000), Copy(0x10000, 150000-0x10000))},
	}
	tree, _ := WriteLoose(objects, "tree", Tree(Entry{"100644", "a", blob}, Entry{"100644", "b", Hash("blob", target)}, Entry{"100644", "c", Hash("blob", target2)}))
	commit, _ := WriteLoose(objects, "commit", Commit(tree, nil, 0, "crafted\n"))
	if err := SetRef(dir, "refs/heads/main", commit); err != nil {
		t.Fatal(err)
	}
	pack, err := WritePack(filepath.Join(objects, "pack"), packed)
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(git, append([]string{"--git-dir", dir}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("fsck", "--strict", "--no-dangling")
	if out := run("verify-pack", "-v", strings.TrimSuffix(pack, ".pack")+".idx"); !strings.Contains(out, "chain length = 2: 1 object") {
		t.Errorf("verify-pack:\n%s", out)
	}
	if out := run("cat-file", "-p", "HEAD:c"); out != string(target2) {
		t.Errorf("HEAD:c is %d bytes, want %d", len(out), len(target2))
	}
}
