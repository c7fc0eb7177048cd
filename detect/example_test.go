package detect_test

import (
	"fmt"
	"log"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/leak"
)

// Run the detectors over one piece of content, then place each match at
// the file it came from. (To scan files or history, use package scan,
// which also attributes, deduplicates and applies baselines.)
func ExampleDetector() {
	cfg, err := config.Default()
	if err != nil {
		log.Fatal(err)
	}
	d, err := detect.New(cfg, detect.Options{})
	if err != nil {
		log.Fatal(err)
	}
	token := "ghp_" + "Xq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiOp" // assembled: the source holds no secret
	src := leak.Source{Path: "deploy.py"}
	frag := &leak.Fragment{Content: []byte("import os\nGITHUB_TOKEN = \"" + token + "\"\n"), Sources: []leak.Source{src}}
	res, err := d.Detect(frag)
	if err != nil {
		log.Fatal(err)
	}
	for i := range res.Matches {
		if f, ok := d.Finding(&res.Matches[i], "", src); ok {
			fmt.Println(f.RuleID, f.File, f.Line, f.Column, leak.Mask(f.Secret))
		}
	}
	// Output:
	// github-pat deploy.py 2 17 ghp_… (40 chars)
}
