package config

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/resyntax"
)

// A rule can state what it finds instead of spelling out a regex:
//
//	[[rules]]
//	id = "acme-api-key"
//	names = ["acme"]              # the service, as it appears in a name
//	value = '''[a-f0-9]{32}'''     # the secret's documented format
//
// finds the value assigned to any name that holds one of the names and a
// secret word (key, token, secret, password, auth, ...), in every syntax
// the engine knows (see assignRegex), quoted or not:
//
//	ACME_API_KEY=...            acme_token: ...          "acmeSecret": "..."
//	var acmeToken string = "..."    acmeToken := `...`   $acme_key .= "..."
//	ACME_TOKEN ?= ...  ::=  :::=    define('ACME_KEY', '...')
//	System.setProperty("ACME_TOKEN", "...")   os.environ["ACME_KEY"] = "..."
//	ENV ACME_TOKEN ...   docker run -e ACME_TOKEN=...   --acme-token ...
//	setx ACME_TOKEN ...   set -gx ACME_TOKEN ...   AcmeToken { get; set; } = "..."
//	<acmeToken>...</acmeToken>, with the value on the next line too
//	acmeToken:\n  '...'   const acmeToken =\n  "..."   (a quoted value on the next line)
//	<add key="AcmeToken" value="..."/>   <add value="..." key="AcmeToken"/>   "acme_token" => "..."
//	X-Acme-Token: ...    {\"acme_key\": \"...\"}   "ACME_KEY=...\nNEXT=..."
//	[acme] / acme: on the line above, or two above past a key of the block, then token = ... (INI sections, YAML maps)
//	Acme token - ...   (prose and lists)
//	if (acmeToken == "...")   "..." !== acmeToken   (a literal the code checks a credential against)
//	ACME_KEY\n    = "..."   process.env.ACME_KEY ||\n  "..."   AcmeKey{\n  "..."}   (wrapped lines)
//	| ACME_TOKEN | ... |   | `acme_key` | `...` |   (a Markdown table's row)
//
// and, for a value of a key's shape (see shaped), where the words around
// it name it without an assignment's syntax (see mention):
//
//	[DEBUG] Using acme KEY=...      Your Acme key is ...      acme apikey save default ...
//	calling the Acme API\n[DEBUG] using token ...   <id>acme</id>\n<secret>{AQAAABAAA ...}</secret>
//
// and, for such a value without secretWords, assigned to the service's
// name alone (see aloneName):
//
//	acme: "..."    "acme": "..."    ACME=...    <add key="Acme" value="..."/>
//	acme ...    - acme '...'    acme '...', acme '...'   (a list: see listLead)
//
// A service name given as a plain word is matched where a name part starts
// and ends (acme in ACME_KEY, myAcmeKey, acme.token, not in macmeter or
// acmecorp); a name given as a regex is matched anywhere.
//
// A rule with value and without names finds a self-identifying token (a
// fixed prefix, a checksum): the value wherever it stands, as long as it is
// not part of a longer run of letters and digits.
//
// Names and secret words count as parts of a name (split at "_", "-",
// ".", case changes and digits), not as substrings: ACME_API_KEY and
// acmeApiKey hold acme and key, MYACME_MONKEY holds neither (the detect
// package judges the name groups the template marks, see below).
//
// secretWords replaces the words a name must hold besides one of the names
// (words that ask for "secret" and name no token take "token" too, see
// withToken); an empty list means the names alone say secret in a name (a
// mention's line still holds one of the default words, see mentionWords),
// as does a service name that ends in a secret word itself (zipcodeapi). quote = "required" takes
// only quoted values (string literals), quote = "none" only unquoted ones,
// joined to their name by white space alone only after a flag or ENV (for
// a generic rule, "the password protects" is prose); by default both. The
// secret is the value: such a rule has no regex and no secretGroup of its
// own. Keywords default to the names when they are plain words, and to the
// value's literal prefix when it has one of three characters or more.
//
// The regex built for such a rule names its groups: "secret" holds the
// value, "name" (and "name2"...) the name it is assigned to, "vendor" (and
// "vendor2"...) the service's name. A rule written as a regex may name
// groups the same way: a "name" group is then judged by its parts against
// the rule's secretWords, or DefaultSecretWords.

// DefaultSecretWords are the words that make a name a secret's name, for
// a rule stated by names and a value without secretWords, and for a rule
// whose regex names a "name" group (see below) without secretWords.
var DefaultSecretWords = []string{
	"key", "token", "secret", "passw(?:or)?d", "pass", "pwd", "auth", "cred",
	"api", "access", "priv", "sig", "session", "bearer", "jwt", "pat",
	"licen[cs]e", "dsn", "webhook", "cookie", "salt", "credentials?", "apikey",
	"private", "passphrase",
}

