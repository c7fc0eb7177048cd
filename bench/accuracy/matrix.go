package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/internal/corpus"
	"github.com/leakhound/leakhound/leak"
)

// The formats × syntaxes matrix: every secret that a default rule's
// examples say it finds (its documented format, as the rule's author wrote
// it), written in every syntax a secret is assigned in, each alone in a
// file with a neutral name (matrix.txt), with LF and with CRLF line ends;
// and hard negatives written the same ways: placeholders, references and
// code in place of a value, and random values assigned to names that only
// contain a secret word. A cell is found when leakhound reports the secret
// (or a secret that holds it) in its file.

// syntax writes a value assigned to a name, as people write it in one
// language or file format.
type syntax struct {
	name string
	// quoted says the value is written in quotes, so that any value can
	// be; an unquoted syntax takes only values without white space,
	// quotes or characters the syntax gives a meaning to.
	quoted bool
	write  func(n names, v string) string
}

// names are one secret's name in the cases syntaxes use.
type names struct {
	upper  string // ACME_API_TOKEN
	snake  string // acme_api_token
	camel  string // acmeApiToken
	pascal string // AcmeApiToken
	dotted string // acme.api.token
	header string // X-Acme-Api-Token
	flag   string // --acme-api-token
}

func namesOf(upper string) names {
	words := strings.Split(strings.ToLower(upper), "_")
	var camel, pascal strings.Builder
	for i, w := range words {
		if w == "" {
			continue
		}
		t := strings.ToUpper(w[:1]) + w[1:]
		if i == 0 {
			camel.WriteString(w)
		} else {
			camel.WriteString(t)
		}
		pascal.WriteString(t)
	}
	var hdr []string
	for _, w := range words {
		if w != "" {
			hdr = append(hdr, strings.ToUpper(w[:1])+w[1:])
		}
	}
	return names{
		upper:  upper,
		snake:  strings.ToLower(upper),
		camel:  camel.String(),
		pascal: pascal.String(),
		dotted: strings.Join(words, "."),
		header: "X-" + strings.Join(hdr, "-"),
		flag:   "--" + strings.Join(words, "-"),
	}
}

