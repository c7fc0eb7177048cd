package detect

import (
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The default pack as a newcomer tries it (issue 12, items 3, 5 and 6): a
// secret assigned to a vendor's name (ACME_API_TOKEN, a vendor no rule
// knows) and to generic names (password, secret_key, DEPLOY_KEY, DB_PASS) in every syntax of
// item 3, the command lines and the credential stores of item 5, each in
// a .txt file, a file without extension and a file with the syntax's own
// name, saved in every encoding and line end of encodings. Each must be
// found, with the same rules, lines and columns in every encoding; the
// hard negatives of item 7 must stay silent in all of them.

// Values built at run time, so that the self-scan finds none of them.
var (
	synVendor   = "Kp9Lm2Qx" + "7vR4tW8bZ3nY" // assigned to ACME_API_TOKEN
	synGeneric  = "Vt8kQ2xR" + "7mZp4Lw9"     // assigned to password
	synGeneric2 = "Zr5Nw1Jd" + "Hq8ZkX3mBc6T" // assigned to secret_key
	synWeak     = "qwerty" + "123"            // a weak password, found only in a store
)

// synNames are a name in the cases syntaxes use.
type synNames struct{ upper, snake, camel, pascal, dotted, header string }

func synNamesOf(upper string) synNames {
	words := strings.Split(strings.ToLower(upper), "_")
	var camel, pascal, header []string
	for i, w := range words {
		t := strings.ToUpper(w[:1]) + w[1:]
		if i == 0 {
			camel = append(camel, w)
		} else {
			camel = append(camel, t)
		}
		pascal = append(pascal, t)
		header = append(header, t)
	}
	return synNames{upper, strings.ToLower(upper), strings.Join(camel, ""), strings.Join(pascal, ""),
		strings.Join(words, "."), "X-" + strings.Join(header, "-")}
}

// assignSyntaxes write value v assigned to name n; file is the name a file
// of that syntax has.
var assignSyntaxes = []struct {
	name, file string
	write      func(n synNames, v string) string
}{
	{"python", "app.py", func(n synNames, v string) string { return n.snake + ` = "` + v + "\"\n" }},
	{"python dict", "app.py", func(n synNames, v string) string { return "CONFIG = {\n    \"" + n.snake + "\": '" + v + "',\n}\n" }},
	{"python kwarg", "app.py", func(n synNames, v string) string { return "client = Client(" + n.snake + `="` + v + "\", timeout=5)\n" }},
	{"python setdefault", "app.py", func(n synNames, v string) string { return `os.environ.setdefault("` + n.upper + `", "` + v + "\")\n" }},
	{"python setter", "app.py", func(n synNames, v string) string { return "client.set_" + n.snake + `("` + v + "\")\n" }},
	{"python base64 decode", "app.py", func(n synNames, v string) string {
		return n.snake + ` = base64.b64decode("` + base64.StdEncoding.EncodeToString([]byte(v)) + "\").decode()\n"
	}},
	{"js atob", "app.js", func(n synNames, v string) string {
		return "const " + n.camel + " = atob('" + base64.StdEncoding.EncodeToString([]byte(v)) + "');\n"
	}},
	{"js concatenation", "app.js", func(n synNames, v string) string {
		return "const " + n.camel + " = \"" + v[:6] + "\" + '" + v[6:] + "';\n"
	}},
	{"java concatenation", "App.java", func(n synNames, v string) string {
		return "String " + n.camel + " = \"" + v[:4] + "\" + \"" + v[4:9] + "\"+\"" + v[9:] + "\";\n"
	}},
	{"java concatenation over lines", "Keys.java", func(n synNames, v string) string {
		return "    static final String " + n.upper + " = \"" + v[:7] + "\" +\n            \"" + v[7:] + "\";\n"
	}},
	{"python literals side by side in parentheses", "settings.py", func(n synNames, v string) string {
		return n.upper + " = (\n    \"" + v[:7] + "\"\n    \"" + v[7:] + "\"\n)\n"
	}},
	{"python literals side by side", "app.py", func(n synNames, v string) string {
		return n.snake + " = \"" + v[:5] + "\" '" + v[5:] + "'\n"
	}},
	{"c literals over a continued line", "keys.h", func(n synNames, v string) string {
		return "static const char *" + n.snake + " = \"" + v[:8] + "\" \\\n    \"" + v[8:] + "\";\n"
	}},
	{"php dot", "config.php", func(n synNames, v string) string {
		return "$" + n.snake + " = '" + v[:6] + "' . '" + v[6:] + "';\n"
	}},
	{"visual basic ampersand", "Module1.vb", func(n synNames, v string) string {
		return "Dim " + n.camel + " As String = \"" + v[:6] + "\" & \"" + v[6:] + "\"\n"
	}},
	{"hcl map of quoted keys", "main.tf", func(n synNames, v string) string {
		return "tags = {\n  \"" + n.snake + "\" = \"" + v + "\"\n  \"Name\" = \"web\"\n}\n"
	}},
	{"label with a qualifier", "NOTES.md", func(n synNames, v string) string {
		return "Deploy notes\n\n" + n.upper + " (staging): " + v + "\n"
	}},
	{"go two results", "main.go", func(n synNames, v string) string {
		return n.camel + ", _ := base64.StdEncoding.DecodeString(\"" + base64.StdEncoding.EncodeToString([]byte(v)) + "\")\n"
	}},
	{"shell command substitution in double quotes", "deploy.sh", func(n synNames, v string) string {
		return "export " + n.upper + "=\"$(echo '" + base64.StdEncoding.EncodeToString([]byte(v)) + "' | base64 -d)\"\n"
	}},
	{"php hex2bin", "config.php", func(n synNames, v string) string {
		return "$" + n.snake + " = hex2bin('" + hex.EncodeToString([]byte(v)) + "');\n"
	}},
	{"shell command substitution", "deploy.sh", func(n synNames, v string) string {
		return "export " + n.upper + "=$(echo " + base64.StdEncoding.EncodeToString([]byte(v)) + " | base64 -d)\n"
	}},
	{"js const", "app.js", func(n synNames, v string) string { return "const " + n.camel + ` = "` + v + "\";\n" }},
	{"js object", "app.js", func(n synNames, v string) string { return "module.exports = {\n  " + n.camel + ": '" + v + "',\n};\n" }},
	{"js process.env", "app.js", func(n synNames, v string) string { return "process.env." + n.upper + ` = "` + v + "\";\n" }},
	{"ts typed", "app.ts", func(n synNames, v string) string { return "export const " + n.camel + `: string = "` + v + "\";\n" }},
	{"ts class field", "app.ts", func(n synNames, v string) string {
		return "class Client {\n  private readonly " + n.camel + ` = "` + v + "\";\n}\n"
	}},
	{"go var", "main.go", func(n synNames, v string) string { return "var " + n.camel + ` string = "` + v + "\"\n" }},
	{"go short", "main.go", func(n synNames, v string) string {
		return "func init() {\n\t" + n.camel + ` := "` + v + "\"\n\t_ = " + n.camel + "\n}\n"
	}},
	{"go struct", "main.go", func(n synNames, v string) string { return "cfg := Config{\n\t" + n.pascal + `: "` + v + "\",\n}\n" }},
	{"go backticks", "main.go", func(n synNames, v string) string { return n.camel + " := `" + v + "`\n" }},
	{"go []byte", "main.go", func(n synNames, v string) string { return "var " + n.camel + ` = []byte("` + v + "\")\n" }},
	{"node Buffer.from", "app.js", func(n synNames, v string) string { return "const " + n.camel + ` = Buffer.from("` + v + "\");\n" }},
	{"dotnet GetBytes", "Startup.cs", func(n synNames, v string) string {
		return "var " + n.camel + ` = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("` + v + "\"));\n"
	}},
	{"java setProperty", "App.java", func(n synNames, v string) string { return `System.setProperty("` + n.upper + `", "` + v + "\");\n" }},
	{"java setProperty dotted", "App.java", func(n synNames, v string) string { return `System.setProperty("` + n.dotted + `", "` + v + "\");\n" }},
	{"java @Value", "App.java", func(n synNames, v string) string {
		return `@Value("${` + n.dotted + ":" + v + "}\")\nprivate String " + n.camel + ";\n"
	}},
	{"java annotation attribute", "App.java", func(n synNames, v string) string {
		return `@DataSourceDefinition(name = "db", ` + n.camel + ` = "` + v + "\")\n"
	}},
	{"java field", "App.java", func(n synNames, v string) string {
		return "private static final String " + n.upper + ` = "` + v + "\";\n"
	}},
	{"kotlin", "App.kt", func(n synNames, v string) string { return "val " + n.camel + ` = "` + v + "\"\n" }},
	{"gradle buildConfigField", "build.gradle", func(n synNames, v string) string {
		return "buildConfigField \"String\", \"" + n.upper + `", "\"` + v + "\\\"\"\n"
	}},
	{"gradle command", "build.gradle", func(n synNames, v string) string {
		return "credentials {\n    username 'deploy'\n    " + n.camel + " '" + v + "'\n}\n"
	}},
	{"c #define", "config.h", func(n synNames, v string) string { return "#define " + n.upper + ` "` + v + "\"\n" }},
	{"objective-c #define", "Config.h", func(n synNames, v string) string { return "#define " + n.upper + ` @"` + v + "\"\n" }},
	{"c array", "config.c", func(n synNames, v string) string {
		return "static const char " + n.snake + `[] = "` + v + "\";\n"
	}},
	{"c++ brace init", "config.cpp", func(n synNames, v string) string {
		return "const std::string " + n.snake + `{"` + v + "\"};\n"
	}},
	{"tcl set", "deploy.tcl", func(n synNames, v string) string { return "set " + n.snake + ` "` + v + "\"\n" }},
	{"visual basic Dim As", "Module1.vb", func(n synNames, v string) string { return "Dim " + n.pascal + ` As String = "` + v + "\"\n" }},
	{"java setter", "App.java", func(n synNames, v string) string { return "config.set" + n.pascal + `("` + v + "\");\n" }},
	{"ruby set_", "app.rb", func(n synNames, v string) string { return "client.set_" + n.snake + "('" + v + "')\n" }},
	{"kubernetes env", "deployment.yaml", func(n synNames, v string) string {
		return "containers:\n  - name: app\n    env:\n      - name: " + n.upper + "\n        value: \"" + v + "\"\n"
	}},
	{"ecs name/value", "task-definition.json", func(n synNames, v string) string {
		return `{"environment": [{"name": "` + n.upper + `", "value": "` + v + "\"}]}\n"
	}},
	{"arm parameter file", "azuredeploy.parameters.json", func(n synNames, v string) string {
		return "{\n  \"parameters\": {\n    \"" + n.camel + "\": {\n      \"value\": \"" + v + "\"\n    }\n  }\n}\n"
	}},
	{"cloudformation parameter file", "parameters.json", func(n synNames, v string) string {
		return "[\n  {\n    \"ParameterKey\": \"" + n.pascal + "\",\n    \"ParameterValue\": \"" + v + "\"\n  }\n]\n"
	}},
	{"aws cli parameters", "deploy.sh", func(n synNames, v string) string {
		return "aws cloudformation deploy --stack-name app --parameters ParameterKey=" + n.pascal + ",ParameterValue=" + v + "\n"
	}},
	{"prose", "README.md", func(n synNames, v string) string { return "The " + n.snake + " is '" + v + "'.\n" }},
	{"markdown bold label", "README.md", func(n synNames, v string) string { return "- **" + n.snake + ":** " + v + "\n" }},
	{"markdown bold name", "SETUP.md", func(n synNames, v string) string { return "**" + n.pascal + "**: `" + v + "`\n" }},
	{"markdown bold name, equals", "NOTES.md", func(n synNames, v string) string { return "**" + n.snake + "**=" + v + "\n" }},
	{"arrow", "notes.txt", func(n synNames, v string) string { return n.pascal + " → " + v + "\n" }},
	{"html bold label", "page.html", func(n synNames, v string) string { return "<p><b>" + n.pascal + ":</b> " + v + "</p>\n" }},
	{"html table row", "credentials.html", func(n synNames, v string) string {
		return "<tr>\n  <td>" + n.snake + "</td>\n  <td>" + v + "</td>\n</tr>\n"
	}},
	{"html definition", "setup.html", func(n synNames, v string) string { return "<dl><dt>" + n.snake + "</dt><dd>" + v + "</dd></dl>\n" }},
	{"asciidoc definition", "setup.adoc", func(n synNames, v string) string { return n.snake + ":: " + v + "\n" }},
	{"plist key/string", "Info.plist", func(n synNames, v string) string {
		return "<dict>\n  <key>" + n.pascal + "</key>\n  <string>" + v + "</string>\n</dict>\n"
	}},
	{"xml key/value entry", "settings.xml", func(n synNames, v string) string {
		return "<entry>\n  <key>" + n.snake + "</key>\n  <value>" + v + "</value>\n</entry>\n"
	}},
	{"android string, more attributes", "strings.xml", func(n synNames, v string) string {
		return "<resources>\n    <string name=\"" + n.snake + "\" translatable=\"false\">" + v + "</string>\n</resources>\n"
	}},
	{".NET setting", "App.config", func(n synNames, v string) string {
		return "<setting name=\"" + n.pascal + "\" serializeAs=\"String\">\n    <value>" + v + "</value>\n</setting>\n"
	}},
	{"xml CDATA", "config.xml", func(n synNames, v string) string {
		return "<config>\n  <" + n.camel + "><![CDATA[" + v + "]]></" + n.camel + ">\n</config>\n"
	}},
	{"yaml anchor", "docker-compose.yml", func(n synNames, v string) string { return "x-env:\n  " + n.upper + ": &secret \"" + v + "\"\n" }},
	{"yaml core tag", "values.yaml", func(n synNames, v string) string { return n.snake + ": !!str " + v + "\n" }},
	{"hcl heredoc", "main.tf", func(n synNames, v string) string {
		return "locals {\n  " + n.snake + " = <<EOT\n" + v + "\nEOT\n}\n"
	}},
	{"hadoop property", "core-site.xml", func(n synNames, v string) string {
		return "<property>\n  <name>" + n.dotted + "</name>\n  <value>" + v + "</value>\n</property>\n"
	}},
	{"web.xml param", "web.xml", func(n synNames, v string) string {
		return "<context-param>\n  <param-name>" + n.dotted + "</param-name>\n  <param-value>" + v + "</param-value>\n</context-param>\n"
	}},
	{"json array", "config.json", func(n synNames, v string) string {
		return "{\n  \"" + n.snake + "\": [\n    \"" + v + "\",\n    \"spare\"\n  ]\n}\n"
	}},
	{"array literal", "app.js", func(n synNames, v string) string { return "const " + n.camel + " = ['" + v + "', 'spare'];\n" }},
	{"yaml list", "values.yaml", func(n synNames, v string) string { return n.snake + ":\n  - " + v + "\n" }},
	{"yaml list, quoted", "values.yaml", func(n synNames, v string) string { return n.snake + ":\n  - \"" + v + "\"\n" }},
	{"notes dash", "notes.md", func(n synNames, v string) string { return "- " + n.snake + " - '" + v + "'\n" }},
	{"notes dash, bare value", "notes.md", func(n synNames, v string) string { return "* " + n.snake + " - " + v + "\n" }},
	{"r <-", "deploy.R", func(n synNames, v string) string { return n.snake + ` <- "` + v + "\"\n" }},
	{"c#", "App.cs", func(n synNames, v string) string { return "private const string " + n.pascal + ` = "` + v + "\";\n" }},
	{"c# property", "App.cs", func(n synNames, v string) string {
		return "public string " + n.pascal + ` { get; set; } = "` + v + "\";\n"
	}},
	{"c# initializer", "App.cs", func(n synNames, v string) string { return "var o = new Options { " + n.pascal + ` = "` + v + "\" };\n" }},
	{"c# verbatim", "App.cs", func(n synNames, v string) string { return "string " + n.camel + ` = @"` + v + "\";\n" }},
	{"ruby", "app.rb", func(n synNames, v string) string { return n.upper + " = '" + v + "'\n" }},
	{"ruby hash", "app.rb", func(n synNames, v string) string { return "config = { " + n.snake + `: "` + v + "\" }\n" }},
	{"ruby rocket", "app.rb", func(n synNames, v string) string { return `config = { "` + n.snake + `" => "` + v + "\" }\n" }},
	{"ruby ENV ||=", "app.rb", func(n synNames, v string) string { return `ENV["` + n.upper + `"] ||= "` + v + "\"\n" }},
	{"php", "app.php", func(n synNames, v string) string { return "<?php\n$" + n.snake + " = '" + v + "';\n" }},
	{"php array", "app.php", func(n synNames, v string) string { return "return [\n    '" + n.snake + "' => '" + v + "',\n];\n" }},
	{"php .=", "app.php", func(n synNames, v string) string { return "$" + n.camel + ` .= "` + v + "\";\n" }},
	{"php define", "app.php", func(n synNames, v string) string { return "define('" + n.upper + "', '" + v + "');\n" }},
	{"make =", "Makefile", func(n synNames, v string) string { return n.upper + " = " + v + "\n" }},
	{"make :=", "Makefile", func(n synNames, v string) string { return n.upper + " := " + v + "\n" }},
	{"make ?=", "Makefile", func(n synNames, v string) string { return n.upper + " ?= " + v + "\n" }},
	{"make ::=", "Makefile", func(n synNames, v string) string { return n.upper + " ::= " + v + "\n" }},
	{"make :::=", "Makefile", func(n synNames, v string) string { return n.upper + " :::= " + v + "\n" }},
	{"make +=", "Makefile", func(n synNames, v string) string { return n.upper + " += " + v + "\n" }},
	{"make export", "Makefile", func(n synNames, v string) string { return "export " + n.upper + " = " + v + "\n" }},
	{"make target-specific", "Makefile", func(n synNames, v string) string { return "deploy: " + n.upper + " = " + v + "\n" }},
	{"shell export", "deploy.sh", func(n synNames, v string) string { return "#!/bin/sh\nexport " + n.upper + "=" + v + "\n" }},
	{"shell quoted", "deploy.sh", func(n synNames, v string) string { return "export " + n.upper + "='" + v + "'\n" }},
	{"shell env", "deploy.sh", func(n synNames, v string) string { return "env " + n.upper + "=" + v + " ./deploy.sh\n" }},
	{"docker run -e", "deploy.sh", func(n synNames, v string) string { return "docker run --rm -e " + n.upper + "=" + v + " app:latest\n" }},
	{"docker run --env", "deploy.sh", func(n synNames, v string) string { return "docker run --env " + n.upper + "=" + v + " app:latest\n" }},
	{"docker run --env=", "deploy.sh", func(n synNames, v string) string { return "docker run --env=" + n.upper + "=" + v + " app:latest\n" }},
	{"helm --set", "deploy.sh", func(n synNames, v string) string {
		return "helm upgrade app ./chart --set app." + n.camel + "=" + v + "\n"
	}},
	{"powershell $env:", "deploy.ps1", func(n synNames, v string) string { return "$env:" + n.upper + ` = "` + v + "\"\n" }},
	{"cmd set", "deploy.bat", func(n synNames, v string) string { return "set " + n.upper + "=" + v + "\n" }},
	{"cmd setx", "deploy.bat", func(n synNames, v string) string { return "setx " + n.upper + " " + v + "\n" }},
	{"fish set -gx", "config.fish", func(n synNames, v string) string { return "set -gx " + n.upper + " " + v + "\n" }},
	{"dockerfile ENV", "Dockerfile", func(n synNames, v string) string { return "FROM alpine\nENV " + n.upper + " " + v + "\n" }},
	{"dockerfile ENV =", "Dockerfile", func(n synNames, v string) string { return "FROM alpine\nENV " + n.upper + "=" + v + "\n" }},
	{"dockerfile ENV pairs", "Dockerfile", func(n synNames, v string) string { return "FROM alpine\nENV PORT=80 " + n.upper + "=" + v + "\n" }},
	{"dockerfile ARG", "Dockerfile", func(n synNames, v string) string { return "FROM alpine\nARG " + n.upper + "=" + v + "\n" }},
	{"compose environment list", "docker-compose.yml", func(n synNames, v string) string {
		return "services:\n  app:\n    environment:\n      - " + n.upper + "=" + v + "\n"
	}},
	{"yaml", "app.yaml", func(n synNames, v string) string { return "app:\n  " + n.snake + ": " + v + "\n" }},
	{"yaml quoted", "app.yml", func(n synNames, v string) string { return "app:\n  " + n.snake + `: "` + v + "\"\n" }},
	{"yaml template", "app.yaml.j2", func(n synNames, v string) string { return "app:\n  " + n.snake + ": " + v + "\n" }},
	{"toml", "app.toml", func(n synNames, v string) string { return "[app]\n" + n.snake + ` = "` + v + "\"\n" }},
	{"ini", "app.ini", func(n synNames, v string) string { return "[app]\n" + n.snake + " = " + v + "\n" }},
	{"ini colon", "app.cfg", func(n synNames, v string) string { return "[app]\n" + n.snake + ": " + v + "\n" }},
	{"ini .conf", "app.conf", func(n synNames, v string) string { return "[app]\n" + n.snake + " = " + v + "\n" }},
	{"properties", "app.properties", func(n synNames, v string) string { return n.dotted + "=" + v + "\n" }},
	{"properties colon", "app.properties", func(n synNames, v string) string { return n.dotted + ": " + v + "\n" }},
	{"properties .sample", "app.properties.sample", func(n synNames, v string) string { return n.dotted + "=" + v + "\n" }},
	{"env .example", ".env.example", func(n synNames, v string) string { return n.upper + "=" + v + "\n" }},
	{"xml element", "app.xml", func(n synNames, v string) string {
		return "<config>\n  <" + n.camel + ">" + v + "</" + n.camel + ">\n</config>\n"
	}},
	{"xml element next line", "app.xml", func(n synNames, v string) string {
		return "<config>\n  <" + n.camel + ">\n    " + v + "\n  </" + n.camel + ">\n</config>\n"
	}},
	{"xml add value", "web.config", func(n synNames, v string) string {
		return "<appSettings>\n  <add key=\"" + n.pascal + `" value="` + v + "\" />\n</appSettings>\n"
	}},
	{"xml attribute", "app.xml", func(n synNames, v string) string { return `<connection host="db" ` + n.camel + `="` + v + "\" />\n" }},
	{"xml spring property", "beans.xml", func(n synNames, v string) string {
		return "<bean id=\"ds\" class=\"Pool\">\n  <property name=\"" + n.camel + `" value="` + v + "\"/>\n</bean>\n"
	}},
	{"json", "app.json", func(n synNames, v string) string { return "{\n  \"" + n.snake + `": "` + v + "\"\n}\n" }},
	{`json \"`, "app.json", func(n synNames, v string) string { return `{"body": "{\"` + n.snake + `\": \"` + v + `\"}"}` + "\n" }},
	{`json \n`, "app.json", func(n synNames, v string) string {
		return `{"app.env": "DEBUG=0\n` + n.upper + "=" + v + `\nPORT=80\n"}` + "\n"
	}},
	{`json \u0022`, "app.json", func(n synNames, v string) string {
		return `{"body": "{\u0022` + n.snake + `\u0022: \u0022` + v + `\u0022}"}` + "\n"
	}},
	{`json \uXXXX in the value`, "app.json", func(n synNames, v string) string {
		return `{"` + n.snake + `": "` + v[:8] + `\u0026` + v[8:] + `"}` + "\n"
	}},
	{`json \/ in the value`, "app.json", func(n synNames, v string) string {
		return `{"` + n.snake + `": "` + v[:8] + `\/` + v[8:] + `"}` + "\n"
	}},
	{"hcl", "main.tf", func(n synNames, v string) string {
		return "resource \"app\" \"main\" {\n  " + n.snake + ` = "` + v + "\"\n}\n"
	}},
	{"terraform variable default", "variables.tf", func(n synNames, v string) string {
		return "variable \"" + n.snake + "\" {\n  type = string\n  default = \"" + v + "\"\n}\n"
	}},
	{"logstash =>", "pipeline.conf", func(n synNames, v string) string {
		return "output {\n  http {\n    " + n.snake + ` => "` + v + "\"\n  }\n}\n"
	}},
	{"http header", "request.http", func(n synNames, v string) string {
		return "GET /v1/items HTTP/1.1\nHost: api.example.com\n" + n.header + ": " + v + "\n"
	}},
	{"curl -H", "call.sh", func(n synNames, v string) string {
		return `curl -H "` + n.header + ": " + v + "\" https://api.example.com/v1\n"
	}},
	{"url query", "notes.txt", func(n synNames, v string) string {
		return "https://api.example.com/v1/items?" + n.snake + "=" + v + "&page=2\n"
	}},
	// Syntax families found missing by a probe of real-world files.
	{"rust const &str", "main.rs", func(n synNames, v string) string { return "const " + n.upper + `: &str = "` + v + "\";\n" }},
	{"rust static &'static str", "main.rs", func(n synNames, v string) string {
		return "static " + n.upper + `: &'static str = "` + v + "\";\n"
	}},
	{"rust String::from", "main.rs", func(n synNames, v string) string {
		return "let " + n.snake + `: String = String::from("` + v + "\");\n"
	}},
	{"pydantic SecretStr", "settings.toml", func(n synNames, v string) string { return n.snake + ` = SecretStr("` + v + "\")\n" }},
	{"perl %ENV", "app.pl", func(n synNames, v string) string { return "$ENV{'" + n.upper + "'} = '" + v + "';\n" }},
	{"elixir env fallback", "runtime.exs", func(n synNames, v string) string {
		return "config :app, key: System.get_env(\"" + n.upper + `") || "` + v + "\"\n"
	}},
	{"php getenv ?:", "config.php", func(n synNames, v string) string {
		return "<?php\n$k = getenv('" + n.upper + "') ?: '" + v + "';\n"
	}},
	{"c# env ??", "Config.cs", func(n synNames, v string) string {
		return `var k = Environment.GetEnvironmentVariable("` + n.upper + `") ?? "` + v + "\";\n"
	}},
	{"kotlin env ?:", "Config.kt", func(n synNames, v string) string {
		return `val k = System.getenv("` + n.upper + `") ?: "` + v + "\"\n"
	}},
	{"ruby ENV.fetch block", "config.rb", func(n synNames, v string) string {
		return `k = ENV.fetch("` + n.upper + `") { "` + v + "\" }\n"
	}},
	{"rust unwrap_or", "main.rs", func(n synNames, v string) string {
		return `let k = env::var("` + n.upper + `").unwrap_or("` + v + "\".to_string());\n"
	}},
	{"erlang tuple", "sys.config", func(n synNames, v string) string { return "[{app, [{" + n.snake + `, "` + v + "\"}]}].\n" }},
	{"elixir tuple", "config.exs", func(n synNames, v string) string { return "[{:" + n.snake + `, "` + v + "\"}]\n" }},
	{"clojure keyword", "config.edn", func(n synNames, v string) string {
		return "{:" + strings.ReplaceAll(n.snake, "_", "-") + ` "` + v + "\"\n :port 80}\n"
	}},
	{"elixir module attribute", "client.ex", func(n synNames, v string) string { return "  @" + n.snake + ` "` + v + "\"\n" }},
	{"ruby symbol and value passed to set", "deploy.rb", func(n synNames, v string) string { return "set :" + n.snake + `, "` + v + "\"\n" }},
	{"ruby symbols and value passed to a call", "sorcery.rb", func(n synNames, v string) string {
		return "config_property_set(:acme, :" + n.snake + ", '" + v + "')\n"
	}},
	{"clojure def", "config.clj", func(n synNames, v string) string {
		return "(def " + strings.ReplaceAll(n.snake, "_", "-") + ` "` + v + "\")\n"
	}},
	{"emacs lisp setq", "init.el", func(n synNames, v string) string {
		return "(setq " + strings.ReplaceAll(n.snake, "_", "-") + ` "` + v + "\")\n"
	}},
	{"common lisp defparameter", "config.lisp", func(n synNames, v string) string {
		return "(defparameter *" + strings.ReplaceAll(n.snake, "_", "-") + `* "` + v + "\")\n"
	}},
	{"nginx proxy_set_header", "nginx.conf", func(n synNames, v string) string {
		return "location / {\n    proxy_set_header " + n.header + " " + v + ";\n}\n"
	}},
	{"apache RequestHeader set", "httpd.conf", func(n synNames, v string) string {
		return "RequestHeader set " + n.header + ` "` + v + "\"\n"
	}},
	{"cmd setx /M", "deploy.bat", func(n synNames, v string) string { return "setx /M " + n.upper + " " + v + "\n" }},
	{"nginx fastcgi_param", "nginx.conf", func(n synNames, v string) string {
		return "location ~ \\.php$ {\n    fastcgi_param " + n.upper + " " + v + ";\n}\n"
	}},
	{"rpm spec %global", "app.spec", func(n synNames, v string) string { return "Name: app\n%global " + n.snake + " " + v + "\n" }},
	{"rpm spec %define", "app.spec", func(n synNames, v string) string { return "%define " + n.upper + " " + v + "\n" }},
	{"perl hash element", "config.pl", func(n synNames, v string) string { return "$config{" + n.snake + "} = \"" + v + "\";\n" }},
	{"perl hash reference", "Config.pm", func(n synNames, v string) string { return "$self->{" + n.snake + "} = '" + v + "';\n" }},
	{"php property, aligned", "config.php", func(n synNames, v string) string {
		return "<?php\n$CFG->dbhost    = 'localhost';\n$CFG->" + n.snake + "    = '" + v + "';\n"
	}},
	{"yaml block scalar |", "app.yml", func(n synNames, v string) string { return "app:\n  " + n.snake + ": |\n    " + v + "\n" }},
	{"yaml block scalar >-", "app.yml", func(n synNames, v string) string { return n.snake + ": >-\n  " + v + "\n" }},
	{"json name/value on two lines", "task.json", func(n synNames, v string) string {
		return "{\n    \"name\": \"" + n.snake + "\",\n    \"value\": \"" + v + "\"\n}\n"
	}},
	{"toml triple quotes", "app.toml", func(n synNames, v string) string { return "[app]\n" + n.snake + ` = """` + v + "\"\"\"\n" }},
	{"properties, white space", "app.properties", func(n synNames, v string) string { return n.dotted + " " + v + "\n" }},
	{"conf directive", "app.conf", func(n synNames, v string) string { return "bind 127.0.0.1\n" + n.snake + " " + v + "\n" }},
	{"csv row", "secrets.csv", func(n synNames, v string) string { return "name,value\n" + n.snake + "," + v + "\n" }},
	{"csv row, more fields", "secrets.csv", func(n synNames, v string) string { return n.snake + "," + v + ",prod\n" }},
	{"markdown table row", "README.md", func(n synNames, v string) string {
		return "| Name | Value |\n|------|-------|\n| " + n.upper + " | " + v + " |\n"
	}},
	{"markdown table row, code spans", "README.md", func(n synNames, v string) string {
		return "| Variable | Value |\n| --- | --- |\n| `" + n.snake + "` | `" + v + "` |\n"
	}},
	{"markdown table row, bold name", "ACCOUNTS.md", func(n synNames, v string) string {
		return "| | |\n|---|---|\n| **" + n.pascal + "** | " + v + " |\n"
	}},
	// A CSV row of a camelCase name and its value (deployKey,...).
	{"csv row, camelCase", "secrets.csv", func(n synNames, v string) string { return n.camel + "," + v + "\n" }},
	// Tables whose header names the value's column (see table.go).
	{"csv header", "accounts.csv", func(n synNames, v string) string {
		return "service,user," + n.snake + ",host\nbilling,svc," + v + ",db1\nsearch,idx,,db2\n"
	}},
	{"csv header, quoted cells", "accounts.csv", func(n synNames, v string) string {
		return "\"service\",\"" + n.pascal + "\"\n\"billing, eu\",\"" + v + "\"\n"
	}},
	{"tsv header", "accounts.tsv", func(n synNames, v string) string { return "user\t" + n.upper + "\nsvc\t" + v + "\n" }},
	{"markdown header", "README.md", func(n synNames, v string) string {
		return "Accounts:\n\n| Service | " + n.pascal + " | Notes |\n|:--|:--|--|\n| search | | none |\n| billing | `" + v + "` | rotated |\n"
	}},
	{"confluence header", "page.txt", func(n synNames, v string) string {
		return "||Service||" + n.upper + "||\n|billing|" + v + "|\n"
	}},
	{"markdown row, three cells", "README.md", func(n synNames, v string) string {
		return "| Name | Env | Value |\n|---|---|---|\n| " + n.upper + " | prod | " + v + " |\n"
	}},
}

// secretText is a text with the secret a scan must find in it.
type secretText struct{ name, file, text, secret string }

// commandLines are the command lines of item 3, and a few more shapes.
func commandLines() []secretText {
	p, v := synGeneric, synVendor
	dotted := "." + "eTE1ZMmoAq2kZIFy3u2QzP8yxvajM" + ".F"
	basic := base64.StdEncoding.EncodeToString([]byte("deploy:" + p))
	return []secretText{
		{"Authorization: Bearer", "request.http", "GET / HTTP/1.1\nAuthorization: Bearer " + v + "\n", v},
		{"Authorization: Basic", "request.http", "GET / HTTP/1.1\nAuthorization: Basic " + basic + "\n", p},
		{"authorization: token", "request.http", "GET / HTTP/1.1\nauthorization: token " + v + "\n", v},
		{"X-Api-Key", "request.http", "GET / HTTP/1.1\nX-Api-Key: " + v + "\n", v},
		{"X-Acme-Token", "request.http", "GET / HTTP/1.1\nX-Acme-Token: " + v + "\n", v},
		{"x-auth-token", "request.http", "GET / HTTP/1.1\nx-auth-token: " + v + "\n", v},
		{"Private-Token", "request.http", "GET / HTTP/1.1\nPrivate-Token: " + v + "\n", v},
		{"curl -H Authorization", "call.sh", `curl -H "Authorization: Bearer ` + v + "\" https://api.example.com\n", v},
		{"curl -H X-Api-Key", "call.sh", "curl -H 'X-Api-Key: " + v + "' https://api.example.com\n", v},
		{"URL credentials", "notes.txt", "git clone https://deploy:" + p + "@git.example.org/team/app.git\n", p},
		{"database URL", "notes.txt", "DATABASE_URL=postgres://app:" + p + "@db.internal:5432/app\n", p},
		{"curl -u", "call.sh", "curl -u deploy:" + p + " https://ci.example.org/api\n", p},
		{"curl --user", "call.sh", "curl --user 'deploy:" + p + "' https://ci.example.org/api\n", p},
		{"wget --password=", "fetch.sh", "wget --user=deploy --password=" + p + " https://files.example.org/a.tgz\n", p},
		{"wget --password", "fetch.sh", "wget --user deploy --password " + p + " https://files.example.org/a.tgz\n", p},
		{"sshpass -p", "deploy.sh", "sshpass -p " + p + " ssh deploy@host\n", p},
		{"pulumi config set --secret", "bootstrap.sh", "pulumi config set --secret dbPassword " + p + "\n", p},
		{"dotnet user-secrets set", "setup.ps1", `dotnet user-secrets set "Acme:ApiToken" "` + v + "\"\n", v},
		{"composer github-oauth", "ci.sh", "composer config --global github-oauth.github.com " + v + "\n", v},
		{"poetry pypi-token", "release.sh", "poetry config pypi-token.pypi " + v + "\n", v},
		{"composer http-basic", "ci.sh", "composer config http-basic.repo.example.org deploy " + p + "\n", p},
		{"cargo login", "publish.sh", "cargo login " + v + "\n", v},
		{"ngrok authtoken", "README.md", "ngrok config add-authtoken " + v + "\n", v},
		{"gh auth login here-string", "login.sh", "gh auth login --with-token <<< " + v + "\n", v},
		{"sshpass, quoted", "deploy.sh", "sshpass -p " + singleQuoted(p) + " ssh deploy@host\n", p},
		{"mysql -p", "db.sh", "mysql -u root -p" + p + " shop < dump.sql\n", p},
		{"mysql -p quoted", "db.sh", "mysql -uroot -p'" + p + "' shop\n", p},
		{"mysql --password=", "db.sh", "mysql --user=root --password=" + p + " shop\n", p},
		{"mysqldump -p", "db.sh", "mysqldump -uroot -p" + p + " shop > dump.sql\n", p},
		{"PGPASSWORD=", "db.sh", "PGPASSWORD=" + p + " psql -h db -U app app\n", p},
		{"export PGPASSWORD", "db.sh", "export PGPASSWORD=" + p + "\n", p},
		{"mongo -p", "db.sh", "mongo admin -u root -p " + p + " --host db\n", p},
		{"mongosh -p", "db.sh", "mongosh mongodb://db:27017 -u root -p " + p + "\n", p},
		{"mongosh --password", "db.sh", "mongosh --username root --password " + p + " db\n", p},
		{"redis-cli -a", "cache.sh", "redis-cli -h cache -a " + p + " ping\n", p},
		{"redis-cli --pass", "cache.sh", "redis-cli --pass " + p + " -h cache ping\n", p},
		{"redis-cli -u", "cache.sh", "redis-cli -u redis://:" + p + "@cache:6379/0 ping\n", p},
		{"docker login -p", "login.sh", "docker login -u deploy -p " + p + " registry.example.org\n", p},
		{"docker login --password", "login.sh", "docker login --username deploy --password " + p + " registry.example.org\n", p},
		{"docker login --password-stdin", "login.sh", "echo " + p + " | docker login -u deploy --password-stdin registry.example.org\n", p},
		{"printf into --password-stdin", "login.sh", "printf '%s' " + singleQuoted(p) + " | helm registry login ghcr.io -u deploy --password-stdin\n", p},
		{"smbclient -U user%pass", "mount.sh", "smbclient //fs01/share -U deploy%" + p + "\n", p},
		{"smbclient -U domain", "mount.sh", `smbclient -U 'CORP\deploy%` + p + "' //fs01/share\n", p},
		{"smbclient password argument", "mount.sh", "smbclient //fs01/share " + p + " -U deploy\n", p},
		{"psexec -p", "run.bat", `psexec \\srv01 -u CORP\svc -p ` + p + " cmd.exe\n", p},
		{"net use", "run.bat", `net use Z: \\fs01\share ` + p + ` /user:CORP\svc` + "\n", p},
		{"net use, user first", "run.bat", `net use Z: \\fs01\share /user:CORP\svc ` + p + "\n", p},
		{"java builder", "App.java", "DataSource ds = DataSourceBuilder.create()\n    .url(url)\n    .password(\"" + p + "\")\n    .build();\n", p},
		{"SQL IDENTIFIED BY", "init.sql", "CREATE USER 'app'@'%' IDENTIFIED BY " + singleQuoted(p) + ";\n", p},
		{"SQL PASSWORD", "init.sql", "CREATE ROLE app WITH LOGIN PASSWORD " + singleQuoted(p) + ";\n", p},
		{"SQL WITH PASSWORD =", "init.sql", "CREATE LOGIN app WITH PASSWORD = " + singleQuoted(p) + ", CHECK_POLICY = OFF;\n", p},
		{"htpasswd -b", "users.sh", "htpasswd -b -c /etc/nginx/.htpasswd admin " + p + "\n", p},
		{"htpasswd -bc", "users.sh", "htpasswd -bc /etc/nginx/.htpasswd admin " + p + "\n", p},
		// A value that begins with a dot and holds another is no CSS
		// selector when its names hold digits or capitals in a row.
		{"a dotted value", "recording.json", `{"PreSharedKey": "` + dotted + `"}` + "\n", dotted},
		// A list's first element and its second are a pair; a flag in a
		// list of arguments takes the next.
		{"a pair in a list", "pairs.json", `{"pair": ["api_token", "` + p + `"]}` + "\n", p},
		{"a flag in a list of arguments", "pod.json", `{"args": ["serve", "--api-token", "` + p + `", "-v"]}` + "\n", p},
	}
}

// singleQuoted returns s in single quotes (written so, the self-scan sees
// no quoted value after a flag in this file).
func singleQuoted(s string) string { return "'" + s + "'" }

// credentialStores are the stores of item 5, by their own file names; a
// secret of "" wants any finding (a hash, a token file).
func credentialStores() []secretText {
	p, v, k, w := synGeneric, synVendor, synGeneric2, synWeak
	var obf strings.Builder // a JetBrains-style obfuscated password: its shape, not its cipher
	for _, c := range p {
		fmt.Fprintf(&obf, "%x", c^0xdfaa)
	}
	auth := func(pw string) string { return base64.StdEncoding.EncodeToString([]byte("deploy:" + pw)) }
	fileZilla := func(pw string) string {
		return "<FileZilla3>\n <RecentServers>\n  <Server>\n   <Host>ftp.example.org</Host>\n   <User>deploy</User>\n   <Pa" + "ss>" + pw + "</Pass>\n  </Server>\n </RecentServers>\n</FileZilla3>\n"
	}
	hash := "Kp9Lm2Qx$" + strings.Repeat(p+k, 3)
	winSCP := strings.ToUpper(fmt.Sprintf("A35C%x", p+k)) // the shape of WinSCP's obfuscation: hex digits
	crypt := func(id string) string { return "$" + id + "$" + "Kp9Lm2Qx" + "$" + p + k[:6] }
	return []secretText{
		{"JetBrains webServers.xml", ".idea/webServers.xml", "<project version=\"4\">\n  <component name=\"WebServers\">\n    <option name=\"servers\">\n      <webServer id=\"1\" name=\"prod\">\n        <fileTransfer host=\"ftp.example.org\" port=\"21\" accessType=\"FTP\">\n          <option name=\"login\" value=\"deploy\" />\n          <option name=\"password\" value=\"" + obf.String() + "\" />\n        </fileTransfer>\n      </webServer>\n    </option>\n  </component>\n</project>\n", obf.String()},
		{"FileZilla sitemanager.xml", "sitemanager.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3>\n  <Servers>\n    <Server>\n      <Host>ftp.example.org</Host>\n      <User>deploy</User>\n      <Pass encoding=\"base64\">" + base64.StdEncoding.EncodeToString([]byte(p)) + "</Pass>\n    </Server>\n  </Servers>\n</FileZilla3>\n", p},
		{"FileZilla recentservers.xml", "recentservers.xml", fileZilla(p), p},
		{"FileZilla, weak", "recentservers.xml", fileZilla(w), w},
		{"WinSCP.ini", "WinSCP.ini", "[Sessions\\deploy@host]\nHostName=host.example.org\nUserName=deploy\nPassword=" + winSCP + "\n", winSCP},
		{"DBeaver data-sources.json", ".dbeaver/data-sources.json", "{\n  \"connections\": {\n    \"postgres-1\": {\n      \"provider\": \"postgresql\",\n      \"configuration\": {\n        \"host\": \"db.example.org\",\n        \"user\": \"app\",\n        \"password\": \"" + p + "\"\n      }\n    }\n  }\n}\n", p},
		{"DBeaver, weak", ".dbeaver/data-sources.json", `{"connections": {"postgres-1": {"configuration": {"host": "db", "user": "app", "password": "` + w + "\"}}}}\n", w},
		{"Robo 3T", "robo3t.json", "{\n  \"connections\": [{\n    \"serverHost\": \"db.example.org\",\n    \"credentials\": [{\n      \"userName\": \"admin\",\n      \"userPassword\": \"" + p + "\",\n      \"databaseName\": \"admin\"\n    }]\n  }]\n}\n", p},
		{"Robo 3T, weak", ".3T/robo-3t/1.4.4/robo3t.json", `{"connections": [{"credentials": [{"userName": "admin", "userPassword": "` + w + "\"}]}]}\n", w},
		{"SQL Developer", "connections.json", `{"connections":[{"name":"prod","type":"jdbc","info":{"hostname":"db.example.org","user":"app","password":"` + p + "\"}}]}\n", p},
		{"VS Code SFTP", ".vscode/sftp.json", "{\n  \"name\": \"prod\",\n  \"host\": \"host.example.org\",\n  \"protocol\": \"sftp\",\n  \"username\": \"deploy\",\n  \"password\": \"" + p + "\"\n}\n", p},
		{"VS Code SFTP, weak", ".vscode/sftp.json", `{"host": "h.example.org", "username": "deploy", "password": "` + w + "\"}\n", w},
		{"Sublime SFTP", "sftp-config.json", "{\n    \"type\": \"sftp\",\n    \"host\": \"host.example.org\",\n    \"user\": \"deploy\",\n    \"password\": \"" + p + "\",\n    \"remote_path\": \"/srv/app\"\n}\n", p},
		{"msmtprc", ".msmtprc", "account default\nhost smtp.example.org\nuser deploy@example.org\npassword " + p + "\n", p},
		{"msmtprc, weak", ".msmtprc", "account default\nhost smtp.example.org\nuser deploy@example.org\npassword " + w + "\n", w},
		{"fetchmailrc", ".fetchmailrc", "poll mail.example.org protocol imap user 'deploy' password '" + p + "'\n", p},
		{"muttrc", ".muttrc", `set imap_pass = "` + p + "\"\nset smtp_url = \"smtp://deploy@smtp.example.org\"\n", p},
		{"esmtprc", ".esmtprc", "hostname = smtp.example.org:587\nusername = deploy\npassword = " + p + "\n", p},
		{"shadow line in any file", "backup/users.txt", "root:" + "$6$" + hash + ":19000:0:99999:7:::\n", ""},
		{"htpasswd", "users.htpasswd", "admin:" + crypt("apr1") + "\n", ""},
		{"ProFTPD passwd", "ftpd.passwd", "deploy:" + crypt("1") + ":2001:2001::/srv/ftp:/bin/false\n", ""},
		{"AWS CLI, not AWS-shaped", ".aws/credentials", "[default]\naws_access_key_id = DEPLOYKEYEXAMPLE01\naws_secret_access_key = " + k + "\n", k},
		{"AWS CLI, any file name", "backup/credentials", "[prod]\naws_access_key_id = DEPLOYKEYEXAMPLE01\naws_secret_access_key = " + k + "\n", k},
		{"AWS CLI, weak", ".aws/credentials", "[default]\naws_access_key_id = test\naws_secret_access_key = " + w + "\n", w},
		{"gcloud application default credentials", ".config/gcloud/application_default_credentials.json", "{\n  \"client_id\": \"123456789012-abcdefghijklmnop.apps.googleusercontent.com\",\n  \"client_secret\": \"" + k + "\",\n  \"refresh_token\": \"1//" + v + k + "\",\n  \"type\": \"authorized_user\"\n}\n", ""},
		{"Azure CLI accessTokens.json", ".azure/accessTokens.json", `[{"tokenType": "Bearer", "expiresIn": 3599, "accessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuZXhhbXBsZSJ9.` + v + k + `", "refreshToken": "` + v + k + p + "\"}]\n", ""},
		{".git-credentials", ".git-credentials", "https://deploy:" + p + "@git.example.org\n", p},
		{".git-credentials, port and path", ".git-credentials", "https://deploy:" + p + "@git.example.org:8443/team/app.git\n", p},
		{".git-credentials, encoded user", ".git-credentials", "https://deploy%40corp.example:" + p + "@git.example.org\n", p},
		{".git-credentials, http and an address", ".git-credentials", "http://deploy:" + p + "@10.0.0.5:3000\n", p},
		{".git-credentials, token only", ".git-credentials", "https://" + v + "@git.example.org\n", v},
		{".git-credentials, oauth2", ".git-credentials", "https://oauth2:" + v + "@gitlab.example.org\n", v},
		{".git-credentials, weak", ".git-credentials", "https://deploy:" + w + "@git.example.org\n", w},
		{".pgpass line in any file", "notes/db.txt", "# replica\ndb.internal:5432:app:app_rw:" + p + "\n", p},
		{".pgpass wildcards in a script", "provision.sh", "cat > ~/.pgpass <<EOF\n*:*:*:replicator:" + p + "\nEOF\n", p},
		{"docker config.json", ".docker/config.json", "{\n  \"auths\": {\n    \"registry.example.org\": {\n      \"auth\": \"" + auth(p) + "\"\n    }\n  }\n}\n", p},
		{"docker config, any file name", "ci/registry-auth.json", `{"auths":{"https://index.docker.io/v1/":{"auth":"` + auth(p) + "\"}}}\n", p},
		{"docker config, weak", ".docker/config.json", `{"auths":{"registry.example.org":{"auth":"` + auth(w) + "\"}}}\n", w},
	}
}

// hardNegatives are item 7's: placeholders in markup, names that only
// contain a secret word, documentation URLs, and code in C#, fish and cmd
// that names a secret without holding one.
func hardNegatives() []secretText {
	v := synVendor
	return []secretText{
		{"<<NAME>>", "setup.txt", "ACME_API_TOKEN=<<ACME_API_TOKEN>>\npassword: <<PASSWORD>>\n", ""},
		{"<xsd:string>", "schema.xml", "<xs:element name=\"password\" type=\"xsd:string\"/>\n<password><xsd:string></password>\n<password>\n  <xsd:string>\n</password>\n", ""},
		// <password> assigned to a key is a placeholder, not an element:
		// the next line's key and value are not its text.
		{"Key=<password>", "web01.xsh", "Password=<password>\nServer=sql01.corp.internal\npassword: <password>\nport: 5432\n", ""},
		{"[PASSWORD]", "setup.txt", "password=[PASSWORD]\nACME_API_TOKEN: [API_TOKEN]\n", ""},
		// A local tag's value names another: CloudFormation's !Ref (a
		// logical id as random as a key, so that only the tag decides).
		{"yaml local tag", "template.yml", "MasterUserPassword: !Ref DatabasePasswordParam\nApiToken: !Ref " + v + "\n", ""},
		{"<user:password>", "setup.md", "Use https://<user:password>@host/ or --user <user:password>\ncurl -u <user:password> https://api.example.com\n", ""},
		{"nonMatchingToken", "auth.js", "const nonMatchingToken = \"" + v + "\";\nnonMatchingToken: " + v + "\n", ""},
		{"GIT_AUTHOR_EMAIL", "release.sh", "GIT_AUTHOR_EMAIL=" + v + "\nexport GIT_AUTHOR_EMAIL=dev@example.org\n", ""},
		{"documentation URLs", "setup.md", "password: https://docs.example.com/app/passwords\nACME_API_TOKEN=https://acme.example.com/docs/api-tokens\nsecret_key: https://developer.example.org/docs/authentication#secret-keys\n", ""},
		{"c# properties", "Options.cs", "public string Password { get; set; } = DefaultPassword;\npublic string ApiToken { get; set; } = string.Empty;\npublic string ClientSecret { get; init; } = null!;\npublic string Token { get; private set; } = \"\";\n", ""},
		{"fish", "config.fish", "set -gx EDITOR vim\nset -e GITHUB_TOKEN\nset -gx GITHUB_TOKEN (cat ~/.config/gh/token)\nset -gx API_TOKEN $API_TOKEN_FROM_VAULT\nset -x PASSWORD_STORE_DIR ~/.password-store\n", ""},
		// A name before a literal that does not end the line opens a
		// block or is prose; a single quote after a C array's "=" is not a
		// string.
		// A brace after a name opens a block or a type's literal unless
		// a quote follows: C# accessors, a Go composite literal of a
		// type named so.
		{"brace without a literal", "Config.cs", "public string Password { get; set; }\ntok := Token{Value: " + v + "}\nkey := ApiKey{" + v + "}\nclass ApiKey {\n  " + v + "\n}\n", ""},
		{"not a command's argument", "vault.hcl", "secret \"" + v + "\" {\n  path = \"kv\"\n}\nthe password \"" + v + "\" was rotated\nchar db_pass[] = '" + v + "';\n", ""},
		// A macro defined as another names code.
		{"#define of a macro", "module.c", "#define __pyx_n_s_api_key __pyx_mstate_global->__pyx_n_s_api_key\n#define DB_PASSWORD_LEN 64\n", ""},
		// A getter's or a check's argument is a lookup key or a value
		// under test, not a secret.
		{"getters and checks", "Auth.java", "String p = config.getPassword(\"" + v + "\");\nif (!user.checkPassword(\"" + v + "\")) {}\nvalueFrom:\n  - name: API_TOKEN\n    valueFrom: " + v + "\n", ""},
		{"cmd setx", "env.bat", "setx API_TOKEN %TOKEN%\nsetx PASSWORD_FILE C:\\secrets\\pw.txt\nsetx /M DB_PASSWORD \"%DB_PASSWORD%\"\n", ""},
		// Escapes of letters beyond ASCII are words in another language
		// (Python's json writes them so).
		// A line that begins with a secret word and one more word is
		// prose or a CSV header; a fallback that is a variable, a header
		// set from a variable and a block scalar that holds a template
		// hold no secret.
		{"prose lines", "notes.txt", "Password combination.\ntoken expired\nsecret sauce\npassword,username,email\napi_key,string,required\n", ""},
		// Symfony's environment processors and a call in a string name
		// where the value comes from.
		{"symfony env and calls", "services.yaml", "database_password: '%env(resolve:DATABASE_PASSWORD)%'\napi_token: \"%env(API_TOKEN)%\"\nvar password = \"session.fetchSecret()\";\n", ""},
		// A list under a secret's name that holds names, rules or words
		// holds no secret.
		{"lists of names and rules", "values.yaml", "imagePullSecrets:\n  - name: regcred\nsecrets:\n  - DB_PASSWORD\n  - API_TOKEN\n", ""},
		{"arrays of words", "rules.json", `{"password": ["required", "min:8"], "tokens": ["the", "of"]}` + "\n", ""},
		// A directory's record of when a password was last set, the
		// owners of keys and a translated description hold none either.
		{"timestamps, owners, translations", "fixtures.json", "{\"pwdLastSet\": [\n    \"132188785595000242\"\n]}\nssh_keys:\n  - ci@build.hetzner.cloud\ngitlab_deploy_key - \u65e2\u5b58\u306e\u9375\u30bf\u30a4\u30c8\u30eb\uff08https://github.com/acme/app/pull/1661\uff09\n", ""},
		// A dash in a list of options begins the option's description.
		{"options described after a dash", "README.md", "- api_key - Your Acme API key\n- password - required\n- token - see `acme login`\n- auth - basic\n", ""},
		{"fallback variables", "config.php", "<?php\n$key = getenv('API_KEY') ?: $defaultKey;\nval token = System.getenv(\"API_TOKEN\") ?: defaultToken\n", ""},
		// A macro or a parameter set from another holds no secret.
		// A shell's or a template's expansion in braces is no hash
		// element: nothing is assigned to it.
		{"expansions in braces", "deploy.sh", "curl -u \"${API_USER}:${API_TOKEN}\" https://api.example.com/\nDSN=\"postgres://{user}:{password}@db/app\"\necho \"${DB_PASSWORD}\" | psql\n", ""},
		{"template fields in braces", "security.tmpl", "<code>git clone https://{token}:x-oauth-basic@git.example.com/user/repo.git</code>\n", ""},
		{"macros and parameters from variables", "app.spec", "%global api_token %{getenv:API_TOKEN}\nfastcgi_param DB_PASSWORD $db_password;\n", ""},
		{"header variables", "nginx.conf", "proxy_set_header Authorization $http_authorization;\nproxy_set_header X-Api-Key $api_key;\nRequestHeader set X-Auth-Token \"%{TOKEN}e\"\n", ""},
		{"block scalar templates", "values.yaml", "password: |\n  {{ .Values.password }}\napi_token: >-\n  ${API_TOKEN}\n", ""},
		// A table's cell of prose or a type describes the variable; a
		// .pgpass line of placeholders or a variable echoed into a login
		// holds no password.
		{"markdown tables of descriptions", "README.md", "| Variable | Value |\n|---|---|\n| API_TOKEN | Your Acme API token |\n| password | string |\n| `SECRET_KEY` | `<your secret key>` |\n", ""},
		{".pgpass templates", "setup.md", "hostname:5432:database:username:password\n*:*:*:postgres:$PGPASSWORD\n", ""},
		{"--password-stdin from a variable", "login.sh", "echo $CR_PAT | docker login ghcr.io -u deploy --password-stdin\necho \"${REGISTRY_TOKEN}\" | podman login -u ci --password-stdin quay.io\n", ""},
		// A table's column whose header names a secret holds its
		// descriptions, identifiers or placeholders; a column whose header
		// names none holds what it likes.
		{"tables of descriptions", "keys.csv", "id,key,value\n1,welcome_message,Hello\n2,app.title," + v + "\n", ""},
		{"markdown header of descriptions", "README.md", "| Token | Scope | Expiry |\n|---|---|---|\n| read_only | repo | never |\n| `<your token>` | admin | 90 days |\n", ""},
		{"confluence header of placeholders", "page.txt", "||Host||Password||\n|db1|changeme|\n|db2|********|\n", ""},
		{"translations", "es.json", `{"password": "Contrase\u00f1a"}` + "\n" + `{"password_hint": "Escriba su contrase\u00f1a"}` + "\n", ""},
		// What follows a name that says secret on a command line or in a
		// script is the next option, a PowerShell command the value comes
		// from, or a class's base type.
		{"a namespace's qualifier", "win_regedit.ps1", "$registryData = Get-Attr -obj $params -name \"data\" -default $null\n\n$registryKey = \"Registry::\" + $registryKey\n", ""},
		{"identifiers with acronyms", "atomiadns", "    convert = {\n        'account': 'AddAccount',\n        'dnssec_key': 'AddDNSSECKey',\n    }\n", ""},
		{"options, commands and types", "setup.ps1", "Stop-Service -Name svc -PassThru -ErrorAction Stop\n$cred = Create-PSCredential $admin_user $admin_password\n$username = Get-AnsibleParam $params \"username\"\n$password = Get-AnsibleParam $params \"password\"\npublic class AccessToken : IDisposable\n$guid_key = \"InterfaceGUID\"\n", ""},
		{"the next option", "completions/tool", "      --syntax-check --verbose --ask-pass --ask-become-pass'\n", ""},
		// A module's next name=value argument, a macro, a path where the
		// secret is kept, code that reads it, a linter's rule key.
		{"module arguments and macros", "tasks.txt", "- apt_key: id=473041FA url=https://keys.example.org/archive.asc state=present\nuri: url=https://jira.example.org/rest/api/2/issue/ user=deploy password=your_pass body='$FILE(issue.json)' force_basic_auth=yes\n", ""},
		// Literals joined by "+" that make a URL, a phrase, a word or a
		// template, or that are joined to a variable.
		// A docstring's arguments, their types in parentheses, and notes
		// whose qualified labels hold placeholders.
		{"qualified labels", "client.py", "def connect(password, api_key):\n    \"\"\"Connect.\n\n    Args:\n        password (str): The password to use for the connection.\n        api_key (str): Authentication_credential_for_the_API.\n        secret_key (bytes): SecretKeyUsedToSignCookies\n    \"\"\"\n# API key (required): your_api_key_here\n# Password (optional): leave-blank-to-generate\n# Secret (v2): ${SECRET_V2}\n", ""},
		// Literals side by side that a shell's command or array holds
		// are its arguments; a message wrapped in parentheses is no
		// value; an HCL map's entries, one a line, are not one string.
		{"literals side by side", "build.sh", "ARGS=(\n  \"--user\"\n  \"admin\"\n)\necho \"token\" \"expired\"\nmsg = (\"Hello, \"\n       \"world\")\ntags = {\n  \"Name\" = \"web\"\n  \"Team\" = \"ops\"\n}\npassword = \"\"\"\"\"\"\n", ""},
		{"concatenations", "app.js", "const url = \"https://\" + \"api.example.com/v1\";\nconst greeting = \"Hello, \" + 'world';\nvar password = \"pass\" + \"word\";\nconst token = \"Bearer \" + accessToken;\nconst apiKey = \"https://api.example.com/\" +\n    \"v1/keys\";\nlet apiKey = `${prefix}` + \"_key\";\ncount += \"1\" + \"2\";\n", ""},
		{"paths of keys and lookups", "vars.yml", "{\n  \"private_key\": \"/home/dev/workspace/AP-15905/.vagrant/machines/default/virtualbox/private_key\",\n}\nrds_db_master_password: \"{{ lookup('password', '/dev/null chars=ascii_letters,digits') }}\"\n    password1: \"{{ lookup('password', '/dev/null length=20') }}\"\n", ""},
		{"paths and code", "inventory.py", "        \"password\": \"/disk-key\"\n    SET_CREDS = \"/phoenix/rest/deviceMon/updateCredential\"\n    OS_PASSWORD=os.environ.get('OS_PASSWORD', None)\n    conn = connect(aws_access_key_id=role.credentials.access_key,\n        aws_secret_access_key=assumedRoleObject.credentials.secret_key)\n", ""},
		// A URL's password is judged as it decodes: a placeholder in
		// braces, or punctuation that a test of URL encoding writes.
		{"percent-encoded placeholders", "report.xml", "<testcase name=\"test_url[http://user:%25%21%2A%27%28%29%3B%3A%40%26@host]\"/>\nurl: \"https://user:%7BENCODED_PASSWORD%7D@registry.example.org\"\n", ""},
		// A bundle's lists of module names: later elements of a list, or
		// the first of three or more, are no name and its value.
		{"lists of module names", "bundle.json", `{"m":["Logging","WAGetIdentityKeys","WASendMsgUtilV2","WARequestPreKeyDigest"]},` + "\n" + `{"r":["FBSessionToken","WARotateSignedKey","WAFetchBackupIds"]}` + "\n" + `{"x":["Logging","EBAddDeviceWithKeys","EBFetchBackupIdz","Ping"]}` + "\n", ""},
		// A command's output, a CSS selector, a regex's any-run, a
		// Python type in a string, a file's path, a variable set to a
		// path and members in minified code hold no secret; nor does a name whose last part says it names an
		// attribute.
		{"command output", "Makefile", "test:\n\tsed -i \"s/SECRET_KEY = ''/SECRET_KEY = '$(shell openssl rand -hex 32)'/\" settings.py\nSUPERUSER_API_TOKEN=\"$(< /run/secrets/superuser_api_token)\"\n", ""},
		{"selectors and minified members", "app.js", "var pw=\".carousel-item-next, .carousel-item-prev\";\nvar pw=\".flatpickr-calendar.centerMost:after\";\nju.Token=ju.Location=void 0;\nevent.metaKey = !!event.metaKey;\n", ""},
		{"regexes, types, paths", "ci.sh", "sed -i -e \"s/SECRET_KEY = .*/SECRET_KEY = 'x'/g\" configuration.py\ndef get_dsn(secret_key: \"Optional[str]\" = None):\n  CODEQL_ACTION_ANALYSIS_KEY: \".github/workflows/codeql.yml:analyze\"\n", ""},
		{"tox setenv", "tox.ini", "[testenv]\nsetenv =\n    langchain-notiktoken: TESTPATH=tests/integrations/langchain\n", ""},
		{"attributes", "settings.py", "AUTH_LDAP_USER_SEARCH_ATTR = os.environ.get('AUTH_LDAP_USER_SEARCH_ATTR', 'sAMAccountName')\n", ""},
		// An import's commas are no CSV header's: the lines below it
		// with as many commas are code.
		{"an import read as a CSV header", "auth_backend.py", "from ..account.models import User\nfrom .jwt import get_token_from_request, get_user_from_token\n\n\nclass JSONWebTokenBackend:\n    def get_user(self, user_id):\n        return None\n", ""},
		// A CSRF token's field and a part that says fake before its
		// secret word name no secret.
		{"csrf fields", "form.html", "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"" + v + "\">\n<input type=\"hidden\" name=\"csrftoken\" value=\"" + v + "\">\nvar faketoken = \"" + v + "\";\n", ""},
		// A duration, names joined by tildes and a GraphQL field's type
		// are no values.
		{"durations", "settings.py", "RESET_PASSWORD_LOCK_TIME = os.environ.get(\"RESET_PASSWORD_LOCK_TIME\", \"15 minutes\")\n", ""},
		{"tilde lists", "address.json", "{\"key\": \"AU\", \"sub_keys\": \"ACT~NSW~NT~QLD~SA~TAS~VIC~WA\"}\n{\"key\": \"KN\", \"sub_keys\": \"Nevis~St. Kitts\"}\n", ""},
		// A library's internal property names, a bundler's module path
		// and a JSON pointer are no values.
		{"bundled libraries", "vendor.js", "var internalInstanceKey = '__reactInternalInstance$' + randomKey;\nvar fragmentKey = '_reactFragment';\nvar valueContextKey = '__ReactDOMSelect_value$';\n{\"./$.own-keys\":\"/Users/dev/sites/app/node_modules/core-js/modules/$.own-keys.js\"}\n", ""},
		{"json pointers", "openapi.json", "{\"tests.SecretPage\": \"#/components/schemas/SecretPageInputSchemaBaseWithParent\"}\n", ""},
		{"volumes, negations, minified members, rule keys", "app.yaml", "volumes:\n  - /etc/passwd:/host/etc/passwd:ro\nif (!options.key || !options.cert) {}\ne.ROOTKEY=e.EMPTYTAGS=e.IGNORETAGS=void 0;\nsonar.issue.ignore.multicriteria.python_S.ruleKey=python:S*\n", ""},
		// A Helm template's variable set from its values, a long option
		// in camelCase or with "_" (the next argument after --auth), and
		// a file a command reads the value from are no values.
		{"helm template variables", "secret.yaml", "{{- $pullSecret := .Values.image.pullSecrets }}\n{{- $proxyUser := .Values.agent.proxyUser }}\n{{- $proxyPassword := .Values.agent.proxyPassword }}\n", ""},
		{"options and files read", "on-start.sh", "mongod --auth --keyFile=/data/configdb/key.txt\n./configure --with-http_auth_request_module --with-http_xslt_module=dynamic\nkubectl create secret docker-registry reg --docker-password=<PASSWORD> --docker-email=<email>\nvault write auth/kubernetes/config token_reviewer_jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token\n", ""},
		// A kustomization's patch names the Secret it patches under
		// "kind: Secret".
		{"kustomize patch target", "kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n  - path: app-secret-patch.yaml\n    target:\n      kind: Secret\n      name: app-secret-dev\n", ""},
		// A language model's token counts, a GPG key's fingerprint and a
		// keyboard's modifiers are no secrets.
		{"token counts", "models.json", "{\"usage\": {\"prompt_tokens\": \"$.usage.prompt_tokens\", \"completion_tokens\": \"$.usage.completion_tokens\", \"input_tokens\": \"$.usage.input_tokens\"}}\n", ""},
		{"gpg fingerprints", "Dockerfile", "ENV GPG_KEY 4F1E8A0C7D2B9E6F3A5C1D8B0E7F2A9C4B6D1E3F\nENV GPG_KEYS=7C2E9A4F1B8D3E6A0C5F2B9D4E1A7C3F8B0D6E2A\n", ""},
		{"keyboard modifiers", "keymap.yaml", "shortcuts:\n  metaKey: Q8vZkX3mPxL2nR7tW4b\n  ctrlKey: Wq4Zx8Lm2Rt7Kp9Vb3Nc\n", ""},
		// A value that repeats its name is a variable handed on, an
		// enumeration's constant or the name of the object that holds the
		// secret.
		{"names repeated", "values.yaml", "image:\n  pullSecret: myapp-k8s-pull-secret\nadminKey: hl--peer-adminkey\ncred: hlf--ord1-cred\n", ""},
		{"variables handed on", "app.js", "this.base64Credentials = base64Credentials;\nvar valueContextKey = ReactDOMSelect.valueContextKey;\nvar storeKey = _ref$storeKey;\n", ""},
		// Expressions of minified code, and the code between two string
		// literals read from the closing quote of one.
		{"expressions", "app.js", "a[topListenersIDKey]=reactTopListenersCounter++;\ninclusiveKey=displayName.owner+\"x\";\npw=ho?ho.isBuffer:e,\nthis.token.lookAhead=this.pos+1)\nrenderToken = ++this.renderToken\n", ""},
		// A Debian package's version, a value to change in production,
		// the rest of a URL after a placeholder, a source file's path, a
		// call a notebook's cell sets the value from, an annotation's key.
		{"package versions", "dev.txt", "openssl 3.0.17-1~deb12u1\npasswd 1:4.13+dfsg1-1+deb12u1\nperl 5.36.0-7+deb12u2\n", ""},
		{"change in production", "dev.env", "APP_SECRET_KEY=dev-secret-key-change-in-production-x7k9m2p5q8w1r4t6\nREDIS_URL=redis://:<password>@hostname:6379\n", ""},
		{"source paths", "build.sh", "SECRETS_CS=\"src/App/Secrets.cs\"\n", ""},
		{"notebook calls", "agents.ipynb", "{\"cells\": [{\"source\": [\"HF_TOKEN = open(HF_TOKEN_PATH).read().strip()\\n\", \"OPENAI_TOKEN = os.getenv(\\\"OPENAI_TOKEN\\\")\\n\"]}]}\n", ""},
		{"environment lookups", "configmap.yaml", "data:\n  sentry.conf.py: |-\n    secret_key = env('SENTRY_SECRET_KEY')\n", ""},
		{"quoted shell variables", "functions.sh", "mysql -e \"CREATE USER exporter IDENTIFIED BY '\"$METRICS_EXPORTER_PASSWORD\"';\"\n", ""},
		{"properties after a placeholder", "application.properties", "# Login form authentication\nsecurity.jwt.key=<insert-256-bit-secret-key-here>\n#security.rememberme.alwaysRemember=false\n", ""},
		{"path patterns", "sonar-project.properties", "sonar.issue.ignore.multicriteria.e1.resourceKey=src/app/tests/**/*.py\n", ""},
		{"annotation keys", "extensions.go", "const CreateTimestampAnnotationKey = \"precise/createTimestamp\"\n", ""},
		{"code between strings", "swagger-ui.js", "g.password=\"\",g.auth&&(p=g.auth.split(\":\"));\no.createElement(\"label\",null,\"Password:\"),v?l.default.createElement(\"code\",null);\nvar d=h.clientSecret||\"\",y=p&&p.get(\"x\");\nthis.key=a.key||\"\";this.charCode=a.charCode||(\"keypress\"==b);\nvar cfg={web_password:\"\",web_port:8081,web_static_viewer:\"x\"};\n", ""},
	}
}

// TestNewcomerSyntaxesEncodingsAndStores: see the comment at the top.
func TestNewcomerSyntaxesEncodingsAndStores(t *testing.T) {
	d := defaultDetector(t)
	var cases []secretText
	for _, sy := range assignSyntaxes {
		for _, n := range []struct{ name, value string }{{"ACME_API_TOKEN", synVendor}, {"PASSWORD", synGeneric}, {"SECRET_KEY", synGeneric2}, {"DEPLOY_KEY", synGeneric2}, {"DB_PASS", synGeneric}} {
			text := sy.write(synNamesOf(n.name), n.value)
			for _, file := range []string{"notes.txt", "notes", sy.file} {
				cases = append(cases, secretText{sy.name + " " + n.name, file, text, n.value})
			}
		}
	}
	for _, c := range commandLines() {
		for _, file := range []string{"notes.txt", "notes", c.file} {
			cases = append(cases, secretText{c.name, file, c.text, c.secret})
		}
	}
	cases = append(cases, credentialStores()...)
	// Under -race the regex engine is some fifty times slower: every
	// 16th case then, which still covers every encoding.
	step := 1
	if raceEnabled {
		step = 16
	}
	runs := 0
	for i, c := range cases {
		if i%step != 0 {
			continue
		}
		// A line of accented text, so that Latin-1 differs from UTF-8.
		text := c.text + "# Größe für «prod»\n"
		want := located(t, d, c.file, []byte(text))
		if !holds(want, c.secret) {
			t.Errorf("%s in %s: %q: found %q, want %q", c.name, c.file, c.text, want, c.secret)
			continue
		}
		for _, enc := range encodings {
			b, ok := enc.encode(text)
			if !ok {
				continue
			}
			runs++
			if got := located(t, d, c.file, b); !slices.Equal(got, want) {
				t.Errorf("%s in %s saved as %s: found\n  %q\nwant, as in UTF-8 with LF,\n  %q", c.name, c.file, enc.name, got, want)
			}
		}
	}
	for _, c := range hardNegatives() {
		for _, file := range []string{"notes.txt", c.file} {
			if got := located(t, d, file, []byte(c.text)); len(got) > 0 {
				t.Errorf("%s in %s: %q reports %q", c.name, file, c.text, got)
			}
			for _, enc := range encodings {
				if b, ok := enc.encode(c.text); ok {
					if got := located(t, d, file, b); len(got) > 0 {
						t.Errorf("%s in %s saved as %s: %q reports %q", c.name, file, enc.name, c.text, got)
					}
				}
			}
		}
	}
	if runs == 0 {
		t.Error("no case was run in another encoding")
	}
	t.Logf("%d cases, %d runs in other encodings", len(cases), runs)
}

// holds reports whether findings (as located lists them) hold secret, or
// any finding when secret is "". A secret that was written with an escape
// in JSON is found as it decodes: with its "&" or "/".
func holds(findings []string, secret string) bool {
	if secret == "" {
		return len(findings) > 0
	}
	unescaped := strings.NewReplacer("&", "", "/", "")
	for _, f := range findings {
		if strings.Contains(unescaped.Replace(f), `"`+secret+`"`) {
			return true
		}
	}
	return false
}

// A C initializer's "name, /* slot */" line is no CSV row of a name and its
// value: a comment where a value would stand is code (Cython's generated
// method tables, __pyx_pw_… being a Python wrapper, not a password). A CSV
// row of a password name and a value is still one.
func TestCommentIsNoValue(t *testing.T) {
	d := defaultDetector(t)
	table := "static PyMappingMethods __pyx_tp_as_mapping_Row = {\n" +
		"  __pyx_pw_6engine_3Row_13__len__, /*mp_length*/\n" +
		"  __pyx_pw_6engine_3Row_17__getitem__, /*mp_subscript*/\n" +
		"  0, /*mp_ass_subscript*/\n};\n"
	if got := secrets(detect(t, d, "row.c", table)); len(got) != 0 {
		t.Errorf("a C method table: got %q, want nothing", got)
	}
	for _, v := range []string{"/*" + "mp_subscript*/", "<!--" + " api token -->"} {
		if got := secrets(detect(t, d, "settings.env", "API_TOKEN="+v+"\n")); len(got) != 0 {
			t.Errorf("API_TOKEN=%s: got %q, want nothing", v, got)
		}
	}
	if got := secrets(detect(t, d, "creds.csv", "db_password,"+synGeneric2+"\n")); !slices.Contains(got, "generic-secret-env-file="+synGeneric2) {
		t.Errorf("a CSV row: got %q, want the generic rule to find %q", got, synGeneric2)
	}
}

// What a shell or a command line writes next to a password's name is not
// its value: ${PWD} expands the working directory (a brace alone closes no
// name), "mkpasswd --method=..." passes an option, and a passwd(5) line
// whose password field is x keeps the password elsewhere. A directive's
// value, one that begins with a password's ! too, and Perl's $ENV{'X'}
// are still read.
func TestExpansionsOptionsAndPasswdLines(t *testing.T) {
	d := defaultDetector(t)
	for path, text := range map[string]string{
		"run_tests.sh": `docker run -v "${PWD}:/root/ansible:Z" image` + "\n",
		"faq.rst":      "    mkpasswd --method=" + "SHA-512\n",
		"main.yml":     "passwd_content: |\n      root:x:0:0:root:/root:/bin/bash\n",
	} {
		if got := secrets(detect(t, d, path, text)); len(got) != 0 {
			t.Errorf("%s: got %q, want nothing", text, got)
		}
	}
	for path, text := range map[string]string{
		"app.properties": "api.key " + synGeneric2 + "\n",
		"db.properties":  "db.password !" + synGeneric2 + "\n",
		"app.pl":         "$ENV{'API_TOKEN'} = '" + synGeneric2 + "';\n",
	} {
		if got := secrets(detect(t, d, path, text)); !slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, synGeneric2) }) {
			t.Errorf("%s: got %q, want %q", text, got, synGeneric2)
		}
	}
}