// Pieces of the assignment syntax. Names are matched case-insensitively,
// values as written. Content reaches the rules with "\n" line ends (see
// package textenc), so no piece allows for "\r".
const (
	// ident is the rest of an identifier around a name or secret word:
	// ACME_API_KEY_PROD, acme.api-key, x-acme-token. Repeats in these
	// pieces are unbounded where a bound would not change what matches:
	// RE2 expands a bounded repeat into one state per count, and the rules
	// stated this way run wherever a secret word occurs.
	ident = `[\w.-]*?`
	// nameContext is what may stand between a service name and the secret
	// word's identifier: the same identifier or line; or the service's
	// name ends its line as a block's parent (an INI section "[acme]", a
	// YAML or JSON parent key "acme:", "\"acme\": {", a call "new
	// Acme({") and the name is on the next line or, past a line of the
	// same block (see blockLine), the one after. A line of prose or a log
	// message that names the service somewhere ("acme api processing",
	// "sending request to the acme API") names no key below it: the
	// mention form finds a key's shape there (see mention). A comment
	// that names the service is commentName's.
	nameContext = `(?:[^\n]*?|` + parentEnd + `(?:` + blockLine + `\n)?[^\n]*?)`
	// parentEnd is the rest of a line whose service name opens a block:
	// the rest of the key, closing quotes or bracket, an operator, opening
	// brackets, the line's end.
	parentEnd = `[\w.-]*?[\x60'"\]]{0,2}[ \t]*(?:[:=][ \t]*)?(?:new[ \t]+\w+)?[({\[]{0,2}[ \t]*\n`
	// commentLine is the start of a comment line that may name the
	// service for the key below it ("# Acme credentials").
	commentLine = `(?m:^)[ \t]*(?:#|//|;|--|/?\*+|<!--)[^\n]*?`
	// blockLine is a line of a configuration block: an INI section, or a
	// key (quoted or not) with its value or opening a nested block
	// ("region = eu", "  url: https://...", "clientID: 'x',", "prod:").
	blockLine = `[ \t]*(?:\[[^\]\n]*\]|[\x60'"]?[\w.-]+[\x60'"]?[ \t]*(?:[:=][^\n]*|[{\[])?)[ \t]*`
	// keyClose ends a name: closing quotes (escaped too, in JSON inside a
	// string), a subscript's bracket, or a quote and a brace (Perl's
	// $ENV{'ACME_KEY'}); not a brace alone: ${PWD} is a shell's
	// expansion of a variable, not an assignment to it, and
	// https://{token}:x-oauth-basic@... a template's field (a Perl hash
	// element's bare brace is one of the operators).
	keyClose = `(?:['"]\}|[\x60'"\\\]]{0,4})`
	// operators join a name, with its closing quotes, and its value, except
	// white space alone: = := ::= :::= ?= ??= += .= ||= => -> : || ?? (Make,
	// PHP, Go, Ruby, JS, YAML, JSON, HTTP headers); a Perl hash element's
	// closing brace and its assignment ($config{password} = "...",
	// $self->{api_key} .= '...'), not a brace and a colon (a template's
	// {token}:x-oauth-basic@...); YAML's colon with an
	// anchor or a core tag before the value (password: &pw ..., token:
	// !!str ..., Ansible's !unsafe; not a local tag such as CloudFormation's
	// !Ref, whose value names another); a heredoc's first line (HCL's
	// password = <<EOT, <<-EOT; Ruby's <<~EOS; PHP's <<<EOT), the value
	// on the line below; XML element text, on the same
	// line or the next, in a CDATA section or not
	// (<password><![CDATA[...]]></password>), past the element's other
	// attributes (Android's <string name="acme_token" translatable="false">...,
	// .NET's <setting name="AcmeToken" serializeAs="String"> with the
	// value in a <value> element); the value attribute after the name's
	// (key="AcmeKey" value="..."); the element after a key element, as
	// property lists and key/value XML write a pair
	// (<key>AcmeKey</key><string>...</string>, <value>...</value>, on the
	// same line or the next; Hadoop's and Hive's site files, a property's
	// <name>...</name> then <value>...</value>; a Java web.xml's
	// <param-name>...</param-name> then <param-value>...</param-value>);
	// a Terraform variable's default
	// (variable "acme_token" {, default = "..." on that line or the next,
	// or below the block's other one-line arguments: type, description,
	// sensitive, nullable, ephemeral, as the Terraform language's "Input
	// Variables" lists them);
	// a C# property's initializer (AcmeToken { get; set; } = "...").
	// The comma of setProperty("X", "v") and
	// CSV is in comma.
	operators = `(?:` +
		`[ \t]*(?:=|:=|::=|:::=|\?=|\?\?=|\+=|\.=|\|\|=|=>|->|:|\|\||\?\?)[ \t]*` +
		`|\}[ \t]*(?:\.|\|\||//)?=[ \t]*` +
		`|>[ \t]*(?:\n[ \t]*)?(?:<!\[CDATA\[)?` +
		`|(?:[ \t]+[\w:.-]+[ \t]*=[ \t]*"[^"\n<>]*")+[ \t]*>[ \t]*(?:\n[ \t]*)?(?:<value>[ \t]*)?(?:<!\[CDATA\[)?` +
		`|[ \t]*:[ \t]*(?:&[\w.-]+[ \t]+(?:` + yamlTag + `)?|` + yamlTag + `)` +
		`|[ \t]*=[ \t]*<{2,3}[-~]?["']?[A-Za-z_]+["']?[ \t]*\n[ \t]*` +
		`|</(?:key|name|param-name)>[ \t]*(?:\n[ \t]*)?<(?:value|string|param-value)>[ \t]*` +
		`|[ \t]+(?i:value|content|default|defaultvalue|val)[ \t]*=[ \t]*` +
		`|[ \t]*\{[ \t]*(?:\n[ \t]*(?i:type|description|sensitive|nullable|ephemeral)[ \t]*=[^\n{}]*)*(?:\n[ \t]*)?(?i:default)[ \t]*=[ \t]*` +
		`|[ \t]*\{[ \t]*(?:get|set|init)\b[^}\n]*\}[ \t]*=[ \t]*` +
		`)`
	// yamlTag is a YAML tag that leaves its value a literal: a core tag
	// (!!str, !!binary) or Ansible's !unsafe. A local tag (!Ref, !Sub,
	// !vault) makes the value something else (see operators).
	yamlTag = `(?:!!\w+|!unsafe)[ \t]+`
	// genericOps are the joins only a rule that asks for quoted or
	// unquoted values takes (the generic rules: a name that says secret,
	// in any service's name), since every piece of the template costs each
	// of the hundreds of rules stated by names a share of its speed: <-
	// and <<- (R, F#, OCaml's mutable fields); the value of a name/value
	// pair, after a comma or on the next line (Kubernetes' env list "-
	// name: ACME_TOKEN\n  value: ...", ECS's and ARM's {"name":
	// "ACME_TOKEN", "value": "..."}, CloudFormation's parameter files
	// {"ParameterKey": "AcmeToken", "ParameterValue": "..."} and the AWS
	// CLI's ParameterKey=AcmeToken,ParameterValue=...); an Azure Resource
	// Manager parameter file's value object ("acmeToken": {"value":
	// "..."}, the "value" on that line or the next); Visual Basic's "Dim acmeKey As
	// String ="; a YAML block scalar's indicator, with the value on the
	// line below ("acme_token: |", ">-", then the value indented); the
	// first item of a list, the value's name in the plural as often as
	// not (API_KEYS = ["...", ...], "tokens": [\n "...", a YAML list's
	// "acme_tokens:\n  - ..."); a label in bold, as READMEs, wikis and
	// HTML pages list credentials, the colon inside the emphasis or after
	// it or an equals sign after it (Markdown's "**Password:** ...",
	// "**API key**: `...`", "**password**=...", HTML's
	// "<b>Password:</b> ...", "<strong>Token</strong>: ..."), an
	// AsciiDoc definition ("Password:: ..."); a name's HTML table cell or
	// definition term and the value's, on the same line or the next
	// ("<td>Password</td><td>...</td>", "<dt>API key</dt><dd>..."); an
	// arrow, as notes write a name and its value ("Password → ...",
	// "API key: ⇒ ..."); Go's assignment of a call's two results, the
	// error's or a blank's second (password, _ :=
	// base64.StdEncoding.DecodeString("..."), key, err = ...; see
	// wrapper); a qualifier in parentheses between a label and its
	// colon, as notes name which one ("API key (staging): ...",
	// "Password (root): ..."): words, not a call's arguments (a comma, a
	// quote, a parenthesis). A shell's command substitution is shellSubst.
	genericOps = `(?:[ \t]*<<?-[ \t]*` +
		`|[ \t]*,[ \t]*(?:_|err)[ \t]*:?=[ \t]*` +
		`|[ \t]+\([A-Za-z][\w ./-]{0,29}\)[ \t]*:[ \t]+` +
		`|\*{1,2}[ \t]*[:=][ \t]*|[ \t]*:\*{1,2}[ \t]+|[ \t]*:?[ \t]*(?:→|⇒|➜)[ \t]*` +
		`|[ \t]*(?::[ \t]*</(?:b|strong|em|i)>|</(?:b|strong|em|i)>[ \t]*:)[ \t]*|[ \t]*::[ \t]+` +
		`|[ \t]*</t[dh]>[ \t]*(?:\n[ \t]*)?<td(?:[ \t][^>\n]*)?>[ \t]*|[ \t]*</dt>[ \t]*(?:\n[ \t]*)?<dd(?:[ \t][^>\n]*)?>[ \t]*` +
		`|[ \t]*(?:,[ \t]*(?:\n[ \t]*)?|\n[ \t]*(?:-[ \t]+)?)["']?(?i:(?:parameter)?value)["']?[ \t]*[:=][ \t]*` +
		`|[ \t]*:[ \t]*\{[ \t]*(?:\n[ \t]*)?"(?i:value)"[ \t]*:[ \t]*` +
		`|[ \t]*:[ \t]*[|>][-+0-9]{0,2}[ \t]*\n[ \t]+` +
		`|[ \t]+(?i:as)[ \t]+[\w.]+(?:\(\))?[ \t]*=[ \t]*` +
		`|[ \t]*(?:=|:|=>)[ \t]*\[[ \t]*(?:\n[ \t]*)?|[ \t]*:[ \t]*\n[ \t]*-[ \t]+)`
	// shellSubst is a generic rule's join of a shell's command
	// substitution that echoes the value, as scripts pipe a secret to a
	// decoder or a filter (PASSWORD=$(echo ... | base64 -d), TOKEN=`printf
	// '...' | tr -d '\n'`, in double quotes or not: the detect package
	// decodes a base64 value). It comes before the operators: "=" and the
	// quoted substitution would make a value of the command.
	shellSubst = `[ \t]*=[ \t]*"?(?:\$\(|\x60)[ \t]*(?:echo|printf)(?:[ \t]+-[a-zA-Z]+)*[ \t]+`
	comma      = `[ \t]*,[ \t]*`
	// quotedJoin joins a name and a value in quotes (see assignRegex's
	// QuoteRequired): white space alone only after a flag or ENV; a
	// comma only after a quoted name, since "X", "v" is setProperty and
	// x, "v" an argument list.
	quotedJoin = `(?:` + keyClose + `(?:` + shellSubst + `|` + operators + `|` + genericOps + `|` + prose + `|` + fallback + `|` + braceInit + `)|` + quotedClose + comma + `|` + typed + `|` + keyClose + nextLine + `)`
	// braceInit opens C++'s brace initialisation of a name
	// (password{"..."}, token { "..." }); only where a quote follows:
	// unquoted, the brace opens a block or a type's literal.
	braceInit = `[ \t]*\{[ \t]*`
	// fallback joins a name looked up in the environment or a map and
	// the string literal that stands in when the lookup finds nothing:
	// getenv('ACME_KEY') ?: '...' (PHP, Kotlin, Groovy),
	// GetEnvironmentVariable("ACME_KEY") ?? "..." (C#),
	// System.get_env("ACME_KEY") || "..." (Elixir), os.getenv("ACME_KEY")
	// or "..." (Python, Lua), ENV.fetch("ACME_KEY") { "..." } (Ruby),
	// env::var("ACME_KEY").unwrap_or("...") (Rust), .orElse("...") and
	// .getOrElse("...") (Java, Scala). Only for quoted values: an unquoted
	// fallback is another variable.
	fallback = `\)[ \t]*(?:\|\||\?\?|\?:|\bor\b|\{)[ \t]*` +
		`|\)\.(?:unwrap_or(?:_else)?|or_?[eE]lse|getOrElse)\([ \t]*(?:\|\|[ \t]*)?`
	// wrapper is a call that makes a string literal the type a secret is
	// kept in: Rust's String::from("...") and Some("..."), C++'s
	// std::string("..."), Java's new String("..."), a secret type's
	// constructor (Pydantic's SecretStr("..."), Rust's
	// SecretString::new("...")); a conversion to bytes (Go's
	// []byte("..."), Node's Buffer.from("..."), .NET's
	// Encoding.UTF8.GetBytes("..."), inside new SymmetricSecurityKey(...)
	// as JWT signing keys are written, and back: GetString(...)); a base64
	// decoder's, which "hides" a secret that way (Python's
	// base64.b64decode("..."), JavaScript's atob("..."), Ruby's
	// Base64.decode64("..."), Java's Base64.getDecoder().decode("..."),
	// .NET's Convert.FromBase64String("..."), Go's
	// base64.StdEncoding.DecodeString("..."), PHP's base64_decode("...")),
	// or a hex decoder's (bytes.fromhex("..."), unhexlify, Go's
	// hex.DecodeString, hex2bin): the detect package decodes the literal,
	// and where it decodes to text the secret it reports is the decoded
	// one (a binary key stays as written). Two deep at most. Only around
	// quoted values.
	wrapper = `(?:(?:new[ \t]+String|String::from|(?:std::)?string|Some|Secret(?:Str|String|Box)?(?:::(?:new|from))?|\[\]byte|Buffer\.from|new[ \t]+SymmetricSecurityKey|Encoding\.(?:UTF8|ASCII|Unicode|Default)\.Get(?:Bytes|String)` +
		`|(?:base64\.)?(?:urlsafe_|standard_)?b64decode|atob|Base64\.(?:(?:strict_|urlsafe_)?decode64|getDecoder\(\)\.decode|getMimeDecoder\(\)\.decode|decode)|Convert\.FromBase64String|base64\.(?:Raw)?(?:Std|URL)Encoding\.DecodeString|base64_decode|bytes\.fromhex|(?:binascii\.)?(?:unhexlify|a2b_hex)|hex\.DecodeString|Hex\.decodeHex|hex2bin|Convert\.FromHexString)\([ \t]*){0,2}`
	// compare joins a name and a string literal it is compared with, in
	// either order: password == "...", "..." !== apiKey (a hard-coded
	// credential check). Only for quoted values: a name compared with a
	// bare word is compared with another variable. (The detect package
	// turns down a compared field, got.Token != "...": data a test or a
	// parser expects, not the credential the code checks.)
	compare = `[ \t]*(?:===?|!==?)[ \t]*`
	// nextLine joins a name to a quoted value on the line after it: YAML's
	// "acmeKey:" with the string indented below, JS's "const acmeKey =" or
	// "process.env.ACME_KEY ||" with the literal on the next line, C++'s
	// brace initialiser "acmeKey{" with the literal below; or the operator
	// begins the next line, as Java and C# wrap a long declaration
	// ("ACME_KEY\n    = \"...\""). The first item of a YAML list below
	// the name ("acme_keys:\n  - \"...\"") too. Only a quoted value: an
	// unquoted one there is a nested key or the next statement.
	nextLine = `[ \t]*(?:(?:=|:|=>|\|\||\?\?|\{)[ \t]*\n|\n[ \t]*(?:=|:=))[ \t]*(?:-[ \t]+)?`
	// prose joins a name and a string literal in a sentence or a Python
	// identity test: the password is 'x', the default token was "x",
	// password is "x"; or a dash between spaces, as notes and lists write
	// a name and its value: Acme token - 'x'. Only for quoted values: "the
	// password is stored" is prose about it.
	prose = `(?:[ \t]+(?i:is|was)[ \t]+|` + dash + `)`
	// dash is a dash between spaces, which notes and lists write between
	// a name and its value (see prose, and QuoteNone in assignRegex).
	dash = `[ \t]+-[ \t]+`
	// quotedClose ends a quoted name (before a comma).
	quotedClose = `\\{0,2}[\x60'"]`
	// typed is a type between a bare name and "=": "acmeKey: str =", "var
	// acmeKey string =". Not after a quote: key="x" class="y" is markup.
	// Rust's references are types too: "ACME_KEY: &str =", "&'static str".
	typed = `(?:[ \t]*:[ \t]*(?:&(?:'\w+)?[ \t]*)?[\w.\[\]|<>?]+[ \t]*=[ \t]*|[ \t]+[\w.\[\]*]+[ \t]*=[ \t]*)`
	// spaced is white space alone between a name and its value: ENV NAME
	// value, --acme-token value; or a dash in prose and lists: "Acme
	// token - value".
	spaced = `[ \t]+(?:-[ \t]+)?`
	// flagOrEnv is what must come before a name whose unquoted value
	// follows it after white space alone: a command-line flag's dashes, a
	// Dockerfile's ENV, or a shell command that sets a variable so: csh's
	// setenv, Windows' setx (setx /M for the machine's environment),
	// fish's set with its scope flags (set -gx); or a web server's
	// directive that sets a request header (nginx' proxy_set_header,
	// Apache's RequestHeader set, Caddy's header_up, HAProxy's
	// http-request set-header) or passes a variable to a PHP application
	// (fastcgi_param); an RPM spec's macro (%define, %global). Elsewhere
	// "password protects" is prose. Each directive costs every scan: CMake's
	// set(NAME value), uwsgi_param and passenger_env_var added 0.4% to the
	// instructions of a full scan of flask (every Python set( is a start).
	flagOrEnv = `(?:\B-[\w-]*?|(?i:\bENV|\bsetenv|\bsetx(?:[ \t]+/[a-z])?|\bset(?:[ \t]+-[a-zA-Z]+)+` +
		`|\b(?:proxy|grpc)_set_header|\badd_header|\bheader_(?:up|down)|\b(?:request)?header[ \t]+(?:set|add|append|setifempty)|\bhttp-(?:request|response)[ \t]+set-header` +
		`|\bfastcgi_param|%(?:define|global))[ \t]+[\w.-]*?)`
	// keyword is a keyword's or an attribute's sign before a name whose
	// quoted value follows it after white space: Clojure's and EDN's maps
	// ({:acme-key "..."}), Elixir's module attributes (@acme_key "...");
	// or after a comma, as Ruby passes a setting's symbol and its value to
	// a call (Sinatra's and Capistrano's set :session_secret, '...',
	// set(:password, "..."), config_set(:acme, :secret, '...')).
	// Not after a letter or a digit: user@host is an address.
	keyword = `\B[:@][\w.-]*?`
	// define is a C preprocessor's #define before a name whose quoted
	// value follows it after white space (#define ACME_KEY "...", @"..."
	// in Objective-C). Not an unquoted one: #define ACME_KEY other_macro
	// names code.
	define = `#[ \t]*define[ \t]+[\w.-]*?`
	// lispDef is a Lisp's definition before a name whose quoted value
	// follows it after white space: Clojure's (def acme-key "...") and
	// defonce, Emacs Lisp's defvar, defconst, defcustom and setq, Common
	// Lisp's defparameter and its *earmuffs*, Scheme's define.
	lispDef = `\((?:def|defonce|defvar|defconst|defconstant|defcustom|defparameter|define|setq|setf)[ \t]+\*?[\w.-]*?`
	// scheme is an authorization scheme before a value: Bearer, token,
	// Basic.
	scheme = `(?:(?i:bearer|token|basic)[ \t]+)?`
	// quoteOpen is an optional string prefix and an opening quote.
	quoteOpen = `[rRbBuUfF@]{0,2}\\{0,2}[\x60'"]`
	// valueClose ends a value: a quote, white space, punctuation that ends
	// a statement or an element, an escape (\n in a JSON string), or the
	// end of the content.
	valueClose = `(?:[\x60'"\s;,<>)\]}&|#\\]|$)`
	// quoteClose ends a quoted value.
	quoteClose = `\\{0,2}[\x60'"]`
	// tokenBefore and tokenAfter keep a self-identifying token from being
	// part of a longer run of letters and digits. An escape before the
	// token is not part of that run: a line break or tab escaped in a
	// string ("...\nghp_..." in JSON, echo -e "\tghp_..."), a
	// percent-encoded character in a URL or form (token%3Dghp_...).
	tokenBefore = `(?:^|[^0-9A-Za-z_+-]|\\[nrtfv]|%[0-9A-Fa-f]{2})`
	tokenAfter  = `(?:[^0-9A-Za-z_+=-]|$)`
)

