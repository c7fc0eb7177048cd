#!/usr/bin/env python3
"""Line-level recall and noise on Samsung's CredData, real files of public repositories.

CredData (github.com/Samsung/CredData) labels lines of real source files
from some 300 public repositories: each candidate line a credential
scanner might flag is marked true (a credential) or false. Its own script,
download_data.py, clones the repositories at the labelled commits and lays
the files out under data/; this script fetches nothing and takes that
directory as it is (also a subset of the repositories: the labels of files
that are absent are left out).

    creddata.py ROOT leakhound BIN [gitleaks BIN] [detect-secrets PYTHONPATH]

ROOT is a CredData checkout holding meta/ and data/. Each scanner scans
ROOT/data once, as a directory (leakhound scan --no-git, gitleaks dir,
detect-secrets scan --all-files with its default plugins; detect-secrets
runs as `python3 -m detect_secrets` from a clone given as PYTHONPATH, or
from an installed package when PYTHONPATH is "-").
A labelled line counts as flagged when a finding lies on it. leakhound
reports a secret once per file, so a true line also counts as found when
it holds a secret the scanner reported elsewhere in the same file (as
decoded, or as written when it was decoded: the base64 of a Basic
header's user and password).

Recall is over the true lines, leaving out the categories that label
identifiers and public values rather than secrets (UUIDs, S3 bucket names,
nonces, WeChat app ids, AWS access key ids alone); the noise rate is the
share of false lines flagged.
"""
import collections
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile

NOT_SECRETS = {"UUID", "Token:UUID", "AWS S3 Bucket", "Nonce", "Tencent WeChat API App ID", "AWS Client ID"}


def leakhound(binary, root, out):
    subprocess.run([binary, "scan", "--no-git", "--no-progress", "--no-baseline", "--no-cache",
                    "-f", "json", "-o", out, "data"], cwd=root, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    places, secrets = collections.defaultdict(list), collections.defaultdict(list)
    for f in json.load(open(out))["findings"] or []:
        texts = [f["secret"].split("\n")[0]]
        if f.get("decoded") and f.get("match"):
            # a decoded secret's token as written (base64 of user:password)
            texts.append(f["match"].split("\n")[0])
        for loc in [f] + (f.get("locations") or []):
            fn = loc.get("file", f["file"])
            line = loc.get("line", f["line"])
            places[fn].append((line, loc.get("end_line") or line))
            secrets[fn].extend(texts)
    return places, secrets


def gitleaks(binary, root, out):
    subprocess.run([binary, "dir", "data", "-f", "json", "-r", out, "--no-banner"], cwd=root,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    places = collections.defaultdict(list)
    for f in json.load(open(out)):
        places[f["File"]].append((f["StartLine"], f["EndLine"]))
    return places, {}


def detect_secrets(pythonpath, root, out):
    env = dict(os.environ)
    if pythonpath != "-":
        env["PYTHONPATH"] = pythonpath
    with open(out, "w") as fh:
        subprocess.run([sys.executable, "-m", "detect_secrets", "scan", "--all-files", "data"], cwd=root,
                       stdout=fh, stderr=subprocess.DEVNULL, env=env)
    places = collections.defaultdict(list)
    for path, found in json.load(open(out))["results"].items():
        for f in found:
            places[path].append((f["line_number"], f["line_number"]))
    return places, {}


def main():
    if len(sys.argv) not in (4, 6, 8):
        sys.exit(__doc__)
    root = sys.argv[1]
    tools = [(sys.argv[i], sys.argv[i + 1]) for i in range(2, len(sys.argv), 2)]
    rows = []
    for meta in sorted(glob.glob(os.path.join(root, "meta", "*.csv"))):
        for r in csv.DictReader(open(meta, newline="")):
            if r["GroundTruth"] in ("T", "F") and os.path.exists(os.path.join(root, r["FilePath"])):
                if r["GroundTruth"] == "T" and r["Category"] in NOT_SECRETS:
                    continue
                rows.append(r)
    files = len({r["FilePath"] for r in rows})
    print(f"{len(rows)} labelled lines in {files} files present")
    with tempfile.TemporaryDirectory() as tmp:
        for tool, binary in tools:
            run = {"leakhound": leakhound, "gitleaks": gitleaks, "detect-secrets": detect_secrets}[tool]
            arg = binary if tool == "detect-secrets" and binary == "-" else os.path.abspath(binary)
            places, secrets = run(arg, root, os.path.join(tmp, tool + ".json"))
            count = collections.Counter()
            for r in rows:
                a, b = int(r["LineStart"]), int(r["LineEnd"])
                hit = any(s <= b and e >= a for s, e in places.get(r["FilePath"], ()))
                if not hit and r["GroundTruth"] == "T" and secrets.get(r["FilePath"]):
                    with open(os.path.join(root, r["FilePath"]), errors="replace") as fh:
                        text = "\n".join(fh.read().split("\n")[a - 1:b])
                    hit = any(len(s) >= 6 and s in text for s in secrets[r["FilePath"]])
                count[(r["GroundTruth"], hit)] += 1
            t = count[("T", True)] + count[("T", False)]
            f = count[("F", True)] + count[("F", False)]
            print(f"{tool}: recall {count[('T', True)]}/{t} = {100 * count[('T', True)] / max(t, 1):.1f}%  "
                  f"false lines flagged {count[('F', True)]}/{f} = {100 * count[('F', True)] / max(f, 1):.2f}%")


if __name__ == "__main__":
    main()
