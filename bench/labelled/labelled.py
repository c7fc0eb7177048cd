#!/usr/bin/env python3
"""Other projects' labelled examples, scanned one example per file.

Secret scanners ship examples with their rules: gitleaks and betterleaks
generate true and false positives for each rule and validate the rule
against them; TruffleHog's detectors have pattern tests whose inputs want
a match or none; Kingfisher and Nosey Parker list examples and negative
examples in their YAML rules. This script extracts those examples from
local clones (it fetches nothing and commits nothing), writes each one
alone in a file, and scores a scanner on them: recall is the share of
positives with at least one finding, the false-positive rate the share of
negatives with one.

    labelled.py extract generator NAME CLONE   gitleaks or betterleaks clone
    labelled.py extract trufflehog CLONE       TruffleHog clone (builds one binary)
    labelled.py extract yaml NAME CLONE DIR    YAML rules under DIR (kingfisher: data/rules,
                                               noseyparker: crates/noseyparker/data/default/builtin/rules)
    labelled.py extract secretlint CLONE       secretlint clone: each rule's snapshot tests
    labelled.py extract detect-secrets CLONE   detect-secrets clone: its plugins' parametrized tests
    labelled.py extract semgrep CLONE          semgrep-rules clone: the annotated tests of generic/secrets
    labelled.py score NAME leakhound BIN       (also gitleaks BIN, betterleaks BIN, trufflehog BIN)
    labelled.py diff NAME TAG_A TAG_B          examples one scan flags and the other does not

Extraction patches the clone's sources (a dump call in gitleaks' and
betterleaks' rule validator; a copy of each TruffleHog pattern test and a
program that runs them all) and restores them with git afterwards. The
examples of a generator are random draws: extract once and keep the set,
so that builds compare. Sets and results live in --work (default
$LABELLED_WORK or ~/.cache/leakhound-labelled). Needs python3 with PyYAML
for the YAML sets, go, and git.
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys

# APPEND_JSON is the Go body that appends one JSON line to $DUMP_EXAMPLES;
# the code patched into each scanner wraps it in a function of its own.
APPEND_JSON = '''	fn := os.Getenv("DUMP_EXAMPLES")
	if fn == "" {
		return
	}
	f, err := os.OpenFile(fn, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	b, _ := json.Marshal(%s)
	f.Write(append(b, '\\n'))
'''

# DUMP_GO is appended to gitleaks' and betterleaks' validator.
DUMP_GO = ('''

// dumpExample appends one labelled example to $DUMP_EXAMPLES (added by
// leakhound's bench/labelled; restored by git afterwards).
func dumpExample(rule, label, path, text string) {
''' + APPEND_JSON % 'map[string]string{"rule": rule, "label": label, "path": path, "text": text}' + "}\n")

# DUMPEX_GO is a package added to TruffleHog for its pattern tests.
DUMPEX_GO = ('''// Package dumpex appends pattern-test examples to $DUMP_EXAMPLES (added by
// leakhound's bench/labelled; removed afterwards).
package dumpex

import (
	"encoding/json"
	"os"
)

// Dump records one example.
func Dump(name, input string, want []string) {
''' + APPEND_JSON % 'map[string]any{"name": name, "input": input, "want": want}' + "}\n")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def git(clone, *args, **kw):
    return subprocess.run(["git", "-C", clone, *args], check=True, capture_output=True, text=True, **kw).stdout


def write_rows(work, name, rows):
    """Writes NAME.jsonl: rows of rule, label (tp/fp), path, text,
    deduplicated. A negative of one rule that is another rule's positive
    (Slack tokens as negatives of the Slack webhook rule) is left out."""
    tps = {r["text"] for r in rows if r["label"] == "tp"}
    seen, out = set(), []
    for r in rows:
        if r["label"] == "fp" and r["text"] in tps:
            continue
        k = (r["label"], r.get("path", ""), r["text"])
        if k not in seen:
            seen.add(k)
            out.append(r)
    with open(os.path.join(work, name + ".jsonl"), "w") as f:
        for r in out:
            f.write(json.dumps(r) + "\n")
    materialise(work, name)


def extract_generator(work, name, clone):
    """Patches the rule validator of a gitleaks-style generator to dump the
    examples it validates, runs the generator, and restores the file."""
    cfg = os.path.join(clone, "cmd", "generate", "config")
    validate = os.path.join(cfg, "utils", "validate.go")
    s = open(validate).read()
    s = s.replace("import (\n", 'import (\n\t"encoding/json"\n\t"os"\n', 1)
    for loop, label, path in (("for _, tp := range truePositives {", "tp", '""'), ("for _, fp := range falsePositives {", "fp", '""'),
                              ("for path, tp := range truePositives {", "tp", "path"), ("for path, fp := range falsePositives {", "fp", "path")):
        if loop not in s:
            sys.exit(f"{validate}: no '{loop}': the validator changed")
        s = s.replace(loop, loop + f'\n\t\tdumpExample(r.RuleID, "{label}", {path}, {label})', 1)
    dump = os.path.join(work, name + ".raw.jsonl")
    if os.path.exists(dump):
        os.remove(dump)
    try:
        open(validate, "w").write(s + DUMP_GO)
        run(["go", "run", ".", os.path.join(work, name + ".generated.toml")], cwd=cfg,
            env=dict(os.environ, DUMP_EXAMPLES=dump), stdout=subprocess.DEVNULL)
    finally:
        git(clone, "checkout", "--", os.path.relpath(validate, clone))
    write_rows(work, name, [json.loads(l) for l in open(dump)])


def extract_trufflehog(work, clone):
    """Copies every detector's pattern test into a non-test file of its
    package, with a dump call in its loop, builds one program that runs
    them all, runs it, and restores the clone."""
    mod = open(os.path.join(clone, "go.mod")).readline().split()[1]
    tests = subprocess.run(["grep", "-rl", "--include=*_test.go", "_Pattern(t", "pkg/detectors"], cwd=clone, capture_output=True, text=True).stdout.split()
    bypkg = collections.defaultdict(list)
    for f in tests:
        bypkg[os.path.dirname(f)].append(f)
    made = []
    try:
        os.makedirs(os.path.join(clone, "pkg", "dumpex"), exist_ok=True)
        open(os.path.join(clone, "pkg", "dumpex", "dumpex.go"), "w").write(DUMPEX_GO)
        for d, fs in sorted(bypkg.items()):
            names = []
            for i, f in enumerate(fs):
                s = open(os.path.join(clone, f)).read()
                pkg = re.search(r"(?m)^package (\w+)", s).group(1)
                if pkg.endswith("_test"):
                    continue
                found = []
                for m in re.finditer(r"func (Test\w+_Pattern)\(t \*testing\.T\) \{", s):
                    end = s.find("\nfunc ", m.end())
                    end = len(s) if end < 0 else end
                    body = s[m.end():end]
                    mm = re.search(r"for _, (\w+) := range (\w+) \{\n\s*t\.Run\(\1\.name, func\(t \*testing\.T\) \{\n", body)
                    if not mm or not re.search(r"\binput\s+string", body) or not re.search(r"\bwant\s+\[\]string", body):
                        continue
                    body = body[:mm.end()] + f"\t\t\tdumpex.Dump(t.Name(), {mm.group(1)}.input, {mm.group(1)}.want)\n" + body[mm.end():]
                    s = s[:m.end()] + body + s[end:]
                    found.append(m.group(1))
                if found:
                    s = s.replace("import (\n", f'import (\n\t"{mod}/pkg/dumpex"\n', 1)
                    open(os.path.join(clone, d, f"zz_dumpcopy{i}.go"), "w").write(s)
                    names += found
            if names:
                lst = f'package {pkg}\n\nimport "testing"\n\n// DumpPatternTests lists the pattern tests.\nfunc DumpPatternTests() []testing.InternalTest {{\n\treturn []testing.InternalTest{{\n'
                lst += "".join(f'\t\t{{Name: "{d}/{n}", F: {n}}},\n' for n in names) + "\t}\n}\n"
                open(os.path.join(clone, d, "zz_dumplist.go"), "w").write(lst)
                made.append(d)
        # Leave out the packages whose copies do not build alone.
        for _ in range(20):
            p = subprocess.run(["go", "build", *["./" + d for d in made]], cwd=clone, capture_output=True, text=True)
            bad = {os.path.dirname(l.split(":")[0]) for l in p.stderr.splitlines() if "/zz_dump" in l}
            if p.returncode == 0 or not bad:
                break
            for d in bad:
                for f in os.listdir(os.path.join(clone, d)):
                    if f.startswith("zz_dump"):
                        os.remove(os.path.join(clone, d, f))
            made = [d for d in made if d not in bad]
        main = "package main\n\nimport (\n\t\"regexp\"\n\t\"testing\"\n\n"
        main += "".join(f'\tp{i} "{mod}/{d}"\n' for i, d in enumerate(made)) + ")\n\nfunc main() {\n\ttesting.Init()\n\tvar tests []testing.InternalTest\n"
        main += "".join(f"\ttests = append(tests, p{i}.DumpPatternTests()...)\n" for i in range(len(made)))
        main += "\ttesting.Main(func(pat, s string) (bool, error) { return regexp.MatchString(pat, s) }, tests, nil, nil)\n}\n"
        os.makedirs(os.path.join(clone, "cmd", "dumpex"), exist_ok=True)
        open(os.path.join(clone, "cmd", "dumpex", "main.go"), "w").write(main)
        binary = os.path.join(work, "trufflehog-patterns")
        run(["go", "build", "-o", binary, "./cmd/dumpex"], cwd=clone)
    finally:
        git(clone, "checkout", "--", "pkg/detectors")
        git(clone, "clean", "-fdq", "pkg/detectors", "pkg/dumpex", "cmd/dumpex")
    dump = os.path.join(work, "trufflehog.raw.jsonl")
    if os.path.exists(dump):
        os.remove(dump)
    subprocess.run([binary, "-test.run", "."], env=dict(os.environ, DUMP_EXAMPLES=dump), cwd=work, stdout=subprocess.DEVNULL)
    rows = []
    for l in open(dump):
        d = json.loads(l)
        # the name is the test's package path and case: pkg/detectors/<detector>/...
        parts = d["name"].split("/")
        rule = parts[2] if parts[:2] == ["pkg", "detectors"] and len(parts) > 2 else parts[0]
        rows.append({"rule": rule, "label": "tp" if d["want"] else "fp", "path": "", "text": d["input"]})
    write_rows(work, "trufflehog", rows)
    print(f"{len(made)} detector packages")


def extract_yaml(work, name, clone, prefix):
    """Reads examples and negative_examples of the YAML rules under prefix."""
    import yaml
    rows = []
    for f in git(clone, "ls-tree", "-r", "--name-only", "HEAD").split():
        if not f.startswith(prefix.rstrip("/") + "/") or not f.endswith((".yml", ".yaml")):
            continue
        doc = yaml.safe_load(git(clone, "show", "HEAD:" + f)) or {}
        for r in doc.get("rules") or []:
            for label, key in (("tp", "examples"), ("fp", "negative_examples")):
                for ex in r.get(key) or []:
                    if isinstance(ex, str):
                        rows.append({"rule": r.get("id", ""), "label": label, "path": "", "text": ex})
    write_rows(work, name, rows)


def extract_secretlint(work, clone):
    """Reads the snapshot tests of secretlint's secret rules: each case is an
    input file and the messages the rule gives for it (ng.* cases have some,
    ok.* none). Cases whose options allow values or switch a check off, and
    rules that flag a kind of file rather than a secret (no-dotenv,
    no-homedir, no-k8s-kind-secret), are left out."""
    base = os.path.join(clone, "packages", "@secretlint")
    skip = ("internal-test", "pattern", "example", "preset", "no-dotenv", "no-homedir", "no-k8s-kind-secret", "filter-comments")
    rows = []
    for pkg in sorted(os.listdir(base)):
        if not pkg.startswith("secretlint-rule-") or any(k in pkg for k in skip):
            continue
        snaps = os.path.join(base, pkg, "test", "snapshots")
        if not os.path.isdir(snaps):
            continue
        for case in sorted(os.listdir(snaps)):
            d = os.path.join(snaps, case)
            out = os.path.join(d, "output.json")
            if not os.path.exists(out):
                continue
            rc = os.path.join(d, ".secretlintrc.json")
            if os.path.exists(rc) and re.search(r'"allows"|:\s*false', open(rc).read()):
                continue
            opts = os.path.join(d, "options.ts")
            path = ""
            if os.path.exists(opts):
                m = re.search(r'inputFilePath:\s*"([^"]+)"', open(opts).read())
                if not m:
                    continue
                path = m.group(1)
            inputs = [f for f in os.listdir(d) if f.startswith("input")]
            if len(inputs) != 1:
                continue
            with open(os.path.join(d, inputs[0]), encoding="utf-8", errors="surrogateescape", newline="") as f:
                text = f.read()
            label = "tp" if json.load(open(out)).get("messages") else "fp"
            rows.append({"rule": pkg[len("secretlint-rule-"):] + "/" + case, "label": label,
                         "path": path or (inputs[0] if inputs[0] != "input" else ""), "text": text})
    write_rows(work, "secretlint", rows)


def extract_detect_secrets(work, clone):
    """Runs detect-secrets' plugin test modules with stand-ins for pytest and
    detect-secrets itself, and keeps what their parametrize decorators list:
    (payload, should_flag) rows and the keyword plugin's (file extension,
    line, expected secret) rows."""
    import importlib.abc
    import importlib.machinery
    import types

    calls = []

    class Stub:
        def __init__(self, *a, **k):
            pass

        def __call__(self, *a, **k):
            if len(a) == 1 and callable(a[0]) and not k:
                return a[0]
            return Stub()

        def __getattr__(self, n):
            return Stub()

        def __iter__(self):
            return iter(())

    def parametrize(names, values, **k):
        calls.append((names, list(values)))
        return lambda f: f

    def fixture(*a, **k):
        if len(a) == 1 and callable(a[0]):
            return a[0]
        return lambda f: f

    stubbed = ("pytest", "detect_secrets", "testing", "mock", "responses", "requests")

    class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in stubbed:
                return importlib.machinery.ModuleSpec(name, self, is_package=True)
            return None

        def create_module(self, spec):
            m = types.ModuleType(spec.name)
            m.__path__ = []
            m.__getattr__ = lambda n: Stub
            if spec.name == "pytest":
                m.mark = types.SimpleNamespace(parametrize=parametrize, skip=Stub(), skipif=Stub(), xfail=Stub())
                m.fixture = fixture
                m.raises = Stub()
            return m

        def exec_module(self, module):
            pass

    finder = Finder()
    sys.meta_path.insert(0, finder)
    rows = []
    try:
        tests = os.path.join(clone, "tests", "plugins")
        for fn in sorted(os.listdir(tests)):
            if not fn.endswith("_test.py"):
                continue
            del calls[:]
            src = open(os.path.join(tests, fn)).read()
            try:
                exec(compile(src, fn, "exec"), {"__name__": "ds_" + fn[:-3]})
            except Exception as e:  # noqa: BLE001 - a module that needs more than stubs is left out
                print(f"{fn}: left out ({type(e).__name__}: {e})", file=sys.stderr)
                continue
            rule = fn[: -len("_test.py")]
            for names, values in calls:
                names = [n.strip() for n in names.split(",")]
                for v in values:
                    if not isinstance(v, tuple) or len(v) != len(names):
                        continue
                    d = dict(zip(names, v))
                    if names[-1] == "should_flag" and isinstance(d.get(names[0]), str):
                        rows.append({"rule": rule, "label": "tp" if d["should_flag"] else "fp", "path": "", "text": d[names[0]]})
                    elif names == ["file_extension", "line", "expected_secret"] and isinstance(d["line"], str):
                        path = "mock_filename." + d["file_extension"] if d["file_extension"] else ""
                        rows.append({"rule": rule, "label": "tp" if d["expected_secret"] else "fp", "path": path, "text": d["line"]})
    finally:
        sys.meta_path.remove(finder)
    write_rows(work, "detect-secrets", rows)


ANNOTATION = re.compile(r'^\s*(?:#|//|<!--|/\*|;)?\s*(todoruleid|ruleid|todook|ok)\s*:\s*([\w.-]+)')


def extract_semgrep(work, clone):
    """Reads the test files of semgrep-rules' secret rules (generic/secrets):
    a comment `ruleid: RULE` says the lines after it must match, `ok: RULE`
    that they must not (todoruleid and todook say the same of cases the rule
    still gets wrong). An example is the lines after one annotation up to a
    blank line or the next annotation, written under the test file's
    extension."""
    rows = []
    for f in git(clone, "ls-tree", "-r", "--name-only", "HEAD", "generic/secrets").split():
        if f.endswith(".yaml") and not f.endswith(".test.yaml"):
            continue
        lines = git(clone, "show", "HEAD:" + f).split("\n")
        ext = f.rsplit("/", 1)[-1].split(".", 1)[1] if "." in f.rsplit("/", 1)[-1] else "txt"
        i = 0
        while i < len(lines):
            m = ANNOTATION.match(lines[i])
            i += 1
            if not m:
                continue
            body = []
            while i < len(lines) and lines[i].strip() and not ANNOTATION.match(lines[i]):
                body.append(lines[i])
                i += 1
            if body:
                label = "tp" if m.group(1) in ("ruleid", "todoruleid") else "fp"
                rows.append({"rule": m.group(2), "label": label, "path": "example." + ext, "text": "\n".join(body) + "\n"})
    write_rows(work, "semgrep", rows)


def materialise(work, name):
    """Writes each example of NAME.jsonl alone in sets/NAME/{tp,fp}/NNNNN/
    under its own path, or example.txt."""
    root = os.path.join(work, "sets", name)
    shutil.rmtree(root, ignore_errors=True)
    meta = {}
    for n, line in enumerate(open(os.path.join(work, name + ".jsonl")), 1):
        d = json.loads(line)
        rel = (d.get("path") or "example.txt").lstrip("/").replace("..", "__")
        dst = os.path.join(root, d["label"], "%05d" % n, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(d["text"])
        meta["%05d" % n] = {"label": d["label"], "rule": d["rule"], "file": dst}
    json.dump(meta, open(root + ".meta.json", "w"))
    c = collections.Counter(m["label"] for m in meta.values())
    print(f"{name}: {c['tp']} positives, {c['fp']} negatives")


def findings_by_example(root, tool, binary, out):
    """Runs tool over root and returns example id -> rules that fired."""
    if tool == "leakhound":
        subprocess.run([binary, "scan", "--no-git", "--no-baseline", "--no-progress", "-f", "json", "-o", out, root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        raw = (json.load(open(out)) or {}).get("findings") or []
        # a file inside an archive counts for the archive, the example's file
        hits = ((f["rule_id"], l.get("archive") or l["file"]) for f in raw for l in [f] + (f.get("locations") or []))
    elif tool in ("gitleaks", "betterleaks"):
        subprocess.run([binary, "dir", "--no-banner", "-f", "json", "-r", out, root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hits = ((f["RuleID"], f["File"]) for f in json.load(open(out)) or [])
    elif tool == "trufflehog":
        p = subprocess.run([binary, "filesystem", "--no-verification", "--no-update", "--json", root], capture_output=True, text=True)
        rows = []
        for l in p.stdout.splitlines():
            try:
                d = json.loads(l)
            except ValueError:
                continue
            rows.append((d.get("DetectorName"), d.get("SourceMetadata", {}).get("Data", {}).get("Filesystem", {}).get("file", "")))
        hits = iter(rows)
    else:
        sys.exit("unknown scanner " + tool)
    by = collections.defaultdict(list)
    for rule, path in hits:
        parts = os.path.relpath(path if os.path.isabs(path) else os.path.join(root, path), root).split(os.sep)
        if len(parts) > 1:
            by[parts[1]].append(rule)
    return by


def score(work, name, tool, binary, tag):
    root = os.path.join(work, "sets", name)
    meta = json.load(open(root + ".meta.json"))
    os.makedirs(os.path.join(work, "results"), exist_ok=True)
    by = findings_by_example(root, tool, binary, os.path.join(work, "results", f"{name}.{tag}.raw.json"))
    res = {k: {"label": m["label"], "rule": m["rule"], "hits": by.get(k, [])} for k, m in meta.items()}
    json.dump(res, open(os.path.join(work, "results", f"{name}.{tag}.json"), "w"))
    tp = sum(r["label"] == "tp" for r in res.values())
    fp = len(res) - tp
    tph = sum(r["label"] == "tp" and bool(r["hits"]) for r in res.values())
    fph = sum(r["label"] == "fp" and bool(r["hits"]) for r in res.values())
    print(f"{name} {tag}: recall {tph}/{tp} = {100 * tph / max(tp, 1):.1f}%  false positives {fph}/{fp} = {100 * fph / max(fp, 1):.1f}%")


def diff(work, name, a, b):
    meta = json.load(open(os.path.join(work, "sets", name + ".meta.json")))
    ra = json.load(open(os.path.join(work, "results", f"{name}.{a}.json")))
    rb = json.load(open(os.path.join(work, "results", f"{name}.{b}.json")))
    for k in sorted(meta):
        if bool(ra[k]["hits"]) != bool(rb[k]["hits"]):
            who = a if ra[k]["hits"] else b
            text = open(meta[k]["file"], errors="replace").read()[:120].replace("\n", "⏎")
            print(f"{meta[k]['label']} {k} only {who}: {meta[k]['rule']} | {text}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.environ.get("LABELLED_WORK", os.path.expanduser("~/.cache/leakhound-labelled")))
    ap.add_argument("cmd", choices=["extract", "score", "diff"])
    ap.add_argument("args", nargs="+")
    o = ap.parse_args()
    os.makedirs(o.work, exist_ok=True)
    a = o.args
    if o.cmd == "extract" and a[0] == "generator" and len(a) == 3:
        extract_generator(o.work, a[1], os.path.abspath(a[2]))
    elif o.cmd == "extract" and a[0] == "trufflehog" and len(a) == 2:
        extract_trufflehog(o.work, os.path.abspath(a[1]))
    elif o.cmd == "extract" and a[0] == "yaml" and len(a) == 4:
        extract_yaml(o.work, a[1], os.path.abspath(a[2]), a[3])
    elif o.cmd == "extract" and a[0] == "secretlint" and len(a) == 2:
        extract_secretlint(o.work, os.path.abspath(a[1]))
    elif o.cmd == "extract" and a[0] == "detect-secrets" and len(a) == 2:
        extract_detect_secrets(o.work, os.path.abspath(a[1]))
    elif o.cmd == "extract" and a[0] == "semgrep" and len(a) == 2:
        extract_semgrep(o.work, os.path.abspath(a[1]))
    elif o.cmd == "score" and len(a) in (3, 4):
        score(o.work, a[0], a[1], os.path.abspath(a[2]), a[3] if len(a) == 4 else a[1])
    elif o.cmd == "diff" and len(a) == 3:
        diff(o.work, *a)
    else:
        ap.print_help()
        sys.exit(2)


if __name__ == "__main__":
    main()