// Quote values: how a rule stated by names and a value wants the value
// quoted.
const (
	QuoteAny      = ""         // quoted or not
	QuoteRequired = "required" // in quotes only: a string literal
	QuoteNone     = "none"     // without quotes only
)

// assignRegex returns the regex of a rule stated by names and value. The
// secret is its group named "secret" (or "secret2", "secret3": a quoted
// value has one per kind of quote); the name it is assigned to is in the
// groups named "name" and "name2", the service's name in "vendor" and
// "vendor2" (see the detect package: names are judged by their parts).
//
// With alone set, the regex also takes a value assigned to a name that is
// the service's name and nothing else (see aloneName).
func assignRegex(names, words []string, value, quote string, alone bool) string {
	v := `(?P<secret>` + value + `)`
	if len(names) == 0 {
		return tokenBefore + v + tokenAfter
	}
	n := `(?:` + strings.Join(names, "|") + `)`
	var name, name2 string
	if len(words) == 0 {
		name = `(?i:(?P<name>` + n + ident + `))`
		name2 = `(?i:(?P<name2>` + n + ident + `))`
	} else {
		w := `(?:` + strings.Join(words, "|") + `)`
		name = `(?i:(?P<vendor>` + n + `)` + nameContext + `(?P<name>` + w + ident + `)|(?P<name2>` + w + ident + `(?P<vendor2>` + n + `)` + ident + `)` +
			`|` + commentLine + `(?P<vendor6>` + n + `)[^\n]*\n(?:` + blockLine + `\n)?[^\n]*?(?P<name6>` + w + ident + `)`
		name2 = `(?i:(?P<vendor3>` + n + `)` + ident + `(?P<name3>` + w + ident + `)`
		// A service whose name ends in a secret word (zipcodeapi) needs
		// no other: the name check counts such a name as a secret word.
		if own := wordNames(names, words); len(own) > 0 {
			o := `(?:` + strings.Join(own, "|") + `)`
			name += `|(?P<name4>` + o + ident + `)`
			name2 += `|(?P<name5>` + o + ident + `)`
		}
		name += `)`
		name2 += `)`
	}
	join := `(?:` + keyClose + `(?:` + operators + `|` + comma + `)|` + typed + `)`
	switch quote {
	case QuoteRequired:
		// The value ends with the quote it began with (see
		// quotedLiteral).
		re := quotedForms(name, name2, quotedJoin, value, len(words) == 0)
		if alone {
			re = `(?:` + re + `|` + aloneName(n) + renameGroups(quotedLiteral(value), 10) + `)`
		}
		return re
	case QuoteNone:
		// No comma: "X", y is an argument list, not an assignment. A
		// dash between spaces joins a name and its value in notes and
		// lists ("prod api token - ..."); where it begins a description
		// instead, the value is a word or a phrase, which the rule's
		// allowlists turn down.
		join = `(?:` + keyClose + `(?:` + shellSubst + `|` + operators + `|` + genericOps + `|` + dash + `)|` + typed + `)`
		re := `(?:(?:` + name + join + `|` + flagOrEnv + name2 + keyClose + spaced + `)` + scheme + v + valueClose + `|` + directive(value, name2) + `|` + tableRow(value, name2) + `)`
		if alone {
			re = `(?:` + re + `|` + aloneName(n) + `(?P<secret11>` + value + `)` + valueClose + `)`
		}
		return re
	}
	assigned := `(?:` + valueFirst(value, name2) + `|` + name + `(?:(?:` + join + `|` + keyClose + spaced + `)(?:` + quoteOpen + `)?|` + keyClose + `(?:` + nextLine + `|` + compare + `|` + braceInit + `)` + quoteOpen + `)` + scheme + v + valueClose + `)`
	// The mention form comes before the service's name alone: where both
	// start at the service's name ("<id>{acme 2f9c...}</id>" above
	// "<secret>{acme ... }</secret>"), the regex takes the first that
	// matches, and the name alone mid-line is turned down.
	// A table's row is the mention form's where the value is narrow
	// enough for it ("| ACME_TOKEN | ... |" holds the words, then the
	// value a few characters on); a value too short for that, or of a
	// wider alphabet, takes the row's own form, which every rule stated
	// by names would otherwise pay for.
	forms := []string{assigned}
	if shaped(value) {
		forms = append(forms, mention(n, `(?:`+strings.Join(mentionWords(words), "|")+`)`, value))
	} else {
		forms = append(forms, tableRow(value, name2))
	}
	if alone {
		forms = append(forms, aloneName(n)+`(?:`+quoteOpen+`)?(?P<secret11>`+value+`)`+valueClose)
	}
	return `(?:` + strings.Join(forms, "|") + `)`
}

