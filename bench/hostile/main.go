// Command hostile builds the crafted repositories of issue 13 ("Hardening
// II") on disk, so that what leakhound spends on each can be measured:
//
//	go run ./bench/hostile DIR NAME...
//	/usr/bin/time -f "%e s %M KB" leakhound scan --no-progress DIR/NAME
//
// Each repository is a bare repository whose refs/heads/main leads to the
// hostile object(s); `go run ./bench/hostile -list` names them. Some are
// large to write (gigabytes of zeros compressed to megabytes): they are
// built only when named.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/gitcraft"
)

type builder struct {
	about string
	build func(dir string) error
}

var builders = map[string]builder{
	"loose-underdeclared": {"item 2: a loose blob whose header says 100 bytes, inflating to 3 GiB (3 MB on disk)", looseUnderdeclared},
	"tree-nuls":           {"item 4: a packed tree of 1 GiB of NUL bytes (1 MB on disk)", treeNULs},
	"tree-gitlinks":       {"item 4: a valid tree of 6 million submodule entries, 200 MB (git accepts it)", treeGitlinks},
	"tree-loop":           {"item 3: a packed tree that lists itself as a subdirectory", treeLoop},
	"tree-deep":           {"item 13: 40,000 nested trees", treeDeep},
	"tree-bomb":           {"31 small trees, each listing the next twice: 2^30 files", treeBomb},
	"commit-cycle":        {"item 6: two packed commits that are each other's parent, one holding a token", commitCycle},
	"commit-messages":     {"item 11: three packed commits whose messages are one line of 256 MiB", commitMessages},
	"head-blob":           {"item 10: a token in settings.py, which HEAD replaces with 900 MiB", headBlob},
	"packed-refs-garbage": {"item 18: packed-refs with one garbage line among the refs, one holding a token", packedRefsGarbage},
	"symlink-secret":      {"item 26: a token stored as the target of a symbolic link", symlinkSecret},
	"tag-blob":            {"item 14: a token in a blob that an annotated tag points at directly, not in any commit", tagBlob},
	"delta-800":           {"item 12: 800 files of 3 MiB, each a delta of the previous (binary: read, then skipped)", func(d string) error { return deltaChain(d, 800, 3<<20, 1) }},
	"delta-10000":         {"item 12: 10,000 files of 3 MiB, each a delta of the previous", func(d string) error { return deltaChain(d, 10000, 3<<20, 1) }},
	"delta-interleaved":   {"item 12: 8 chains of 100 files of 3 MiB, interleaved in the pack", func(d string) error { return deltaChain(d, 800, 3<<20, 8) }},
}

func main() {
	list := flag.Bool("list", false, "list the repositories")
	flag.Parse()
	if *list || flag.NArg() < 2 {
		names := make([]string, 0, len(builders))
		for n := range builders {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Printf("%-24s %s\n", n, builders[n].about)
		}
		if !*list {
			os.Exit(2)
		}
		return
	}
	for _, name := range flag.Args()[1:] {
		b, ok := builders[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "hostile: no repository %q (see -list)\n", name)
			os.Exit(2)
		}
		dir := filepath.Join(flag.Arg(0), name)
		if err := os.RemoveAll(dir); err != nil {
			fatal(err)
		}
		if err := gitcraft.Init(dir); err != nil {
			fatal(err)
		}
		if err := b.build(dir); err != nil {
			fatal(fmt.Errorf("%s: %w", name, err))
		}
		fmt.Println(dir)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "hostile:", err)
	os.Exit(1)
}

// repo collects the first error of a sequence of writes.
type repo struct {
	dir string
	err error
}

func (r *repo) objects() string { return filepath.Join(r.dir, "objects") }

func (r *repo) loose(typ string, content []byte) gitcraft.ID {
	if r.err != nil {
		return gitcraft.ID{}
	}
	id, err := gitcraft.WriteLoose(r.objects(), typ, content)
	r.err = err
	return id
}

// commitFiles commits a flat tree of files and points main at it.
func (r *repo) commitFiles(names []string, ids []gitcraft.ID) gitcraft.ID {
	var es []gitcraft.Entry
	for i, n := range names {
		es = append(es, gitcraft.Entry{Mode: "100644", Name: n, ID: ids[i]})
	}
	tree := r.loose("tree", gitcraft.Tree(es...))
	c := r.loose("commit", gitcraft.Commit(tree, nil, 0, "hostile\n"))
	if r.err == nil {
		r.err = gitcraft.SetRef(r.dir, "refs/heads/main", c)
	}
	return c
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func looseUnderdeclared(dir string) error {
	r := &repo{dir: dir}
	bad := gitcraft.MustID("badbadbadbadbadbadbadbadbadbadbadbadbad0")
	r.err = gitcraft.WriteLooseRaw(r.objects(), bad, io.MultiReader(strings.NewReader("blob 100\x00"), io.LimitReader(zeros{}, 3<<30)))
	good := r.loose("blob", []byte("password = \"hunter2hunter2\"\n"))
	r.commitFiles([]string{"a.txt", "b.txt"}, []gitcraft.ID{bad, good})
	return r.err
}

// commitTree points main at a commit of a root tree holding sub as "dir"
// and a small file.
func (r *repo) commitTree(sub gitcraft.ID) {
	file := r.loose("blob", []byte("kept\n"))
	root := r.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "40000", Name: "dir", ID: sub}, gitcraft.Entry{Mode: "100644", Name: "z.txt", ID: file}))
	c := r.loose("commit", gitcraft.Commit(root, nil, 0, "hostile\n"))
	if r.err == nil {
		r.err = gitcraft.SetRef(r.dir, "refs/heads/main", c)
	}
}

