package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/internal/buildinfo"
)

func newVersionCommand(std stdio) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print leakhound's version and the revision it was built from",
		Long: `Print the module version (v1.2.3 for a release installed with go install,
(devel) for a build from a checkout), the version-control revision and
commit time the binary was built from when the build recorded them, and
the Go version. Same as 'leakhound --version'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(std.out, "leakhound %s\n", buildinfo.Read(version))
			return err
		},
	}
}