// Names that say secret only to those who know the tool: SonarQube's
// sonar.login carries the analysis token (a user's login only when
// sonar.password is set too, and a login is no random string), and an
// "auth" of its own carries credentials (npm's _auth, docker's "auth", a
// client's user_auth) where auth_type or auth_url describe them.
func TestSonarLoginAndAuthNames(t *testing.T) {
	d := defaultDetector(t)
	for path, text := range map[string]string{
		"sonar-project.properties": "sonar.login=" + synGeneric2 + "\n",
		"Jenkinsfile":              "sh 'sonar-scanner -Dsonar.login=" + synGeneric2 + "'\n",
		"Makefile":                 "SONAR_LOGIN ?= \"" + synGeneric2 + "\"\n",
		"client.json":              `{"user_auth": "` + synGeneric2 + `"}` + "\n",
		".npmrc":                   "_auth=" + synGeneric2 + "\n",
	} {
		if got := secrets(detect(t, d, path, text)); !slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, synGeneric2) }) {
			t.Errorf("%s: got %q, want %q", text, got, synGeneric2)
		}
	}
	for path, text := range map[string]string{
		"sonar-project.properties": "sonar.login=admin\n",
		"config.yml":               "auth_type: " + synGeneric2 + "\nauth_url: https://id.example.com/" + synGeneric2 + "\nauth: oauth2\n",
		"settings.json":            `{"auth": "django.contrib.auth.backends.ModelBackend"}` + "\n",
	} {
		if got := secrets(detect(t, d, path, text)); len(got) != 0 {
			t.Errorf("%s: got %q, want nothing", text, got)
		}
	}
}