// syntaxes are the ways of issue 12, item 3.
var syntaxes = []syntax{
	{"python", true, func(n names, v string) string { return "import os\n\n" + n.snake + " = \"" + v + "\"\n" }},
	{"python-dict", true, func(n names, v string) string { return "CONFIG = {\n    \"" + n.snake + "\": '" + v + "',\n}\n" }},
	{"python-kwarg", true, func(n names, v string) string { return "client = Client(" + n.snake + "=\"" + v + "\", timeout=5)\n" }},
	{"js-const", true, func(n names, v string) string { return "const " + n.camel + " = \"" + v + "\";\n" }},
	{"js-object", true, func(n names, v string) string { return "module.exports = {\n  " + n.camel + ": '" + v + "',\n};\n" }},
	{"ts-typed", true, func(n names, v string) string { return "export const " + n.camel + ": string = \"" + v + "\";\n" }},
	{"go-var", true, func(n names, v string) string { return "var " + n.camel + " string = \"" + v + "\"\n" }},
	{"cpp-brace-same-line", true, func(n names, v string) string { return "const std::string " + n.snake + "{\"" + v + "\"};\n" }},
	{"go-short", true, func(n names, v string) string {
		return "func init() {\n\t" + n.camel + " := \"" + v + "\"\n\t_ = " + n.camel + "\n}\n"
	}},
	{"go-struct", true, func(n names, v string) string { return "cfg := Config{\n\t" + n.pascal + ": \"" + v + "\",\n}\n" }},
	{"go-backticks", true, func(n names, v string) string { return n.camel + " := `" + v + "`\n" }},
	{"java", true, func(n names, v string) string {
		return "private static final String " + n.upper + " = \"" + v + "\";\n"
	}},
	{"java-setproperty", true, func(n names, v string) string { return "System.setProperty(\"" + n.upper + "\", \"" + v + "\");\n" }},
	{"java-annotation", false, func(n names, v string) string {
		return "@Value(\"${" + n.dotted + ":" + v + "}\")\nprivate String " + n.camel + ";\n"
	}},
	{"java-wrapped", true, func(n names, v string) string {
		return "private static final String " + n.upper + "\n        = \"" + v + "\";\n"
	}},
	// A value split in two literals that the language joins: "+",
	// Python's literals side by side in parentheses, PHP's ".".
	{"js-joined", true, func(n names, v string) string {
		return "const " + n.camel + " = \"" + v[:len(v)/2] + "\" + \"" + v[len(v)/2:] + "\";\n"
	}},
	{"python-joined-lines", true, func(n names, v string) string {
		return n.upper + " = (\n    \"" + v[:len(v)/2] + "\"\n    \"" + v[len(v)/2:] + "\"\n)\n"
	}},
	{"php-joined", true, func(n names, v string) string {
		return "<?php\n$" + n.snake + " = '" + v[:len(v)/2] + "' . '" + v[len(v)/2:] + "';\n"
	}},
	{"js-env-fallback", true, func(n names, v string) string {
		return "const value =\n  process.env." + n.upper + " ||\n  \"" + v + "\";\n"
	}},
	{"cpp-brace", true, func(n names, v string) string {
		return "static const std::string " + n.pascal + "{\n    \"" + v + "\"};\n"
	}},
	{"kotlin", true, func(n names, v string) string { return "val " + n.camel + " = \"" + v + "\"\n" }},
	{"csharp", true, func(n names, v string) string { return "private const string " + n.pascal + " = \"" + v + "\";\n" }},
	{"csharp-property", true, func(n names, v string) string {
		return "public string " + n.pascal + " { get; set; } = \"" + v + "\";\n"
	}},
	{"ruby", true, func(n names, v string) string { return n.upper + " = '" + v + "'\n" }},
	{"ruby-hash", true, func(n names, v string) string { return "config = { " + n.snake + ": \"" + v + "\" }\n" }},
	{"php", true, func(n names, v string) string { return "<?php\n$" + n.snake + " = '" + v + "';\n" }},
	{"php-array", true, func(n names, v string) string { return "return [\n    '" + n.snake + "' => '" + v + "',\n];\n" }},
	{"php-concat", true, func(n names, v string) string { return "$" + n.camel + " .= \"" + v + "\";\n" }},
	{"php-define", true, func(n names, v string) string { return "define('" + n.upper + "', '" + v + "');\n" }},
	{"make", false, func(n names, v string) string { return n.upper + " = " + v + "\n" }},
	{"make-simple", false, func(n names, v string) string { return n.upper + " := " + v + "\n" }},
	{"make-conditional", false, func(n names, v string) string { return n.upper + " ?= " + v + "\n" }},
	{"make-posix", false, func(n names, v string) string { return n.upper + " ::= " + v + "\n" }},
	{"make-immediate", false, func(n names, v string) string { return n.upper + " :::= " + v + "\n" }},
	{"make-append", false, func(n names, v string) string { return n.upper + " += " + v + "\n" }},
	{"shell-export", false, func(n names, v string) string { return "#!/bin/sh\nexport " + n.upper + "=" + v + "\n" }},
	{"shell-quoted", true, func(n names, v string) string { return "export " + n.upper + "='" + v + "'\n" }},
	{"shell-env", false, func(n names, v string) string { return "env " + n.upper + "=" + v + " ./deploy.sh\n" }},
	{"docker-run", false, func(n names, v string) string { return "docker run --rm -e " + n.upper + "=" + v + " app:latest\n" }},
	{"docker-env-flag", false, func(n names, v string) string { return "docker run --env " + n.upper + "=" + v + " app:latest\n" }},
	{"cmd-setx", false, func(n names, v string) string { return "setx " + n.upper + " " + v + "\n" }},
	{"fish-set", false, func(n names, v string) string { return "set -gx " + n.upper + " " + v + "\n" }},
	{"cli-flag", false, func(n names, v string) string { return "app deploy " + n.flag + " " + v + " --region eu\n" }},
	// A command written as an array of strings: an exec-form Dockerfile
	// CMD, a subprocess call, a container's args.
	{"argv-exec-form", false, func(n names, v string) string {
		return "FROM alpine\nCMD [\"app\", \"deploy\", \"" + n.flag + "\", \"" + v + "\", \"--region\", \"eu\"]\n"
	}},
	{"argv-list", false, func(n names, v string) string {
		return "subprocess.run(['app', 'deploy', '" + n.flag + "', '" + v + "'], check=True)\n"
	}},
	{"argv-yaml-block", false, func(n names, v string) string {
		return "containers:\n  - name: app\n    args:\n      - deploy\n      - " + n.flag + "\n      - " + v + "\n"
	}},
	{"argv-multiline", false, func(n names, v string) string {
		return "cmd = [\n    \"app\",\n    \"deploy\",\n    \"" + n.flag + "\", \"" + v + "\",\n]\n"
	}},
	{"argv-docker-env", false, func(n names, v string) string {
		return "args: [\"run\", \"--rm\", \"-e\", \"" + n.upper + "=" + v + "\", \"app:latest\"]\n"
	}},
	{"dockerfile-env", false, func(n names, v string) string { return "FROM alpine\nENV " + n.upper + " " + v + "\n" }},
	{"dockerfile-env-eq", false, func(n names, v string) string { return "FROM alpine\nENV " + n.upper + "=" + v + "\n" }},
	{"dockerfile-arg", false, func(n names, v string) string { return "ARG " + n.upper + "=" + v + "\n" }},
	{"dotenv", false, func(n names, v string) string { return "DEBUG=0\n" + n.upper + "=" + v + "\n" }},
	{"yaml", false, func(n names, v string) string { return "app:\n  " + n.snake + ": " + v + "\n" }},
	{"yaml-quoted", true, func(n names, v string) string { return "app:\n  " + n.snake + ": \"" + v + "\"\n" }},
	{"ci-yaml", false, func(n names, v string) string {
		return "jobs:\n  deploy:\n    env:\n      " + n.upper + ": " + v + "\n"
	}},
	{"toml", true, func(n names, v string) string { return "[app]\n" + n.snake + " = \"" + v + "\"\n" }},
	{"ini", false, func(n names, v string) string { return "[app]\n" + n.snake + " = " + v + "\n" }},
	{"properties", false, func(n names, v string) string { return n.dotted + "=" + v + "\n" }},
	{"xml-element", false, func(n names, v string) string {
		return "<config>\n  <" + n.camel + ">" + v + "</" + n.camel + ">\n</config>\n"
	}},
	{"xml-next-line", false, func(n names, v string) string {
		return "<config>\n  <" + n.camel + ">\n    " + v + "\n  </" + n.camel + ">\n</config>\n"
	}},
	{"xml-add-value", true, func(n names, v string) string {
		return "<appSettings>\n  <add key=\"" + n.pascal + "\" value=\"" + v + "\" />\n</appSettings>\n"
	}},
	{"xml-attribute", true, func(n names, v string) string { return "<connection host=\"db\" " + n.camel + "=\"" + v + "\" />\n" }},
	{"json", true, func(n names, v string) string { return "{\n  \"" + n.snake + "\": \"" + v + "\"\n}\n" }},
	{"json-escaped", true, func(n names, v string) string {
		return "{\"body\": \"{\\\"" + n.snake + "\\\": \\\"" + v + "\\\"}\"}\n"
	}},
	{"json-embedded-file", false, func(n names, v string) string {
		return "{\"app.env\": \"DEBUG=0\\n" + n.upper + "=" + v + "\\nPORT=80\\n\"}\n"
	}},
	{"hcl", true, func(n names, v string) string {
		return "resource \"app\" \"main\" {\n  " + n.snake + " = \"" + v + "\"\n}\n"
	}},
	{"logstash", true, func(n names, v string) string {
		return "output {\n  http {\n    " + n.snake + " => \"" + v + "\"\n  }\n}\n"
	}},
	{"http-header", false, func(n names, v string) string {
		return "GET /v1/items HTTP/1.1\nHost: api.example.com\n" + n.header + ": " + v + "\n"
	}},
	{"curl-header", false, func(n names, v string) string {
		return "curl -H \"" + n.header + ": " + v + "\" https://api.example.com/v1\n"
	}},
	{"url-query", false, func(n names, v string) string {
		return "https://api.example.com/v1/items?" + n.snake + "=" + v + "&page=2\n"
	}},
	{"markdown", false, func(n names, v string) string {
		return "# Setup\n\nSet `" + n.upper + "=" + v + "` before you run it.\n"
	}},
	{"rust-const", true, func(n names, v string) string { return "const " + n.upper + ": &str = \"" + v + "\";\n" }},
	{"perl-env", true, func(n names, v string) string { return "$ENV{'" + n.upper + "'} = '" + v + "';\n" }},
	{"perl-hash", true, func(n names, v string) string { return "$config{" + n.snake + "} = \"" + v + "\";\n" }},
	{"perl-hashref", true, func(n names, v string) string { return "$self->{" + n.snake + "} = '" + v + "';\n" }},
	{"erlang-tuple", true, func(n names, v string) string { return "[{app, [{" + n.snake + ", \"" + v + "\"}]}].\n" }},
	{"clojure-keyword", true, func(n names, v string) string {
		return "{:" + strings.TrimPrefix(n.flag, "--") + " \"" + v + "\"\n :port 80}\n"
	}},
	{"elixir-attribute", true, func(n names, v string) string { return "  @" + n.snake + " \"" + v + "\"\n" }},
	{"nginx-header", false, func(n names, v string) string {
		return "location / {\n    proxy_set_header " + n.header + " " + v + ";\n}\n"
	}},
	{"apache-request-header", true, func(n names, v string) string {
		return "RequestHeader set " + n.header + " \"" + v + "\"\n"
	}},
	{"nginx-fastcgi-param", false, func(n names, v string) string {
		return "location ~ \\.php$ {\n    fastcgi_param " + n.upper + " " + v + ";\n}\n"
	}},
	{"rpm-global", false, func(n names, v string) string { return "Name: app\n%global " + n.snake + " " + v + "\n" }},
	{"cmd-setx-machine", false, func(n names, v string) string { return "setx /M " + n.upper + " " + v + "\n" }},
	{"properties-space", false, func(n names, v string) string { return n.dotted + " " + v + "\n" }},
	{"conf-directive", false, func(n names, v string) string { return "bind 127.0.0.1\n" + n.snake + " " + v + "\n" }},
	{"csv-row", false, func(n names, v string) string { return "name,value\n" + n.snake + "," + v + "\n" }},
	{"markdown-table-row", false, func(n names, v string) string {
		return "| Name | Value |\n|------|-------|\n| " + n.upper + " | " + v + " |\n"
	}},
	{"plist-key-string", false, func(n names, v string) string {
		return "<dict>\n  <key>" + n.pascal + "</key>\n  <string>" + v + "</string>\n</dict>\n"
	}},
	{"xml-key-value", false, func(n names, v string) string {
		return "<entry>\n  <key>" + n.dotted + "</key>\n  <value>" + v + "</value>\n</entry>\n"
	}},
	{"android-string-attrs", false, func(n names, v string) string {
		return "<resources>\n    <string name=\"" + n.snake + "\" translatable=\"false\">" + v + "</string>\n</resources>\n"
	}},
	{"dotnet-setting", false, func(n names, v string) string {
		return "<setting name=\"" + n.pascal + "\" serializeAs=\"String\">\n    <value>" + v + "</value>\n</setting>\n"
	}},
	{"xml-cdata", false, func(n names, v string) string {
		return "<config>\n  <" + n.camel + "><![CDATA[" + v + "]]></" + n.camel + ">\n</config>\n"
	}},
	{"yaml-anchor", true, func(n names, v string) string { return "x-env:\n  " + n.upper + ": &secret \"" + v + "\"\n" }},
	{"yaml-core-tag", false, func(n names, v string) string { return n.snake + ": !!str " + v + "\n" }},
	{"hcl-heredoc", false, func(n names, v string) string {
		return "locals {\n  " + n.snake + " = <<EOT\n" + v + "\nEOT\n}\n"
	}},
	{"hadoop-property", false, func(n names, v string) string {
		return "<property>\n  <name>" + n.dotted + "</name>\n  <value>" + v + "</value>\n</property>\n"
	}},
	{"web-xml-param", false, func(n names, v string) string {
		return "<context-param>\n  <param-name>" + n.dotted + "</param-name>\n  <param-value>" + v + "</param-value>\n</context-param>\n"
	}},
	{"notes-dash", true, func(n names, v string) string { return "- " + n.snake + " - '" + v + "'\n" }},
	// Tables whose header names the value's column, and a row whose
	// first cell names a value in its last.
	{"csv-header", false, func(n names, v string) string {
		return "service,user," + n.snake + ",host\nbilling,svc," + v + ",db1\n"
	}},
	{"tsv-header", false, func(n names, v string) string { return "user\t" + n.upper + "\nsvc\t" + v + "\n" }},
	{"markdown-header-table", false, func(n names, v string) string {
		return "| Service | " + n.pascal + " | Notes |\n|---|---|---|\n| billing | " + v + " | rotated |\n"
	}},
	{"confluence-table", false, func(n names, v string) string {
		return "||Service||" + n.upper + "||\n|billing|" + v + "|\n"
	}},
	{"markdown-three-cells", false, func(n names, v string) string {
		return "| Name | Env | Value |\n|---|---|---|\n| " + n.upper + " | prod | " + v + " |\n"
	}},
	{"csv-camel-row", false, func(n names, v string) string { return n.camel + "," + v + "\n" }},
	// Directives of daemons whose option names a password in a word of
	// its own: nslcd.conf(5) and pam_ldap's ldap.conf bindpw,
	// slapd.conf(5) rootpw, sssd-ldap(5) ldap_default_authtok.
	{"nslcd-bindpw", false, func(n names, v string) string { return "binddn cn=reader,dc=example,dc=org\nbindpw " + v + "\n" }},
	{"slapd-rootpw", false, func(n names, v string) string { return "rootdn \"cn=admin,dc=example,dc=org\"\nrootpw " + v + "\n" }},
	{"sssd-authtok", false, func(n names, v string) string {
		return "[domain/default]\nldap_default_authtok_type = password\nldap_default_authtok = " + v + "\n"
	}},
}