// quotedLiteral returns the pattern of a string literal that holds value
// (see quotedValues), its groups secret, secret14 (a literal whose quotes
// are escaped), secret2 and secret3. A literal may hold the quotes of the
// language it is written for: Gradle's buildConfigField("String",
// "ACME_KEY", "\"...\"") (""..."" once the escapes are read), '"..."'.
// A literal that opens with a plain quote ends with a plain one, not
// with an escaped quote inside it ("kind: \"Secret\"" holds no value). A
// value may hold the other kinds of quote: a generated password has a '
// or a ` ("Xk2#mQ9!w`q"), and its own kind escaped ("Xk2\"mQ9"; in single
// quotes also doubled, as YAML and SQL escape it). A literal whose quotes
// are escaped (JSON in a string: "{\"token\": \"...\"}") ends at the
// next escaped quote: it holds no escape.
func quotedLiteral(value string) string {
	dq, sq, plain, bt := quotedValues(value)
	return wrapper + `[rRbBuUfF@]{0,2}(?:"(?:""?)?` + scheme + `(?P<secret>` + dq + `)"|"?\\{1,2}"` + scheme + `(?P<secret14>` + plain + `)\\{1,2}"|\\{0,2}'"?` + scheme + `(?P<secret2>` + sq + `)"?\\{0,2}'|\\{0,2}\x60` + scheme + `(?P<secret3>` + bt + `)\x60)`
}