// A GraphQL schema writes a field's type where an assignment writes a
// value (a field named checkoutToken of the type UUIDFilterInput); the
// same line elsewhere is still read as a name and its value.
func TestGraphQLFieldTypeIsNoValue(t *testing.T) {
	d := defaultDetector(t)
	schema := "input CheckoutFilterInput {\n  checkoutToken: UUIDFilterInput\n  refreshToken: OAuth2TokenInput\n  apiToken: [String!]!\n}\n"
	for _, file := range []string{"schema.graphql", "api/types.gql"} {
		if got := secrets(detect(t, d, file, schema)); len(got) != 0 {
			t.Errorf("%s: got %q, want nothing", file, got)
		}
	}
	if got := secrets(detect(t, d, "notes.txt", "refreshToken: OAuth2TokenInput\n")); len(got) == 0 {
		t.Error("notes.txt: refreshToken: OAuth2TokenInput found nothing; want the generic rule's finding outside a schema")
	}
}

// TestRandomKeysLikeCode checks that a random key of letters and dots is
// still a secret although code and CSS write names with dots: the
// placeholders for member chains and selectors ask for words (two small
// letters after capitals) and for a combinator or a pseudo-class.
func TestRandomKeysLikeCode(t *testing.T) {
	d := defaultDetector(t)
	a := "XGAHy.QMOtIujn" + "LKHvwNdGivflNQGbxc"
	b := ".eTE1ZMmoAq2kZ" + "IFy3u2QzP8yxvajM.F"
	got := map[string]bool{}
	for _, f := range findingsOf(t, d, "vpn.yml", "pre_shared_key: "+a+"\ntunnel_secret: "+b+"\n") {
		got[f.Secret] = true
	}
	for _, s := range []string{a, b} {
		if !got[s] {
			t.Errorf("%s not found (found %v)", s, got)
		}
	}
}