func (r *repo) pack(objs ...gitcraft.PackObject) {
	if r.err == nil {
		_, r.err = gitcraft.WritePack(filepath.Join(r.objects(), "pack"), objs)
	}
}

func treeNULs(dir string) error {
	r := &repo{dir: dir}
	data := make([]byte, 1<<30)
	r.pack(gitcraft.PackObject{Type: gitcraft.TreeType, Data: data})
	r.commitTree(gitcraft.Hash("tree", data))
	return r.err
}

func treeGitlinks(dir string) error {
	r := &repo{dir: dir}
	var b bytes.Buffer
	var id gitcraft.ID
	for i := 0; b.Len() < 200<<20; i++ {
		binary.BigEndian.PutUint32(id[:], uint32(i))
		b.WriteString(fmt.Sprintf("160000 m%08d\x00", i))
		b.Write(id[:])
	}
	r.pack(gitcraft.PackObject{Type: gitcraft.TreeType, Data: b.Bytes()})
	r.commitTree(gitcraft.Hash("tree", b.Bytes()))
	return r.err
}

func treeLoop(dir string) error {
	r := &repo{dir: dir}
	file := r.loose("blob", []byte("x = 1\n"))
	loop := gitcraft.MustID("1111111111111111111111111111111111111111")
	r.pack(gitcraft.PackObject{Type: gitcraft.TreeType, ID: loop,
		Data: gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "a.txt", ID: file}, gitcraft.Entry{Mode: "40000", Name: "loop", ID: loop})})
	r.commitTree(loop)
	return r.err
}

// nested writes trees nested depth deep, each holding the next under name
// and fanout times, the deepest holding one file, in one pack.
func (r *repo) nested(depth, fanout int, name string) gitcraft.ID {
	file := r.loose("blob", []byte("deep = 1\n"))
	raw := gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "f.txt", ID: file})
	id := gitcraft.Hash("tree", raw)
	objs := []gitcraft.PackObject{{Type: gitcraft.TreeType, Data: raw}}
	for range depth - 1 {
		var es []gitcraft.Entry
		for k := range fanout {
			es = append(es, gitcraft.Entry{Mode: "40000", Name: name + string(rune('a'+k)), ID: id})
		}
		raw = gitcraft.Tree(es...)
		id = gitcraft.Hash("tree", raw)
		objs = append(objs, gitcraft.PackObject{Type: gitcraft.TreeType, Data: raw})
	}
	r.pack(objs...)
	return id
}

func treeDeep(dir string) error {
	r := &repo{dir: dir}
	r.commitTree(r.nested(40000, 1, "d"))
	return r.err
}

func treeBomb(dir string) error {
	r := &repo{dir: dir}
	r.commitTree(r.nested(31, 2, ""))
	return r.err
}

// token is a GitHub token shape that the default rules report.
const token = "ghp_" + "R8x2mQ7vLp4kT9wZ3nJ6yB1cF5hD0sGaE2uV" // assembled: no token in the source

func commitCycle(dir string) error {
	r := &repo{dir: dir}
	secret := r.loose("blob", []byte("GITHUB_TOKEN = \""+token+"\"\n"))
	tree := r.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "settings.py", ID: secret}))
	a := gitcraft.MustID("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	b := gitcraft.MustID("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
	r.pack(gitcraft.PackObject{Type: gitcraft.CommitType, ID: a, Data: gitcraft.Commit(tree, []gitcraft.ID{b}, 0, "a\n")},
		gitcraft.PackObject{Type: gitcraft.CommitType, ID: b, Data: gitcraft.Commit(tree, []gitcraft.ID{a}, 60, "b\n")})
	if r.err == nil {
		r.err = gitcraft.SetRef(dir, "refs/heads/main", b)
	}
	return r.err
}