// fixedName are the syntaxes whose name is the daemon's, not the
// secret's: they write the passwords of the generic and database families
// only (a vendor's format may need its vendor's name, a credential file's
// value its file), and the hard negatives of a name (GIT_AUTHOR_EMAIL) do
// not apply.
var fixedName = map[string]bool{"nslcd-bindpw": true, "slapd-rootpw": true, "sssd-authtok": true}

// unquotable are characters an unquoted value cannot hold in some syntax.
const unquotable = " \t\r\n'\"`\\$#;&|<>(){}[],="

// cell is one file of the matrix.
type cell struct {
	family, syntax, eol, secret, rule string
	negative                          bool
}

// secretWords, as the last part of a rule's id, name what the rule finds.
var secretWords = map[string]bool{"password": true, "passwd": true, "pass": true, "pwd": true, "secret": true, "token": true, "key": true, "credentials": true, "apikey": true, "pat": true}

// nameFor returns the name a rule's secret is assigned to in the matrix:
// the rule's id up to its last secret word (DATADOG_API_KEY from
// datadog-api-key, UNIX_PASSWORD from unix-password-hash), else
// APP_PASSWORD for a generic rule and <SERVICE>_SECRET for the others.
func nameFor(r *config.Rule) string {
	id := strings.ToUpper(strings.Map(func(c rune) rune {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			return c
		}
		return '_'
	}, r.ID))
	parts := strings.Split(id, "_")
	for i := len(parts) - 1; i > 0; i-- {
		if secretWords[strings.ToLower(parts[i])] {
			return strings.Join(parts[:i+1], "_")
		}
	}
	for _, t := range r.Tags {
		if t == "generic" {
			return "APP_PASSWORD"
		}
	}
	return parts[0] + "_SECRET"
}