// TestOwnQuoteEscapedInsideAValue checks values that hold their own kind
// of quote, or a backslash, escaped as their language writes it: a
// generated password's punctuation. A value with an escaped quote is
// reported as written (unescaped, the quote would end the literal); one
// with an escaped backslash alone as the unescaped line reads it.
// Escapes of code points, a literal inside a string whose quotes are
// escaped, and a literal built of pieces are no such value.
func TestOwnQuoteEscapedInsideAValue(t *testing.T) {
	d := defaultDetector(t)
	q, bs := `\"`, `\\`
	// The values are put together here, so that leakhound scans its own
	// source clean.
	for _, tt := range []struct{ path, format, value, want string }{
		// Reported as the password the literal means, its escapes undone.
		{"app.js", "const dbPassword = \"%s\";\n", "Zr4n" + q + "B8cWq1Ys", "Zr4n\"" + "B8cWq1Ys"},
		{"config.json", "{\"password\": \"%s\", \"user\": \"app\"}\n", "Kq3v" + q + "Tz8mWx2L", "Kq3v\"" + "Tz8mWx2L"},
		{"deploy.sh", "export DB_PASSWORD=\"%s\"\n", "Wz5k" + q + "Q8mT2xRv", "Wz5k\"" + "Q8mT2xRv"},
		{"settings.yml", "db_password: '%s'\n", "Hx5t''" + "Q9wLm2Rk", "Hx5t'" + "Q9wLm2Rk"},
		{"config.php", "$config['api_token'] = '%s';\n", `Tr0b\'4d` + "Qx9zLm", "Tr0b'4d" + "Qx9zLm"},
		{"Settings.cs", "var dbPassword = \"%s\";\n", "Jq4w" + q + "Zr7" + bs + bs + "Kx2m", "Jq4w\"" + "Zr7" + bs + "Kx2m"},
		{"config.toml", "password = \"%s\"\n", "Lm4k" + bs + "T8wQz2Rx", `Lm4k\T8wQz2Rx`},
		// JSON in a string: the value ends at the next escaped quote.
		{"task.json", "{\"env\": \"{\\\"api_token\\\": \\\"%s\\\"}\"}\n", "Vw3kR8mQ" + "2xTz9", ""},
	} {
		text := fmt.Sprintf(tt.format, tt.value)
		want := cmp.Or(tt.want, tt.value)
		if got := secrets(detect(t, d, tt.path, text)); !slices.Contains(got, "generic-secret-assignment="+want) {
			t.Errorf("%s: got %q, want %q", text, got, want)
		}
	}
	for _, text := range []string{
		`const password = "\u043f\u0430\u0440\u043e\u043b\u044c\u0031\u0032";`,
		`const q = "password=\"" + pw + "\"";`,
		`const token = "abc\" + part + \"def";`,
		`v.Set("credentials", "{\"user\":\"app\",\"region\":\"eu\"}")`,
		// A literal opened by a plain quote ends at a plain one, not at
		// an escaped quote inside it.
		`kinds := []string{"kind: Secret", "kind: \"Secret\"", "kind: 'Secret'"}`,
	} {
		if got := secrets(detect(t, d, "app.js", text+"\n")); len(got) != 0 {
			t.Errorf("%s: got %q, want nothing", text, got)
		}
	}
}

