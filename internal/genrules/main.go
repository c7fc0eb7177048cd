// Command genrules writes the default rules, without their examples, in the
// gob form that config.Default reads: run `go generate ./config` after
// editing .secretsrules.toml.
package main

import (
	"bytes"
	"encoding/gob"
	"flag"
	"fmt"
	"os"

	"github.com/leakhound/leakhound/config"
)

func main() {
	out := flag.String("o", "default_rules.gob", "file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genrules:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	cfg, err := config.DefaultWithExamples()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(config.WithoutExamples(cfg)); err != nil {
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}