// matrixSecrets returns the secrets of the default rules' examples, one
// per value, with the rule that documents it and the example's text.
func matrixSecrets(cfg *config.Config) (map[string]*config.Rule, map[string]string, []string, int) {
	bySecret := map[string]*config.Rule{}
	texts := map[string]string{}
	var order []string
	skipped := 0
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		if r.Regex == "" {
			continue
		}
		for _, ex := range r.Examples {
			s := ex.Secret
			switch {
			case s == "":
				continue
			case r.Path != "" || strings.ContainsAny(s, "\r\n") || !strings.Contains(ex.Text, s) || len(s) > 200:
				// A rule for one kind of file, a multi-line key, a
				// secret found decoded: not a value to assign.
				skipped++
				continue
			}
			if bySecret[s] == nil {
				bySecret[s] = r
				texts[s] = ex.Text
				order = append(order, s)
			}
		}
	}
	return bySecret, texts, order, skipped
}

// formats keeps the secrets that leakhound finds in their own example's
// text saved in a file with a neutral name: a format that is a secret
// wherever it stands. The others are values that are secrets only in a
// credential store (a weak password in a .netrc, reported there as such;
// see the rules' storePath): in a syntax of code or configuration they
// are placeholders, and not finding them is right.
func formats(bin, dir string, order []string, texts map[string]string) ([]string, int, error) {
	for i, s := range order {
		p := filepath.Join(dir, fmt.Sprintf("%06d", i), "matrix.txt")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, 0, err
		}
		if err := os.WriteFile(p, []byte(texts[s]+"\n"), 0o644); err != nil {
			return nil, 0, err
		}
	}
	reported, err := scanCells(bin, dir, len(order))
	if err != nil {
		return nil, 0, err
	}
	var keep []string
	for i, s := range order {
		if found(reported[i], s) {
			keep = append(keep, s)
		}
	}
	return keep, len(order) - len(keep), nil
}