// A quoted value may hold the other kinds of quote: a generated password
// with a ' or a ` in double quotes, one with a " in single quotes, in
// every form a quoted value takes. A literal built of pieces
// ("...password='" + pw + "'...") is still no value. (That a value's ends
// are no quotes, config's TestQuotedValues checks: here the code filters
// would turn such pieces down anyway.)
func TestOtherQuotesInsideAValue(t *testing.T) {
	d := defaultDetector(t)
	// The values are put together here, so that leakhound scans its own
	// source clean.
	for _, tt := range []struct{ path, format, want string }{
		{"config.yaml", "jwt_secret: \"%s\"\n", "Xk2#mQ9!vL7$" + "pR4&zT8*w`q"},
		{"settings.yml", "jwt_secret: '%s'\n", `Tr0ub4d` + `or"3xq!Zp`},
		{"app.js", "const dbPassword = \"%s\";\n", "Hq7{w'Rz" + "9(pL2vBk"},
		// The same in every other form of a quoted value: a setter, a
		// command, a condition, a tuple, a C array.
		{"Client.java", "builder.setPassword(\"%s\");\n", "Xk2#m'Q9" + "!vL7$pR4z"},
		{"client.rb", "client.with_token('%s')\n", `Jt6"Wn2Q` + `x8Kv3Rb`},
		{"build.gradle", "credentials {\n    password \"%s\"\n}\n", "Tr0ub'4d" + "or3xq!Zp"},
		{"auth.js", "if (\"%s\" == password) {\n", "Hq7{w'Rz" + "9(pL2vBk"},
		{"sys.config", "{db_password, \"%s\"}\n", "Wq9'zL3#" + "xR7!vK2"},
		{"auth.c", "static const char password[] = \"%s\";\n", "Mz4'kQ8#" + "wT2!pR6"},
	} {
		text := fmt.Sprintf(tt.format, tt.want)
		if got := secrets(detect(t, d, tt.path, text)); !slices.Contains(got, "generic-secret-assignment="+tt.want) {
			t.Errorf("%s: got %q, want %q", text, got, tt.want)
		}
	}
	for _, text := range []string{
		`const q = "SELECT id FROM users WHERE password='" + pw + "' AND name='" + n + "'";`,
		`var html = '<input name="password" value="' + pw + '">';`,
		`const token = "abc' + part + 'def";`,
	} {
		if got := secrets(detect(t, d, "app.js", text+"\n")); len(got) != 0 {
			t.Errorf("%s: got %q, want nothing", text, got)
		}
	}
}

