// Command accuracy measures leakhound's recall and precision on a generated,
// labelled corpus: the git history of many small Django, Flask and FastAPI
// projects with their config and credential files, holding planted secrets
// and hard negatives (see internal/corpus). It prints recall and precision
// on unique secrets per family and overall, then the secrets missed and the
// false positives.
//
//	go run ./bench/accuracy                      # 300 projects, seed 1
//	go run ./bench/accuracy -projects 50 -seed 9
//	go run ./bench/accuracy -gitleaks $(go env GOPATH)/bin/gitleaks
//
// With -matrix it measures instead a formats × syntaxes matrix (see
// matrix.go): every secret of the default rules' examples written in every
// syntax a secret is assigned in (Python, JS, Go, Java, C#, Ruby, PHP, Make,
// shell, Dockerfile, YAML, TOML, INI, properties, XML, JSON, HCL, logstash,
// HTTP headers, URLs), each alone in a file with a neutral name, with LF and
// CRLF line ends, plus hard negatives; it prints recall per family and per
// syntax and the false positives. Target: 100% of the matrix, no false
// positive.
//
//	go run ./bench/accuracy -matrix
//
// It builds leakhound from this checkout unless -bin names a binary. With
// -gitleaks it scores gitleaks on the same repository too (recall per
// family; gitleaks' rules have no families, so its false positives count
// under "other"). Targets: recall and precision of at least 98% overall.
// A small corpus is also checked by go test (TestAccuracyOnGeneratedCorpus
// in cmd/leakhound).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/leakhound/leakhound/internal/corpus"
	"github.com/leakhound/leakhound/leak"
)

func main() {
	projects := flag.Int("projects", 300, "number of projects in the corpus")
	seed := flag.Int64("seed", 1, "random seed")
	bin := flag.String("bin", "", "leakhound binary (default: build this checkout)")
	gitleaks := flag.String("gitleaks", "", "gitleaks binary, to score it on the same corpus")
	keep := flag.String("keep", "", "write the corpus repository here and keep it")
	show := flag.Int("show", 20, "list at most this many misses and false positives")
	matrix := flag.Bool("matrix", false, "measure the formats × syntaxes matrix instead of the corpus")
	flag.Parse()
	if *matrix {
		if err := matrixMain(*bin, *show); err != nil {
			fmt.Fprintln(os.Stderr, "accuracy:", err)
			os.Exit(2)
		}
		return
	}
	if err := run(*projects, *seed, *bin, *gitleaks, *keep, *show); err != nil {
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(2)
	}
}

func matrixMain(bin string, show int) error {
	tmp, err := os.MkdirTemp("", "leakhound-matrix-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if bin == "" {
		if bin, err = build(tmp); err != nil {
			return err
		}
	}
	return runMatrix(bin, tmp, show)
}

// build builds leakhound from this checkout into dir.
func build(dir string) (string, error) {
	bin := filepath.Join(dir, "leakhound")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/leakhound")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build leakhound (run from the module root): %w", err)
	}
	return bin, nil
}

func run(projects int, seed int64, bin, gitleaks, keep string, show int) error {
	tmp, err := os.MkdirTemp("", "leakhound-accuracy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	repo := filepath.Join(tmp, "corpus.git")
	if keep != "" {
		repo = keep
	}
	c := corpus.Generate(corpus.Options{Seed: seed, Projects: projects})
	if err := c.WriteRepo(repo); err != nil {
		return fmt.Errorf("write corpus: %w", err)
	}
	fmt.Printf("corpus: %d projects, %d commits, %d planted secrets, %d hard-negative files (seed %d)\n\n", projects, len(c.Commits), len(c.Secrets), c.Negatives, seed)

	if bin == "" {
		if bin, err = build(tmp); err != nil {
			return err
		}
	}
	out := filepath.Join(tmp, "leakhound.json")
	start := time.Now()
	cmd := exec.Command(bin, "scan", "--no-progress", "-f", "json", "-o", out, repo)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			return fmt.Errorf("leakhound: %w", err)
		}
	}
	elapsed := time.Since(start)
	var rep struct {
		Findings []leak.Finding `json:"findings"`
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return fmt.Errorf("leakhound report: %w", err)
	}
	var got []corpus.Reported
	for _, f := range rep.Findings {
		fam := corpus.RuleFamily(f.RuleID, f.Tags)
		got = append(got, corpus.Reported{Rule: f.RuleID, Secret: f.Secret, File: f.File, Commit: f.Commit, Family: fam})
		for _, l := range f.Locations {
			got = append(got, corpus.Reported{Rule: f.RuleID, Secret: f.Secret, File: l.File, Commit: l.Commit, Family: fam})
		}
	}
	fmt.Printf("leakhound (%d findings, %.2f s)\n", len(rep.Findings), elapsed.Seconds())
	c.Score(got).Write(os.Stdout, show)

	if gitleaks != "" {
		if err := scoreGitleaks(c, gitleaks, repo, tmp, show); err != nil {
			return err
		}
	}
	return nil
}

// scoreGitleaks runs gitleaks (v8) on the corpus and scores its report.
func scoreGitleaks(c *corpus.Corpus, bin, repo, tmp string, show int) error {
	out := filepath.Join(tmp, "gitleaks.json")
	start := time.Now()
	cmd := exec.Command(bin, "git", "--no-banner", "--report-format", "json", "--report-path", out, repo)
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			// Older versions: gitleaks detect --source.
			cmd = exec.Command(bin, "detect", "--no-banner", "--report-format", "json", "--report-path", out, "--source", repo)
			if err := cmd.Run(); err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
				return fmt.Errorf("gitleaks: %w", err)
			}
		}
	}
	elapsed := time.Since(start)
	var findings []struct {
		RuleID, Secret, File, Commit string
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &findings); err != nil {
		return fmt.Errorf("gitleaks report: %w", err)
	}
	var got []corpus.Reported
	for _, f := range findings {
		got = append(got, corpus.Reported{Rule: f.RuleID, Secret: f.Secret, File: f.File, Commit: f.Commit})
	}
	fmt.Printf("\ngitleaks (%d findings, %.2f s)\n", len(findings), elapsed.Seconds())
	c.Score(got).Write(os.Stdout, show)
	return nil
}
