package safefile_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leakhound/leakhound/internal/safefile"
)

// A rules file committed to a repository as a symbolic link is refused
// without being followed.
func ExampleReadFile() {
	repo, _ := os.MkdirTemp("", "repo")
	defer os.RemoveAll(repo)
	os.Symlink("/dev/zero", filepath.Join(repo, ".secretsrules.toml"))

	_, err := safefile.ReadFile(context.Background(), repo, ".secretsrules.toml", 1<<20)
	fmt.Println(err)
	fmt.Println(errors.Is(err, safefile.ErrSymlink))
	// Output:
	// open .secretsrules.toml: is a symbolic link (not followed)
	// true
}