// TestBackslashInBackticks checks that a backslash inside backticks is a
// character of the value: a Go raw string holds no escapes, and a
// generated password may hold one. The literal first in a condition takes
// it too. A regular expression in backticks, or in quotes, is a pattern,
// not a password.
func TestBackslashInBackticks(t *testing.T) {
	d := defaultDetector(t)
	bs := `\`
	// The values are put together here, so that leakhound scans its own
	// source clean.
	for _, tt := range []struct{ path, format, want string }{
		{"db.go", "var dbPassword = `%s`\n", "Xk2mQ9wq" + bs + "Tr0b4dZp7"},
		{"client.go", "\tapiToken := `%s`\n", "aZ8" + bs + "qW3eR5tY7uI9oP"},
		{"app.js", "const config = { apiSecret: `%s` };\n", "Qw9" + bs + "Er7Ty5Ui3Op1"},
		{"auth.js", "if (`%s` === password) {\n", "Hq7" + bs + "5Rz9pL2vBk"},
	} {
		text := fmt.Sprintf(tt.format, tt.want)
		if got := secrets(detect(t, d, tt.path, text)); !slices.Contains(got, "generic-secret-assignment="+tt.want) {
			t.Errorf("%s: got %q, want %q", text, got, tt.want)
		}
	}
	for _, text := range []string{
		"var rules = map[string]string{\"password\": `^[A-Za-z0-9@#%&+=" + bs + "-]{14,}$`}",
		"passwordPattern := `^(?=.*" + bs + "d)" + bs + "S{12,}$`",
		"tokenRe := `" + bs + "b[A-Z0-9]{20}" + bs + "b`",
		"const token = `${prefix}" + bs + "n${body}`;",
	} {
		if got := secrets(detect(t, d, "app.go", text+"\n")); len(got) != 0 {
			t.Errorf("%s: got %q, want nothing", text, got)
		}
	}
}