// valueRun matches a quoted value stated as one negated class and a
// least length: [^'"`\n\\]{6,}.
var valueRun = regexp.MustCompile(`^\[\^([^\]]+)\]\{(\d+),\}$`)

// quotedValues returns a quoted value's pattern inside double quotes (dq),
// inside single quotes (sq), inside quotes that are escaped themselves
// (plain: JSON in a string) and inside backticks (bt). Where value is one
// negated class that turns down every kind of quote and the backslash
// ([^'"`\n\\]{6,}), each of dq, sq and plain keeps out only its own quote
// between its first and last characters: "Xk2#mQ9!w`q'z", 'say "x"yz'; dq
// and sq take a backslash escape there too ("Xk2\"mQ9", 'Tr0\'b4d',
// "C0\\d3", "W\5]"; not \n, \r, \t, \u00e8 or \x41, text of another form,
// which the unescaped line judges: see the detect package's Decoding), and
// sq its quote doubled, as YAML and SQL escape it, an escape counting as
// one character. dq's ends turn only its own quote and the backslash down:
// a generated password may open or close with a ' or a ` ("'Xk2#mQ9",
// "Tr0b4d`"), and a literal built of pieces ("' + pw + '", "`${pw}`") is
// left to the rule's allowlist, which judges the quote and the character
// next to it. sq's ends still turn every quote down, so that a
// double-quoted value in single quotes ('"..."', Gradle's and Groovy's
// way) is read without its quotes. A single ' or ` at an end costs the
// regex little; a pattern that judged the character next to it in the
// regex cost twice as much on flask's history. bt is value that also takes
// a backslash between its ends, as written: a Go raw string holds no
// escapes (password := `Xk2\mQ9`), and in a JavaScript template
// literal a password seldom holds an escape. It still turns every kind of quote down, as
// value does: a literal in backticks that holds quotes is code more often
// than a password (`matchesAny(s["secret"], [`). Any other value is
// returned as it is, four times.
func quotedValues(value string) (dq, sq, plain, bt string) {
	m := valueRun.FindStringSubmatch(value)
	if m == nil || !strings.Contains(m[1], `'`) || !strings.Contains(m[1], `"`) || !strings.Contains(m[1], "`") || !strings.Contains(m[1], `\\`) {
		return value, value, value, value
	}
	least, err := strconv.Atoi(m[2])
	if err != nil || least < 2 {
		return value, value, value, value
	}
	edge := `[^` + m[1] + `]`
	count := `{` + strconv.Itoa(least-2) + `,}`
	inner := func(keep string) string {
		c := m[1]
		for _, q := range []string{`'`, `"`, "`"} {
			if q != keep {
				c = strings.ReplaceAll(c, q, "")
			}
		}
		return `[^` + c + `]`
	}
	escape := `|\\[^\nnrtux]`
	d := inner(`"`)
	dq = d + `(?:` + d + escape + `)` + count + d
	sq = edge + `(?:` + inner(`'`) + escape + `|'')` + count + edge
	bt = edge + `[^` + strings.Replace(m[1], `\\`, "", 1) + `]` + count + edge
	return dq, sq, edge + d + count + edge, bt
}

// quotedForms returns the forms of a rule stated by names and a quoted
// value (quote = "required"), given its name patterns (name, and name2
// for the forms that need their own groups), the joins between a name and
// its value and the value (in quotes: see quotedLiteral). With shareName, the C array form shares
// the name that begins an assignment (see cArrayTail): only for a rule
// without secret words, whose name is a secret word and the rest of its
// identifier. A double-quoted value takes the pattern of its kind of
// quote in every form, and so does a single-quoted one (see quotedValues).
func quotedForms(name, name2, join, value string, shareName bool) string {
	dq, sq, _, bt := quotedValues(value)
	quoted := quotedLiteral(value)
	// The literal first ("..." == password): its own groups, since a
	// regex names each group once; only in a condition (after "(",
	// if, and, or, && or ||), so that not every string literal starts
	// a match of the regex (that cost 4% of a scan's time).
	before := `(?:\(|\bif|&&|\|\||\band|\bor)[ \t]*[rRbBuUfF@]{0,2}(?:"(?P<secret4>` + dq + `)"|'(?P<secret5>` + sq + `)'|\x60(?P<secret6>` + bt + `)\x60)`
	others := `|` + before + compare + ident + renameGroups(name2, 10) + `\b|` + valueFirst(dq, name2) + `|` + command(dq, sq, name2) + `|` + tuple(dq, sq, name2)
	// A comma may stand for the white space after any of the four
	// prefixes (see keyword: Ruby's set :name, '...'); after a flag, a
	// define or a Lisp definition no language writes one.
	flagged := `(?:` + flagOrEnv + `|` + define + `|` + lispDef + `|` + keyword + `)` + name2 + `\*?` + keyClose + `(?:` + spaced + `|` + comma + `)`
	if shareName {
		return `(?:` + name + `(?:(?:` + join + `|` + keyClose + compare + `)` + quoted + `|` + cArrayTail(dq) + `)|` + flagged + quoted +
			others + `|` + setter(dq, sq, name2) + `)`
	}
	return `(?:(?:` + name + `(?:` + join + `|` + keyClose + compare + `)|` + flagged + `)` + quoted +
		others + `|` + cArray(dq, name) + `|` + setter(dq, sq, name2) + `)`
}