// found reports whether findings hold secret (or a secret that holds it,
// or most of it), as written or as a rule that reports it percent-decoded
// gives it (an Azure SAS signature's %3D is "=").
func found(fs []leak.Finding, secret string) bool {
	decoded, err := url.PathUnescape(secret)
	if err != nil {
		decoded = secret
	}
	for _, f := range fs {
		for _, s := range []string{secret, decoded} {
			if f.Secret == s || strings.Contains(f.Secret, s) || len(f.Secret) >= 8 && strings.Contains(s, f.Secret) && len(f.Secret)*2 > len(s) {
				return true
			}
		}
	}
	return false
}

// scanCells scans dir, whose files are NNNNNN/matrix.txt, with bin and
// returns the findings in each of the n files.
func scanCells(bin, dir string, n int) ([][]leak.Finding, error) {
	out := dir + ".json"
	cmd := exec.Command(bin, "scan", "--no-git", "--no-progress", "-f", "json", "-o", out, dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			return nil, fmt.Errorf("leakhound: %w", err)
		}
	}
	var rep struct {
		Findings []leak.Finding `json:"findings"`
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("leakhound report: %w", err)
	}
	reported := make([][]leak.Finding, n)
	for _, f := range rep.Findings {
		for _, file := range append([]string{f.File}, locFiles(f)...) {
			// Paths outside git are reported as given: relative to
			// dir's parent, or absolute.
			if rel, err := filepath.Rel(dir, file); err == nil && !strings.HasPrefix(rel, "..") {
				file = rel
			}
			var i int
			if _, err := fmt.Sscanf(filepath.ToSlash(file), "%06d/matrix.txt", &i); err == nil && i < n {
				reported[i] = append(reported[i], f)
			}
		}
	}
	return reported, nil
}