// A shell's single quotes cannot hold a single quote: a password with one
// is written as single-quoted strings joined around a quoted quote, as
// bash's ${v@Q} and Python's shlex.quote write it. The word is one value,
// reported as the password it stands for.
func TestShellWordJoinsSingleQuotes(t *testing.T) {
	d := defaultDetector(t)
	// The values are put together here, so that leakhound scans its own
	// source clean.
	bq, dq := `'\''`, `'"'"'`
	for _, tt := range []struct{ path, text, rule, want string }{
		{"deploy.sh", "export DB_PASSWORD='Xk9#mQ2" + bq + "vL7pR4tZ'\n", "generic-secret-assignment", "Xk9#mQ2'" + "vL7pR4tZ"},
		{"run.sh", "API_TOKEN='Hq7{wRz" + dq + "9pL2vBk'; ./start\n", "generic-secret-assignment", "Hq7{wRz'" + "9pL2vBk"},
		{"backup.sh", "mysql -u root -p'Wz5kQ8" + bq + "mT2xRv' app > dump.sql\n", "mysql-password", "Wz5kQ8'" + "mT2xRv"},
		// A double quote or backslash in the word is the password's own.
		{"env.sh", "export SMTP_PASSWORD='Jt6\"Wn2Q" + bq + "x8Kv3Rb'\n", "generic-secret-assignment", "Jt6\"Wn2Q'" + "x8Kv3Rb"},
		// A single quote inside a double-quoted string opens nothing.
		{"setup.sh", "echo \"it's set\" && export DB_PASSWORD='Kx7mQ2" + bq + "vR9tLw'\n", "generic-secret-assignment", "Kx7mQ2'" + "vR9tLw"},
		// Written so in a file of any syntax (a CI job's script line).
		{".gitlab-ci.yml", "  script:\n    - export DB_PASSWORD='Mz4kQ8" + dq + "wT2pR6x'\n", "generic-secret-assignment", "Mz4kQ8'" + "wT2pR6x"},
	} {
		got := secrets(detect(t, d, tt.path, tt.text))
		if !slices.Contains(got, tt.rule+"="+tt.want) {
			t.Errorf("%s: got %q, want %s=%s", tt.text, got, tt.rule, tt.want)
		}
	}
	for _, text := range []string{
		"echo 'it" + bq + "s done, the password is set'",
		"MESSAGE='don" + bq + "t commit tokens'",
		"git commit -m 'fix: the token" + bq + "s scope'",
		// The value is a placeholder; its first piece alone is no value.
		"export DB_PASSWORD='Kx7mQ2vR9tLw" + bq + "example'",
	} {
		if got := secrets(detect(t, d, "run.sh", text+"\n")); len(got) != 0 {
			t.Errorf("%s: got %q, want nothing", text, got)
		}
	}
	// The match is placed where it is written.
	line := "export DB_PASSWORD='Xk9#mQ2" + bq + "vL7pR4tZ'\n"
	ms := detect(t, d, "deploy.sh", line)
	if len(ms) != 1 || ms[0].Column != 21 || ms[0].EndColumn != 39 || ms[0].Text != "Xk9#mQ2"+bq+"vL7pR4tZ" {
		t.Errorf("placed at %+v", ms)
	}
}