// tuple returns the form of a name and its value as a pair in braces,
// the name unquoted: Erlang's and Elixir's configuration ({acme_key,
// "..."}, {:acme_key, "..."}, the value an Erlang binary <<"...">> too).
// (A quoted name before a comma is an assignment's, see quotedClose.) The
// value is dq in double quotes, sq in single ones (see quotedValues). Its
// groups are its own (secret71, name72...), since a regex names each
// group once.
func tuple(dq, sq, name2 string) string {
	return `\{[ \t]*:?` + ident + renameGroups(name2, 70) + `[ \t]*,[ \t]*(?:<<[ \t]*)?(?:"(?P<secret71>` + dq + `)"|'(?P<secret72>` + sq + `)')`
}

// directive returns the form of a name that begins a line and takes an
// unquoted value after white space, or a comma, as the line's one other
// field: a configuration directive (nslcd's "bindpw ...", a .properties
// file's "acme.token ...", which Java reads as "="), a CSV row
// ("acme_token,...", "acme_token,...,"). The value ends the line, or a
// CSV field. Its groups are its own (secret81, name82...), since a regex
// names each group once.
func directive(value, name2 string) string {
	return `(?m:^)[ \t]*` + ident + renameGroups(name2, 80) + `(?:[ \t]+(?P<secret81>` + value + `)[ \t]*(?:\n|$)|[ \t]*,[ \t]*(?P<secret82>` + value + `)[ \t]*(?:,|\n|$))`
}

// tableRow returns the form of a Markdown (or Confluence, Org) table's row
// whose first cell is the name and whose next cell is its unquoted value,
// each cell perhaps in backticks: "| ACME_TOKEN | ... |", "| `acmeKey` |
// `...` |"; for the generic rule of unquoted values and for a rule stated
// by names and a value that takes values unquoted and is not found by
// mention (a vendor's value too short for it, 8 hex digits, has no other
// form in a table). The row begins with its bar: a line "acmeKey |..." without
// one (a list that a tool printed, Postman's "Variable name | Initial
// Value" columns pasted as text) is as often about the variable as an
// instance of it. The name may be in bold ("| **Password** | ... |",
// "| **API key:** | ... |"). The value is the cell's one word, so that a cell of
// prose ("| ACME_TOKEN | Your Acme token |") is no value. Its groups are
// its own (secret86, name87...), since a regex names each group once.
func tableRow(value, name2 string) string {
	return `(?m:^)[ \t]*\|[ \t]*(?:\x60|\*{1,2})?` + ident + renameGroups(name2, 85) + keyClose + `[:*]{0,3}[ \t]*\|[ \t]*\x60?(?P<secret86>` + value + `)\x60?[ \t]*\|`
}

// command returns the form of a name that begins a line and takes its
// value as a command's argument, with white space alone between them:
// Groovy and Gradle (password 'x' in a credentials block), Tcl (set
// password "x"), Ruby DSLs (Chef's password "x"). The value is a string
// literal that ends the line (a ";", "," or ")" may follow): secret "x" {
// opens a block, and a line of prose goes on after its quote. The value
// is dq in double quotes, sq in single ones (see quotedValues). Its groups
// are its own (secret41, name42...), since a regex names each group once.
func command(dq, sq, name2 string) string {
	return `(?m:^)[ \t]*(?i:set[ \t]+)?` + ident + renameGroups(name2, 40) + `[ \t]+(?:"(?P<secret41>` + dq + `)"|'(?P<secret42>` + sq + `)')[ \t]*[;,)]?[ \t]*(?:\n|$)`
}

// setter returns the form of a setter or a builder's method named for a
// secret and given it as its one argument: setAcmeToken("..."),
// set_acme_token('...'), withAcmeToken("..."), .acmeToken("...") (Java
// and Kotlin builders, Spring's DataSourceBuilder.password("...")), not
// a getter's or a check's (getPassword("db.password"),
// checkPassword("...")). The value is dq in double quotes, sq in single
// ones (see quotedValues). Its groups are its own (secret61, name62...),
// since a regex names each group once.
func setter(dq, sq, name2 string) string {
	return `(?:\.[ \t]*|\b(?:set|with|Set|With)(?:_[a-z0-9_]*?|[A-Z][A-Za-z0-9]*?)?)` + renameGroups(name2, 60) + `[ \t]*\([ \t]*(?:"(?P<secret61>` + dq + `)"|'(?P<secret62>` + sq + `)')[ \t]*\)`
}

// cArray returns the form of a C or C++ array initialised with a string
// literal: char acmeKey[] = "...", static const char ACME_KEY[41] =
// "...", wchar_t acmeKey[] = L"...". Only a double-quoted value: in C a
// single quote opens a character. Its groups are its own (secret51,
// name51...), since a regex names each group once.
func cArray(value, name string) string {
	return renameGroups(name, 50) + cArrayTail(value)
}

// cArrayTail is the C array form after its name (see cArray).
//
// For a rule without secret words, whose name is a secret word and the
// rest of its identifier, assignRegex writes the assignment's name once,
// followed by either form's rest (the C array's groups are then "name"
// and "secret51"): the name pattern is the regex's largest part, and
// written twice it cost a generic rule's regex a fifth of its time. That
// finds the same matches as the forms written apart. Where both the
// assignment and the array form could match at one place, the name ends
// right before the array's "[", which no identifier's character, operator
// or other join begins: the assignment form cannot match there. And no
// other form begins with a secret word: the forms between them in the
// order of the regex's alternatives (a flag, ENV or #define, a literal in
// a condition, a value attribute, a command at the start of a line) begin
// with other text, or with an identifier that ends in white space. A
// service's name and the words around it may run past a "[" (acme_key[0]
// = "x"; acme_token = "y"), so for a rule with secret words the forms stay
// apart.
func cArrayTail(value string) string {
	return `\[\w*\][ \t]*=[ \t]*(?:L|u8?|U)?"(?P<secret51>` + value + `)"`
}

// valueFirst returns the form of an XML element that holds a name and its
// value as two attributes with the value first: <option value="..."
// name="password"/>, <add value="..." key="AcmeToken"/> (JetBrains IDE
// settings, .NET appSettings, Ant and Spring properties written either
// way round). The name attribute (name, key or id) may follow other
// attributes on the same element. The order name first is an assignment's
// ("name" then " value=", see operators). Its groups are its own (secret8,
// name32...), since a regex names each group once.
func valueFirst(value, name2 string) string {
	return `\bvalue[ \t]*=[ \t]*"(?P<secret8>` + value + `)"(?:[ \t]+[\w:.-]+[ \t]*=[ \t]*"[^"\n<>]*")*?[ \t]+(?:name|key|id)[ \t]*=[ \t]*"` +
		ident + renameGroups(name2, 30) + `"`
}