// nameNegative is the random value the hard negatives of a name take.
const nameNegative = "Kp9Lm2Qx7vR4tW8bZ3"

// negatives are values and names that must not be reported in any syntax.
func negativeCells() []struct{ name, value string } {
	value := nameNegative
	return []struct{ name, value string }{
		{"APP_PASSWORD", "changeme"},
		{"APP_PASSWORD", "your-password-here"},
		{"APP_API_TOKEN", "xxxxxxxxxxxxxxxx"},
		{"APP_API_TOKEN", "<<API_TOKEN>>"},
		{"APP_API_TOKEN", "[API_TOKEN]"},
		{"APP_SECRET", "${APP_SECRET}"},
		{"APP_SECRET", "%(app_secret)s"},
		{"APP_SECRET", "{{ app_secret }}"},
		{"APP_SECRET", "settings.APP_SECRET"},
		{"APP_PASSWORD", "/run/secrets/app-password"},
		{"APP_PASSWORD", "https://docs.example.com/app/passwords"},
		{"GIT_AUTHOR_EMAIL", value},
		{"MONKEY_ISLAND", value},
		{"PASSENGER_NAME", value},
		{"TOKENIZER_MODEL", value},
		{"APP_PASSWORD_FILE", value},
		{"APP_TOKEN_URL", value},
		{"APP_SECRET_NAME", value},
		{"APP_API_KEY_ID", value},
		{"NON_MATCHING_TOKEN", value},
		{"APP_PUBLIC_KEY", value},
		{"CACHE_KEY", value},
		{"FOREIGN_KEY", value},
		{"CSRF_TOKEN", value},
	}
}