func commitMessages(dir string) error {
	r := &repo{dir: dir}
	secret := r.loose("blob", []byte("GITHUB_TOKEN = \""+token+"\"\n"))
	tree := r.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "settings.py", ID: secret}))
	line := bytes.Repeat([]byte("A"), 256<<20)
	var parents []gitcraft.ID
	for i := range 3 {
		raw := gitcraft.Commit(tree, parents, 60*i, string(line))
		parents = []gitcraft.ID{gitcraft.Hash("commit", raw)}
		r.pack(gitcraft.PackObject{Type: gitcraft.CommitType, Data: raw})
	}
	if r.err == nil {
		r.err = gitcraft.SetRef(dir, "refs/heads/main", parents[0])
	}
	return r.err
}

func headBlob(dir string) error {
	r := &repo{dir: dir}
	secret := r.loose("blob", []byte("GITHUB_TOKEN = \""+token+"\"\n"))
	t1 := r.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "settings.py", ID: secret}))
	c1 := r.loose("commit", gitcraft.Commit(t1, nil, 0, "one\n"))
	big := bytes.Repeat([]byte("x = 1\n"), 900<<20/6)
	r.pack(gitcraft.PackObject{Type: gitcraft.BlobType, Data: big})
	t2 := r.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "settings.py", ID: gitcraft.Hash("blob", big)}))
	c2 := r.loose("commit", gitcraft.Commit(t2, []gitcraft.ID{c1}, 60, "two\n"))
	if r.err == nil {
		r.err = gitcraft.SetRef(dir, "refs/heads/main", c2)
	}
	return r.err
}

// deltaChain writes n binary blobs of size bytes in one pack, in chains
// of deltas: blob i is a delta of blob i-chains, so that with chains > 1
// the chains are interleaved. All are files of one commit.
func deltaChain(dir string, n, size, chains int) error {
	r := &repo{dir: dir}
	prev := make([][]byte, chains)
	var objs []gitcraft.PackObject
	var names []string
	var ids []gitcraft.ID
	for i := range n {
		c := i % chains
		if prev[c] == nil {
			base := bytes.Repeat([]byte("binary\x00data "), size/12)
			base[0] = byte(c)
			prev[c] = base
			objs = append(objs, gitcraft.PackObject{Type: gitcraft.BlobType, Data: base})
		} else {
			next := bytes.Clone(prev[c])
			copy(next[size/2:], fmt.Sprintf("edit %08d", i))
			// Copies of at most 64 KiB, which leakhound read before issue 13
			// item 24 was fixed too.
			d := gitcraft.Delta(len(prev[c]), len(next), append(append(copies(0, size/2), gitcraft.Insert(next[size/2:size/2+13])...), copies(size/2+13, len(next)-size/2-13)...))
			objs = append(objs, gitcraft.PackObject{Type: gitcraft.OFSDeltaType, Base: i - chains, Data: d, ID: gitcraft.Hash("blob", next)})
			prev[c] = next
		}
		names = append(names, fmt.Sprintf("f%05d.bin", i))
		ids = append(ids, objs[len(objs)-1].ID)
		if ids[i] == (gitcraft.ID{}) {
			ids[i] = gitcraft.Hash("blob", prev[c])
		}
	}
	r.pack(objs...)
	r.commitFiles(names, ids)
	return r.err
}

// copies is delta instructions copying size bytes from off, 64 KiB at a
// time.
func copies(off, size int) []byte {
	var out []byte
	for size > 0 {
		n := min(size, 0x10000)
		out = append(out, gitcraft.Copy(off, n)...)
		off += n
		size -= n
	}
	return out
}

func packedRefsGarbage(dir string) error {
	r := &repo{dir: dir}
	secret := r.loose("blob", []byte("GITHUB_TOKEN = \""+token+"\"\n"))
	tree := r.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "settings.py", ID: secret}))
	c := r.loose("commit", gitcraft.Commit(tree, nil, 0, "one\n"))
	if r.err != nil {
		return r.err
	}
	packed := "# pack-refs with: peeled fully-peeled sorted \n" + c.String() + " refs/heads/main\nnot a ref at all\n" + c.String() + " refs/tags/v1\n"
	return os.WriteFile(filepath.Join(dir, "packed-refs"), []byte(packed), 0o644)
}

func symlinkSecret(dir string) error {
	r := &repo{dir: dir}
	link := r.loose("blob", []byte(token))
	tree := r.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "120000", Name: "deploy-key", ID: link}))
	c := r.loose("commit", gitcraft.Commit(tree, nil, 0, "a link\n"))
	if r.err == nil {
		r.err = gitcraft.SetRef(dir, "refs/heads/main", c)
	}
	return r.err
}

func tagBlob(dir string) error {
	r := &repo{dir: dir}
	r.commitFiles([]string{"README"}, []gitcraft.ID{r.loose("blob", []byte("hello\n"))})
	key := r.loose("blob", []byte("GITHUB_TOKEN = \""+token+"\"\n"))
	tag := r.loose("tag", gitcraft.Tag(key, "blob", "deploy-key", "the deploy key\n"))
	if r.err == nil {
		r.err = gitcraft.SetRef(dir, "refs/tags/deploy-key", tag)
	}
	return r.err
}