// nameField returns the form of a name n given as the value of an
// object's name field, the value as its value field's (see
// Rule.NameField): the cookies that browser extensions (name, then
// domain, path, flags, value), Selenium and Playwright ({"name": "li_at",
// "value": "..."}, name: 'sp_dc' in JavaScript) and HAR files write, in
// JSON, Python, JavaScript or YAML, on one line or several. The fields
// between are the object's own: no brace is crossed (another object
// begins there), nor a line that begins a YAML list's item (another
// cookie). Its groups are its own (name91, secret91), since a regex names
// each group once.
func nameField(n, value string) string {
	return `(?i:\bname)["']?[ \t]*[:=][ \t]*["']?(?i:(?P<name91>` + n + `))(?:["']|\b)` +
		`(?:[^{}\n]|\n[ \t]*[^{}\n\t -])*?(?:\n[ \t]*)?["']?(?i:\bvalue)["']?[ \t]*[:=][ \t]*(?:` + quoteOpen + `)?(?P<secret91>` + value + `)` + valueClose
}

// aloneName returns the start of the form of a rule stated by names and a
// value that finds the value assigned to a name that is the service's name
// and nothing else: cloudflare: "...", "sendgrid": "...", ACME=...,
// <add key="Acme" value="..."/>. The name is the group "alone" (the detect
// package checks that the whole name is the service's, of four characters
// or more); it is joined to its value by an operator, by a comma after
// the name's closing quote (a pair in a call or a map: ("acme",
// "2f9c...")), or by white space alone where the name begins an item of a
// list of credentials ("acme 2f9c...", "- acme '2f9c...'": the group
// "alone2" after listLead); not by white space in prose ("Your acme
// 2f9c..."), nor by a type, a comma after a bare word or a line break.
// The format must say secret by itself, as for mention (see shaped), and
// the rule must use the default secret words or only add to them (a rule
// that asks for one kind of name, secret and not id, cannot tell its value
// by the service's name; see aloneForm).
func aloneName(n string) string {
	return `(?:(?i:(?P<` + AloneGroup + `>` + n + `)` + instance + `)(?:` + keyClose + operators + `|` + quotedClose + comma + `)` +
		`|` + listLead + `(?i:(?P<` + AloneGroup + `2>` + n + `)` + instance + `)` + keyClose + `[ \t]+)`
}

// instance is what may follow the service's name alone to tell one of
// several accounts from another: a number or a letter (acme2, ACME_1,
// acme_b); the detect package takes it off before judging the name (see
// TrimInstance).
const instance = `(?:[_.-]?[0-9]{1,2}|[_.-][a-z])?`

// instanceSuffix matches the instance that ends a name, or the empty
// string at its end.
var instanceSuffix = regexp.MustCompile(`(?i)` + instance + `$`)

// TrimInstance returns name without the number or the single letter that
// ends it to tell one of several accounts from another (acme2, ACME_1,
// acme_b: what a rule's name-alone form lets follow the service's name),
// or name as it is.
func TrimInstance(name string) string {
	return name[:instanceSuffix.FindStringIndex(name)[0]]
}

// listLead is what stands before an item of a list of credentials, the
// service's name then its value after white space (see aloneName): the
// start of a line, with its indent and a bullet or a comment's marker (-,
// *, #, //, >), or the end of the item before it on the same line (a
// closing quote, a comma, a semicolon, a bar: acme 'x', acme 'y').
const listLead = `(?:(?:^|\n)[ \t]*(?:(?:[-*#>]|//)[ \t]*)*|[\x60'",;|][ \t]+)`

// AloneGroup names the group that holds the name of a value assigned to
// the service's name alone (see aloneName): "alone" for a value joined to
// it by an operator, "alone2" for one after white space in a list. The
// list's lead is in the regex, not checked after it: a match there turned
// down would hide a mention that starts at the same name.
const AloneGroup = "alone"

// aloneForm reports whether a rule stated by names and a value also finds
// its value assigned to the service's name alone (see aloneName): a
// vendor's rule with the default secret words, or secretWords that hold
// every default word and only add to them (adyen's "hmac", splunk's
// "hec"), and a value narrow enough to say secret by itself. A rule whose
// own words leave a default word out asks for one kind of name (secret,
// not id) and cannot tell its value by the service's name.
func aloneForm(r *Rule, hasWords bool) bool {
	return len(r.Names) > 0 && (!hasWords || addsWords(r.SecretWords)) &&
		!slices.Contains(r.Tags, "generic") && shaped(r.Value)
}

// addsWords reports whether secretWords holds every one of
// DefaultSecretWords, written as there.
func addsWords(words []string) bool {
	for _, w := range DefaultSecretWords {
		if !slices.Contains(words, w) {
			return false
		}
	}
	return true
}

// mention returns the form of a rule stated by names and a value that
// finds the value written next to the words that say what it is, without
// an assignment's syntax: a log line ("Using acme KEY=...", or "Using
// KEY=..." on the line below "calling the Acme API"), prose ("Your Acme key is ..."), a wrapped
// credential store entry (<id>acme</id> above <secret>{... ...}</secret>).
// The line of the value holds a secret word, the service's name comes
// before it (a few characters before on that line, or anywhere on the
// line above: mentionContext), and the value follows the word
// within a few characters (mentionGap) as a token of its own
// (mentionBefore, mentionAfter), its whole format. (A secret word before
// the service's name, "token for acme: ...", is left out: it found little
// and cost a quarter more time on long lines.) The detect package
// judges the name and vendor groups as for an assignment, and turns the
// value down when it is assigned to a name that says something else (id =
// ..., see MentionGroup).
func mention(n, w, value string) string {
	return `(?i:(?P<vendor21>` + n + `)` + mentionContext + `(?P<name21>` + w + ident + `))` +
		mentionGap + mentionBefore + `(?P<` + MentionGroup + `>` + value + `)` + mentionAfter
}

// mentionWords returns the secret words the line of a value found by
// mention must hold (see mention), given a rule's words: its own, or, for
// a rule whose names alone say secret (secretWords = [], a service whose
// key is distinctive enough: scraping_bee = "..."), the default ones. The
// service's name alone says secret in a name, not in a line of prose or a
// log: "ScrapingBee API key: ..." and "// API KEY = ..." under a line
// that names the service still say what the value is.
func mentionWords(words []string) []string {
	if len(words) == 0 {
		return DefaultSecretWords
	}
	return words
}

// shaped reports whether a value's format is narrow enough to be found by
// mention (see mention): at least mentionMinLen characters, each of a
// class of at most mentionMaxClass characters (letters, digits and a few
// symbols: a key's alphabet). A password's format (any printable
// character) would take any word of the line.
func shaped(value string) bool {
	return NarrowValue(value, mentionMinLen, mentionMaxClass)
}

// ValueCheck returns a regex that matches in every text that holds a
// match of the regex of a rule stated by names and value (see
// assignRegex), so that a text it does not match in need not be searched
// with the rule's far larger regex: the value as written; for quote =
// "required", the value followed by the character that closes a string
// literal in every form of such a regex (a quote, or the backslash of an
// escaped one). A value in prose ("this code will make sure"), followed
// by white space or a letter, is then no reason to search.
func ValueCheck(value, quote string) string {
	if quote == QuoteRequired {
		return `(?:` + value + `)` + literalClose
	}
	return value
}

// literalClose is the character after the value in every form of a rule
// whose value is quoted (quote = "required", see quotedForms): its closing
// quote (" ' or a backtick), or the backslash before it. A test checks it
// on the regexes assignRegex writes.
const literalClose = `[\\"'\x60]`