// runMatrix writes the matrix, scans it with bin and prints recall per
// family and per syntax, the false positives and the misses.
func runMatrix(bin, tmp string, show int) error {
	cfg, err := config.DefaultWithExamples()
	if err != nil {
		return err
	}
	bySecret, texts, order, skipped := matrixSecrets(cfg)
	order, storeOnly, err := formats(bin, filepath.Join(tmp, "examples"), order, texts)
	if err != nil {
		return err
	}
	dir := filepath.Join(tmp, "matrix")
	var cells []cell
	write := func(c cell, text string) error {
		if c.eol == "crlf" {
			text = strings.ReplaceAll(text, "\n", "\r\n")
		}
		p := filepath.Join(dir, fmt.Sprintf("%06d", len(cells)), "matrix.txt")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		cells = append(cells, c)
		return os.WriteFile(p, []byte(text), 0o644)
	}
	notApplicable := 0
	for _, s := range order {
		r := bySecret[s]
		n := namesOf(nameFor(r))
		fam := corpus.RuleFamily(r.ID, r.Tags)
		for _, sy := range syntaxes {
			if !sy.quoted && strings.ContainsAny(s, unquotable) || sy.quoted && strings.ContainsAny(s, "'\"`\\\n") {
				notApplicable += 2
				continue
			}
			if fixedName[sy.name] && fam != "generic" && fam != "database" {
				// A daemon's password option holds a password: a
				// vendor's value there lacks the vendor's name, which is
				// what tells some formats (8 hex digits, 18 digits) from
				// other text, and a credential file's value its file.
				notApplicable += 2
				continue
			}
			for _, eol := range []string{"lf", "crlf"} {
				if err := write(cell{family: fam, syntax: sy.name, eol: eol, secret: s, rule: r.ID}, sy.write(n, s)); err != nil {
					return err
				}
			}
		}
	}
	for _, neg := range negativeCells() {
		n := namesOf(neg.name)
		for _, sy := range syntaxes {
			if !sy.quoted && strings.ContainsAny(neg.value, unquotable) || fixedName[sy.name] && neg.value == nameNegative {
				continue
			}
			for _, eol := range []string{"lf", "crlf"} {
				if err := write(cell{family: "negative", syntax: sy.name, eol: eol, secret: neg.value, rule: neg.name, negative: true}, sy.write(n, neg.value)); err != nil {
					return err
				}
			}
		}
	}
	reported, err := scanCells(bin, dir, len(cells))
	if err != nil {
		return err
	}
	// own counts the cells found by the rule that documents the secret:
	// the rest are found by another rule (most often a generic one, at
	// its severity).
	type tally struct{ cells, found, own int }
	byFam, bySyn := map[string]*tally{}, map[string]*tally{}
	add := func(m map[string]*tally, k string, found, own bool) {
		if m[k] == nil {
			m[k] = &tally{}
		}
		m[k].cells++
		if found {
			m[k].found++
		}
		if own {
			m[k].own++
		}
	}
	// A value found in no syntax at all is a secret only in its own
	// example's context (a command line, a credential store): the matrix
	// measures syntaxes, so it is named below instead of counted.
	anywhere := map[string]bool{}
	for i, c := range cells {
		if !c.negative && found(reported[i], c.secret) {
			anywhere[c.secret] = true
		}
	}
	var contextOnly []string
	for _, s := range order {
		if !anywhere[s] {
			contextOnly = append(contextOnly, bySecret[s].ID)
		}
	}
	var total tally
	var missed []cell
	var fps []string
	negCells := 0
	for i, c := range cells {
		if !c.negative && !anywhere[c.secret] {
			continue
		}
		if c.negative {
			negCells++
			if len(reported[i]) > 0 {
				fps = append(fps, fmt.Sprintf("%s %s %s=%q: %s=%q", c.syntax, c.eol, c.rule, c.secret, reported[i][0].RuleID, reported[i][0].Secret))
			}
			continue
		}
		hit, own := found(reported[i], c.secret), false
		for _, f := range reported[i] {
			own = own || f.RuleID == c.rule && found([]leak.Finding{f}, c.secret)
		}
		add(byFam, c.family, hit, own)
		add(bySyn, c.syntax+" "+c.eol, hit, own)
		total.cells++
		if own {
			total.own++
		}
		if hit {
			total.found++
		} else {
			missed = append(missed, c)
		}
	}
	fmt.Printf("matrix: %d secrets from the default rules' examples (%d examples skipped: path-bound rules, multi-line or decoded secrets; %d values that are secrets only in a credential store), %d syntaxes × LF/CRLF; %d cells (%d not applicable: the value cannot be written unquoted there, or is no password for a daemon's option), %d hard-negative cells\n\n",
		len(order)-len(contextOnly), skipped, storeOnly, len(syntaxes), total.cells, notApplicable, negCells)
	if len(contextOnly) > 0 {
		fmt.Printf("%d values found in their own example but in no syntax of the matrix (secrets only in that context), from rules: %s\n\n", len(contextOnly), strings.Join(contextOnly, ", "))
	}
	print := func(title string, m map[string]*tally) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\tcells\tfound\trecall\tby its own rule\t\n", title)
		for _, k := range keys {
			t := m[k]
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t%.1f%%\t\n", k, t.cells, t.found, 100*float64(t.found)/float64(t.cells), 100*float64(t.own)/float64(t.cells))
		}
		fmt.Fprintf(tw, "overall\t%d\t%d\t%.1f%%\t%.1f%%\t\n", total.cells, total.found, 100*float64(total.found)/float64(max(total.cells, 1)), 100*float64(total.own)/float64(max(total.cells, 1)))
		tw.Flush()
		fmt.Println()
	}
	print("family", byFam)
	print("syntax", bySyn)
	fmt.Printf("false positives: %d of %d hard-negative cells\n", len(fps), negCells)
	for i, f := range fps {
		if i == show {
			fmt.Printf("  … and %d more\n", len(fps)-show)
			break
		}
		fmt.Println("  false positive", f)
	}
	// Misses by secret: which syntaxes miss it.
	type key struct{ family, rule, secret string }
	var keys []key
	where := map[key][]string{}
	for _, c := range missed {
		k := key{c.family, c.rule, c.secret}
		if where[k] == nil {
			keys = append(keys, k)
		}
		where[k] = append(where[k], c.syntax+"/"+c.eol)
	}
	fmt.Printf("missed: %d cells, %d secrets\n", len(missed), len(keys))
	for i, k := range keys {
		if i == show {
			fmt.Printf("  … and %d more secrets missed\n", len(keys)-show)
			break
		}
		w := where[k]
		if len(w) > 6 {
			w = append(w[:6:6], fmt.Sprintf("and %d more", len(where[k])-6))
		}
		fmt.Printf("  missed %s/%s %q in %d cells: %s\n", k.family, k.rule, k.secret, len(where[k]), strings.Join(w, " "))
	}
	return nil
}

func locFiles(f leak.Finding) []string {
	var out []string
	for _, l := range f.Locations {
		out = append(out, l.File)
	}
	return out
}