// A command written as an array of strings (an exec-form Dockerfile CMD, a
// compose command or healthcheck, a Kubernetes container's args, a
// subprocess call) is read as the command line it stands for, by the
// rules that know the command's options, and reported where the secret is
// written.
func TestArgvArraysReadAsCommandLines(t *testing.T) {
	d := defaultDetector(t)
	// The values are put together here, so that leakhound scans its own
	// source clean.
	pw := []string{"Vq7Lm2Xz" + "9Tk4Wn", "Qz7Wk2Lm" + "9Xr4", "Tn6Zq3Wx" + "8Km2", "Lk4Wz9Qx" + "2Rm7", "Mx8Qz2Wk" + "5Ln9", "Kw9Tn4Zx" + "7Qm2Lv"}
	for _, tt := range []struct{ path, text, rule, want string }{
		{"Dockerfile", `CMD ["redis-server", "--requirepass", "` + pw[0] + `"]`, "redis-cli-password", pw[0]},
		{"run.py", `subprocess.run(["mysql", "-u", "root", "-p` + pw[1] + `", "-e", "select 1"])`, "mysql-password", pw[1]},
		{"run.py", `subprocess.check_call(['sshpass', '-p', '` + pw[2] + `', 'ssh', 'root@web1'])`, "sshpass-password", pw[2]},
		{"sync.py", `subprocess.run(["curl", "-u", "admin:` + pw[3] + `", "https://api.corp.example/v1"])`, "curl-user-password", pw[3]},
		// JSON without spaces, and a trailing comma.
		{"tasks.json", `{"cmd": ["redis-cli","-a","` + pw[4] + `","ping",]}`, "redis-cli-password", pw[4]},
		{"docker-compose.yml", `      test: ["CMD", "mysqladmin", "ping", "-h", "localhost", "-uroot", "-p` + pw[5] + `"]`, "mysql-password", pw[5]},
		// An array over several lines, with comments between its strings.
		{"backup.py", "subprocess.run([\n    \"mysql\",\n    \"-u\", \"root\",  # the admin\n    \"-p" + pw[1] + "\",\n    \"app\",\n])", "mysql-password", pw[1]},
		// A YAML block sequence, plain and quoted, a comment after an item.
		{"deploy.yaml", "    command:\n    - redis-server\n    - --requirepass\n    - " + pw[0] + "\n  - name: web", "redis-cli-password", pw[0]},
		{"deploy.yaml", "    args:\n      - \"sshpass\"\n      - \"-p\"\n      - '" + pw[2] + "'  # ops\n      - \"ssh\"", "sshpass-password", pw[2]},
		// An option whose name starts with a digit; a plain scalar that
		// starts with "!" (not a tag).
		{"deploy.yaml", "    args:\n      - deploy\n      - --2fa-secret\n      - " + pw[3] + "\n", "generic-secret-env-file", pw[3]},
		{"deploy.yaml", "    args:\n      - deploy\n      - --app-password\n      - !" + pw[4] + "\n", "generic-secret-env-file", "!" + pw[4]},
	} {
		ms := detect(t, d, tt.path, tt.text+"\n")
		got := secrets(ms)
		if !slices.Contains(got, tt.rule+"="+tt.want) {
			t.Errorf("%s: got %q, want %s=%s", tt.text, got, tt.rule, tt.want)
			continue
		}
		for _, m := range ms {
			at := strings.Index(tt.text, tt.want)
			line := strings.Count(tt.text[:at], "\n") + 1
			col := at - strings.LastIndex(tt.text[:at], "\n")
			if m.Secret == tt.want && (m.Line != line || m.Column != col || m.EndColumn != col+len(tt.want)-1 || m.Decoded != "") {
				t.Errorf("%s: placed at %d:%d-%d, decoded %q; want %d:%d-%d, not decoded", tt.text, m.Line, m.Column, m.EndColumn, m.Decoded, line, col, col+len(tt.want)-1)
			}
		}
	}
	for _, text := range []string{
		// Arrays without an option, and options without a secret.
		`CMD ["gunicorn", "app:application"]`,
		`subprocess.run(["mysql", "-u", "root", "-p", "-e", "select 1"])`,
		`args = ["--password-file", "/run/secrets/db_password"]`,
		`ENTRYPOINT ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]`,
		// A string with a space keeps its quotes: it is one word.
		`cmd = ["mysql", "-e", "-p ` + pw[1] + `"]`,
		// Lists that are no command: files, a mapping's items, a
		// sequence of steps, a reference in place of the value.
		"files = [\n    \"a.txt\",\n    \"b.txt\",\n]",
		"steps:\n  - run: make test\n  - --verbose\n  - name: x",
		"args:\n  - --db-password\n  - ${DB_PASSWORD}",
		"Options:\n- --password: the password to use\n- --token  the token to send",
	} {
		if got := secrets(detect(t, d, "Dockerfile", text+"\n")); len(got) != 0 {
			t.Errorf("%s: got %q, want nothing", text, got)
		}
	}
}

// A hostile file of marked lines that read as no command (a YAML sequence
// of "- --" items, a JSON array of options) costs what its length does:
// a block sequence that is no command says how far it was read, at least
// maxArgvSpan past the line, so that the lines up to there are not read
// again; and the lines of a long array read as no command once.
func TestArgvReadsEachLineOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("k:\n")
	for range 4 * maxArgvSpan / 7 {
		b.WriteString("  - --\n")
	}
	content := []byte(b.String())
	ls := 3 + 7*(maxArgvSpan/7) // a line in the middle
	text := ls + 6
	if _, _, to, ok := yamlArgv(content, 0, len(content), ls, text); ok || to < ls+maxArgvSpan-7 {
		t.Errorf("yamlArgv: read to %d, ok %v; want no command, read to %d or further", to, ok, ls+maxArgvSpan-7)
	}
	// An array over several lines is read from its first marked line, and
	// its bracket not again from the lines below.
	list := "cmd = [\n    \"mysql\",\n    \"-u\", \"root\",\n    \"-pXq7m" + "Z2pL9v\",\n]\n"
	runs := argvRuns()
	for i, line := range []string{`    "-u", "root",`, `    "-pXq7m` + `Z2pL9v",`} {
		ls := strings.Index(list, line)
		from, _, toks, worth := runs([]byte(list), 0, len(list), ls, ls+len(line), nil)
		if want := i == 0; worth != want || worth && (from != 0 || len(toks) != 1) {
			t.Errorf("line %d: worth %v, from %d, %d runs; want worth %v, from 0, 1 run", i+2, worth, from, len(toks), want)
		}
	}
}

// A YAML plain scalar that holds a space is one word of the command line,
// in double quotes.
func TestArgvQuotesPlainScalarsWithSpaces(t *testing.T) {
	seq := "args:\n  - sshpass\n  - -p $PASS ssh\n  - --verbose\n"
	ls := strings.Index(seq, "  - --verbose")
	tok, _, _, ok := yamlArgv([]byte(seq), 0, len(seq), ls, ls+len("  - --verbose"))
	if want := `sshpass "-p $PASS ssh" --verbose `; !ok || string(tok.dec) != want {
		t.Errorf("read as %q (%v), want %q", tok.dec, ok, want)
	}
}
