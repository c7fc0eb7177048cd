package main

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/agnivade/levenshtein"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

var addTemplateFuncs sync.Once

// setHelp makes every command's help list boolean flags as "--redact",
// not "--redact[=true|false]" (pflag's way since v1.1), and makes an
// unknown flag's error suggest the nearest one.
func setHelp(root *cobra.Command) {
	// cobra keeps template functions in one map for the process: add
	// ours once, so that commands built at the same time (tests) do not
	// write the map together.
	addTemplateFuncs.Do(func() { cobra.AddTemplateFunc("flagUsages", flagUsages) })
	t := root.UsageTemplate()
	t = strings.ReplaceAll(t, ".LocalFlags.FlagUsages", "flagUsages .LocalFlags")
	t = strings.ReplaceAll(t, ".InheritedFlags.FlagUsages", "flagUsages .InheritedFlags")
	root.SetUsageTemplate(t)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if s := suggestFlag(c, err); s != "" {
			return fmt.Errorf("%w; did you mean %s? (see '%s --help')", err, s, c.CommandPath())
		}
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
}

// displayBool shows a boolean flag in help without "[=true|false]": pflag
// adds that to flags whose type is "bool".
type displayBool struct{ pflag.Value }

func (displayBool) Type() string     { return "boolfunc" }
func (displayBool) IsBoolFlag() bool { return true }

// flagUsages is fs.FlagUsages with boolean flags shown as switches.
func flagUsages(fs *pflag.FlagSet) string {
	shown := pflag.NewFlagSet("", pflag.ContinueOnError)
	fs.VisitAll(func(f *pflag.Flag) {
		c := *f
		if f.Value.Type() == "bool" {
			c.Value = displayBool{f.Value}
		}
		shown.AddFlag(&c)
	})
	shown.SortFlags = fs.SortFlags
	return shown.FlagUsages()
}

// suggestFlag returns the flag of c nearest to the unknown long flag that
// err, a flag parsing error, names ("unknown flag: --show-secret"), or ""
// when none is near or err is another error.
func suggestFlag(c *cobra.Command, err error) string {
	var unknown *pflag.NotExistError
	if !errors.As(err, &unknown) || unknown.GetSpecifiedShortnames() != "" {
		return ""
	}
	name := unknown.GetSpecifiedName()
	best, bestD := "", 3
	visit := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := levenshtein.ComputeDistance(name, f.Name)
		if strings.HasPrefix(f.Name, name) || strings.HasPrefix(name, f.Name) {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = "--"+f.Name, d
		}
	}
	c.Flags().VisitAll(visit)
	c.InheritedFlags().VisitAll(visit)
	return best
}