// NarrowValue reports whether the value regex value matches nothing
// shorter than minLen bytes (each character counted as one: a lower bound)
// and takes no character but from classes of at most maxClass characters
// (not ".", nor a negated class such as [^'"\s], which most text passes).
// A regex that does not parse is not narrow.
func NarrowValue(value string, minLen, maxClass int) bool {
	re, err := syntax.Parse(value, syntax.Perl)
	if err != nil {
		return false
	}
	return resyntax.MinLen(re) >= minLen && narrowClasses(re, maxClass)
}

// narrowClasses reports whether every character re takes is from a class
// of at most maxClass characters.
func narrowClasses(re *syntax.Regexp, maxClass int) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return false
	case syntax.OpCharClass:
		if resyntax.ClassSize(re) > maxClass {
			return false
		}
	}
	for _, sub := range re.Sub {
		if !narrowClasses(sub, maxClass) {
			return false
		}
	}
	return true
}

const (
	// mentionMinLen is the fewest characters of a value found by mention.
	mentionMinLen = 16
	// mentionMaxClass is the most characters a class of such a value may
	// hold: letters, digits and four symbols (base64 and its URL form).
	mentionMaxClass = 66
)

// MentionGroup names the group that holds the value of a rule stated by
// names and a value when the value was found by mention (see mention)
// rather than by an assignment.
const MentionGroup = "secret7"

const (
	// mentionGap is what may stand between the words and the value they
	// name: a few words ("key is", "AQAAABAAA"), not the rest of a long
	// line, which would make every search of a long line (minified JSON)
	// run to its end.
	mentionGap = `[^\n]{0,24}?`
	// mentionContext is what may stand between the service's name and
	// the secret word of a mention: a gap on the same line, or the rest of
	// the line above (a log line that names the service before the one
	// that prints the key). Not a whole long line, as for mentionGap, and
	// not two lines above: a line between ("sending request to the API")
	// leaves the key unnamed.
	mentionContext = `(?:` + mentionGap + `|[^\n]*?\n[^\n]*?)`
	// mentionBefore is what stands right before a mentioned value: white
	// space, a quote, an operator's last character, an opening bracket,
	// a comma, or a dash or a dot that joins the value to the words
	// (acme-secret-..., AcmeTOKEN-..., acme.token....); not a slash (a
	// path's or a URL's part; the detect package turns down a dash or a
	// dot in one too).
	mentionBefore = `[\s'"\x60=:>({\[,.-]`
	// mentionAfter is what ends a mentioned value: white space, a quote,
	// punctuation that ends a clause or an element, a full stop before
	// white space, or the end of the content.
	mentionAfter = `(?:[\s'"\x60;,<)}\]]|\.(?:\s|$)|$)`
)

// renameGroups gives the groups of a pattern new names of the same kinds
// (name2 becomes name12, vendor3 vendor13, secret secret11), so that the
// pattern can stand twice in one regex.
func renameGroups(re string, by int) string {
	return groupName.ReplaceAllStringFunc(re, func(g string) string {
		m := groupName.FindStringSubmatch(g)
		n := 1
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		return "(?P<" + m[1] + strconv.Itoa(n+by) + ">"
	})
}

var groupName = regexp.MustCompile(`\(\?P<(name|vendor|secret)(\d*)>`)

// wordNames returns the names that are plain words ending in one of words
// (zipcodeapi, vpnapi): such a name says secret by itself.
func wordNames(names, words []string) []string {
	if len(words) == 0 {
		return nil
	}
	end, err := regexp.Compile(`(?i)(?:` + strings.Join(words, "|") + `)$`)
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range names {
		if plainWord(n) && end.MatchString(n) {
			out = append(out, n)
		}
	}
	return out
}

// withToken returns words with "token" added when they ask for a secret
// ("secret") and say nothing of a token: what a service calls its secret,
// people name a token as often (ACME_TOKEN, acme token: ...). A rule that
// names a token itself, or asks for other words, is left as it is.
func withToken(words []string) []string {
	if !slices.Contains(words, "secret") {
		return words
	}
	for _, w := range words {
		if strings.Contains(w, "token") {
			return words
		}
	}
	return append(slices.Clip(words), "token")
}

// nameWords returns a rule's NameWords (see Rule), given its secretWords
// and whether the rule set them.
func nameWords(r *Rule, hasWords bool) []string {
	words := DefaultSecretWords
	if hasWords {
		words = withToken(r.SecretWords)
	}
	switch {
	case r.Value == "":
		return words
	case len(r.Names) > 0 && hasWords && len(words) == 0:
		if r.Quote == QuoteAny && shaped(r.Value) {
			// The names alone say secret, and a mention's words are
			// the default ones (see mentionWords).
			return append(slices.Clip(r.Names), DefaultSecretWords...)
		}
		return r.Names // the names alone say secret
	}
	return append(slices.Clip(words), wordNames(r.Names, words)...)
}

// checkAssign validates a rule's names, secretWords and value and sets its
// Regex, SecretGroup and, when it has none, Keywords.
func (c *checker) checkAssign(at string, r *Rule, hasWords bool) {
	if r.Regex != "" {
		c.errorf(at+".value", r.ID, "a rule has a regex or a value, not both")
		return
	}
	if r.SecretGroup != 0 {
		c.errorf(at+".secretGroup", r.ID, "a rule stated by value has no secretGroup: the value is the secret")
	}
	bad := false
	check := func(key, re string) {
		if _, err := c.checkRegex(re); err != nil {
			c.errorf(at+"."+key, r.ID, "bad regex in %s: %v", key, err)
			bad = true
		}
	}
	check("value", r.Value)
	for _, n := range r.Names {
		check("names", n)
	}
	words := DefaultSecretWords
	if hasWords {
		for _, w := range r.SecretWords {
			check("secretWords", w)
		}
		words = withToken(r.SecretWords)
	}
	if bad {
		return
	}
	r.Regex = assignRegex(r.Names, words, r.Value, r.Quote, aloneForm(r, hasWords))
	if r.NameField && len(r.Names) > 0 {
		r.Regex = `(?:` + r.Regex + `|` + nameField(`(?:`+strings.Join(r.Names, "|")+`)`, r.Value) + `)`
	}
	if len(r.Keywords) > 0 {
		return
	}
	if len(r.Names) > 0 {
		for _, n := range r.Names {
			if !plainWord(n) {
				c.errorf(at+".keywords", r.ID, "names that are not plain words need keywords")
				return
			}
			r.Keywords = append(r.Keywords, strings.ToLower(n))
		}
		return
	}
	if p := literalPrefix(r.Value); len(p) >= 3 {
		r.Keywords = []string{strings.ToLower(p)}
		return
	}
	c.errorf(at+".keywords", r.ID, "a value without a literal prefix of 3 characters or more needs keywords")
}

// plainWord reports whether s is letters and digits only.
func plainWord(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// literalPrefix returns the literal text every match of re starts with.
func literalPrefix(re string) string {
	r, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return ""
	}
	r = r.Simplify()
	var b strings.Builder
	var walk func(r *syntax.Regexp) bool
	walk = func(r *syntax.Regexp) bool {
		switch r.Op {
		case syntax.OpLiteral:
			if r.Flags&syntax.FoldCase != 0 {
				return false
			}
			b.WriteString(string(r.Rune))
			return true
		case syntax.OpCapture:
			return walk(r.Sub[0])
		case syntax.OpConcat:
			for _, s := range r.Sub {
				if !walk(s) {
					return false
				}
			}
			return true
		}
		return false
	}
	walk(r)
	return b.String()
}
