package main

import "github.com/spf13/cobra"

func newBaselineImportCommand(io stdio) *cobra.Command {
	return &cobra.Command{Use: "import", Hidden: true}
}
