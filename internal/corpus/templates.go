package corpus

import (
	"fmt"
	"strings"
)

// pyString quotes s as a Python literal in one of the ways people write
// them.
func (g *gen) pyString(s string) string {
	prefix := g.pick([]string{"", "", "", "", "r", "b", "u"})
	switch g.r.Intn(8) {
	case 0:
		return prefix + `"""` + s + `"""`
	case 1, 2, 3:
		return prefix + `"` + s + `"`
	}
	return prefix + "'" + s + "'"
}

// annotation is a type annotation, or none.
func (g *gen) annotation() string {
	return g.pick([]string{"", "", "", ": str", ": Final[str]", ": Final", ": typing.Final[str]"})
}

func one(fam, kind, value string) []planted { return []planted{{fam, kind, value}} }

// djangoSettings is a settings module with a SECRET_KEY literal and
// DATABASES, sometimes with a literal password, sometimes read from the
// environment.
func (pr *proj) djangoSettings(module string) file {
	g := pr.g
	key := g.djangoKey()
	var b strings.Builder
	var ps []planted
	fmt.Fprintf(&b, "\"\"\"Django settings for %s.\"\"\"\nimport os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n\n", pr.name)
	b.WriteString("# SECURITY WARNING: keep the secret key used in production secret!\n")
	fmt.Fprintf(&b, "SECRET_KEY%s = %s\n\nDEBUG = %s\nALLOWED_HOSTS = [\"%s.example.com\"]\n\n", g.annotation(), g.pyString(key), g.pick([]string{"True", "False"}), pr.name)
	ps = append(ps, planted{FamSecretKey, "settings-module", key})
	b.WriteString("INSTALLED_APPS = [\n    \"django.contrib.admin\",\n    \"django.contrib.auth\",\n    \"rest_framework\",\n]\n\n")
	if g.chance(0.6) {
		pw := g.password()
		fmt.Fprintf(&b, "DATABASES = {\n    \"default\": {\n        \"ENGINE\": \"django.db.backends.postgresql\",\n        \"NAME\": \"%s\",\n        \"USER\": \"%s\",\n        \"PASSWORD\": %s,\n        \"HOST\": \"%s\",\n        \"PORT\": \"5432\",\n    }\n}\n\n",
			pr.name, g.userName(), g.pick([]string{"'" + pw + "'", "\"" + pw + "\""}), g.host())
		ps = append(ps, planted{FamDatabase, "databases-password", pw})
	} else {
		b.WriteString("DATABASES = {\n    \"default\": {\n        \"ENGINE\": \"django.db.backends.postgresql\",\n        \"NAME\": os.environ.get(\"DB_NAME\", \"app\"),\n        \"PASSWORD\": os.environ.get(\"DB_PASSWORD\", \"\"),\n    }\n}\n\n")
	}
	b.WriteString("AUTH_PASSWORD_VALIDATORS = [\n    {\"NAME\": \"django.contrib.auth.password_validation.MinimumLengthValidator\"},\n]\nPASSWORD_RESET_TIMEOUT = 259200\nSESSION_COOKIE_NAME = \"sessionid\"\nCSRF_COOKIE_NAME = \"csrftoken\"\n")
	if g.chance(0.4) {
		pw := g.password()
		fmt.Fprintf(&b, "\nEMAIL_HOST = \"smtp.%s.example\"\nEMAIL_HOST_USER = \"noreply@%s.example\"\nEMAIL_HOST_PASSWORD = %s\n", pr.name, pr.name, g.pyString(pw))
		ps = append(ps, planted{FamDatabase, "email-host-password", pw})
	}
	return file{path: strings.TrimPrefix(module, pr.name+"/"), content: b.String(), secrets: ps}
}

func (pr *proj) readme() string {
	return "# " + pr.name + "\n\nCopy `.env.example` to `.env` and set `SECRET_KEY` and `DATABASE_URL`,\n" +
		"for instance `DATABASE_URL=postgres://user:password@localhost:5432/" + pr.name + "`.\n\n" +
		"AWS credentials go in `~/.aws/credentials`, as in the AWS docs:\n\n    aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n" +
		"Generate a key with `python -c 'from django.core.management.utils import get_random_secret_key; print(get_random_secret_key())'`.\n"
}

func (g *gen) requirements() string {
	var b strings.Builder
	for _, p := range []string{"Django==5.0.6", "djangorestframework==3.15.1", "psycopg2-binary==2.9.9", "celery==5.4.0"} {
		fmt.Fprintf(&b, "%s \\\n    --hash=sha256:%s \\\n    --hash=sha256:%s\n", p, g.from("0123456789abcdef", 64), g.from("0123456789abcdef", 64))
	}
	return b.String()
}

// positive returns a file holding one or more planted secrets.
func (pr *proj) positive() file {
	g := pr.g
	t := positives[g.r.Intn(len(positives))]
	// Python code first: more of the kinds of secrets most of these
	// projects hold.
	if g.chance(0.2) {
		t = bandit
	} else if g.chance(0.1) {
		t = fallback
	}
	return t(pr)
}

// negative returns a file holding none.
func (pr *proj) negative() file {
	g := pr.g
	t := negatives[g.r.Intn(len(negatives))]
	f := t(pr)
	f.secrets = nil
	return f
}

type template func(pr *proj) file

var positives = []template{
	// --- SECRET_KEY in its many homes
	func(pr *proj) file {
		return pr.djangoSettings(pr.g.pick([]string{"settings/local.py", "settings/staging.py", "prod_settings.py", "core/settings.py", "config/django.py"}))
	},
	func(pr *proj) file {
		g := pr.g
		k := g.djangoKey()
		line := g.pick([]string{"DJANGO_SECRET_KEY=" + k, "SECRET_KEY=" + k, "SECRET_KEY=\"" + k + "\"", "export DJANGO_SECRET_KEY='" + k + "'"})
		return file{path: g.pick([]string{".env", ".env.production", "deploy/prod.env", ".envrc"}), content: "DEBUG=0\n" + line + "\nALLOWED_HOSTS=" + pr.name + ".example.com\n", secrets: one(FamSecretKey, "dotenv", k)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.djangoKey()
		line := g.pick([]string{"      - SECRET_KEY=" + k, "      SECRET_KEY: \"" + k + "\"", "      DJANGO_SECRET_KEY: '" + k + "'"})
		return file{path: "docker-compose.yml", content: "services:\n  web:\n    build: .\n    environment:\n" + line + "\n      - DEBUG=0\n", secrets: one(FamSecretKey, "compose", k)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.djangoKey()
		return file{path: "Dockerfile", content: "FROM python:3.12-slim\nWORKDIR /app\nENV PYTHONUNBUFFERED=1\nENV SECRET_KEY=" + k + "\nCOPY . .\nCMD [\"gunicorn\", \"" + pr.name + ".wsgi\"]\n", secrets: one(FamSecretKey, "dockerfile", k)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.strong(alnum+"!#%&*+-=?@^_~", 24+g.r.Intn(16))
		var line string
		switch g.r.Intn(4) {
		case 0:
			line = "app.secret_key = " + g.pyString(k)
		case 1:
			line = "app.config[\"SECRET_KEY\"] = " + g.pyString(k)
		case 2:
			line = "app.config.update(\n    SECRET_KEY=" + g.pyString(k) + ",\n    SESSION_COOKIE_SECURE=True,\n)"
		default:
			line = "app.config.from_mapping(SECRET_KEY=" + g.pyString(k) + ", DATABASE=\"app.sqlite\")"
		}
		return file{path: "app.py", content: "from flask import Flask\n\napp = Flask(__name__)\n" + line + "\n\n@app.route(\"/\")\ndef index():\n    return \"ok\"\n", secrets: one(FamSecretKey, "flask", k)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.hex(64)
		var content string
		switch g.r.Intn(3) {
		case 0:
			content = "from starlette.middleware.sessions import SessionMiddleware\nfrom fastapi import FastAPI\n\napp = FastAPI()\napp.add_middleware(SessionMiddleware, secret_key=\"" + k + "\")\n"
		case 1:
			content = "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    app_name: str = \"" + pr.name + "\"\n    secret_key: str = \"" + k + "\"\n    access_token_expire_minutes: int = 30\n"
		default:
			content = "# openssl rand -hex 32\nSECRET_KEY = \"" + k + "\"\nALGORITHM = \"HS256\"\nACCESS_TOKEN_EXPIRE_MINUTES = 30\n"
		}
		return file{path: "api/" + g.pick([]string{"main.py", "config.py", "security.py"}), content: content, secrets: one(FamSecretKey, "fastapi", k)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.djangoKey()
		return file{path: "config/" + g.pick([]string{"config.json", "secrets.json", "app.json"}), content: "{\n  \"DEBUG\": false,\n  \"SECRET_KEY\": \"" + k + "\",\n  \"ALLOWED_HOSTS\": [\"*\"]\n}\n", secrets: one(FamSecretKey, "json", k)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.djangoKey()
		return file{path: "notebooks/explore.ipynb", content: notebook("import django\n", "SECRET_KEY = \\\""+k+"\\\"\n"), secrets: one(FamSecretKey, "notebook", k)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.djangoKey()
		return file{path: "tests/settings.py", content: "from " + pr.name + ".settings import *  # noqa\n\nSECRET_KEY = '" + k + "'\nPASSWORD_HASHERS = [\"django.contrib.auth.hashers.MD5PasswordHasher\"]\n", secrets: one(FamSecretKey, "test-settings", k)}
	},

	// --- databases, brokers, connection URLs and strings
	func(pr *proj) file {
		g := pr.g
		pw := g.password()
		u := g.userName()
		enc := escapeURL(pw)
		var line string
		switch g.r.Intn(7) {
		case 0:
			line = "DATABASE_URL = \"postgres://" + u + ":" + enc + "@" + g.host() + ":5432/" + pr.name + "\""
		case 1:
			line = "engine = create_engine(\"postgresql+psycopg2://" + u + ":" + enc + "@" + g.host() + "/" + pr.name + "\", pool_pre_ping=True)"
		case 2:
			line = "engine = create_engine('mysql+pymysql://" + u + ":" + enc + "@" + g.host() + ":3306/" + pr.name + "?charset=utf8mb4')"
		case 3:
			line = "CELERY_BROKER_URL = \"amqp://" + u + ":" + enc + "@rabbitmq:5672/" + pr.name + "\""
		case 4:
			line = "MONGO_URI = \"mongodb+srv://" + u + ":" + enc + "@cluster0." + g.from(lower+digits, 5) + ".mongodb.net/" + pr.name + "?retryWrites=true\""
		case 5:
			line = "CELERY_RESULT_BACKEND = 'redis://:" + enc + "@redis:6379/1'"
		default:
			line = "SQLALCHEMY_DATABASE_URI = \"postgresql://" + u + ":" + enc + "@" + g.host() + "/" + pr.name + "\""
		}
		return file{path: g.pick([]string{"db.py", "config.py", "celery.py", "settings/database.py"}), content: "import os\n\n" + line + "\n", secrets: one(FamDatabase, "url", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		line := g.pick([]string{
			"DATABASE_URL=postgres://" + g.userName() + ":" + pw + "@" + g.host() + ":5432/" + pr.name,
			"REDIS_URL=redis://default:" + pw + "@cache.internal:6379/0",
			"BROKER_URL=amqps://" + g.userName() + ":" + pw + "@mq.internal:5671/",
		})
		return file{path: g.pick([]string{".env", ".env.staging", "deploy/app.env"}), content: "DEBUG=0\n" + line + "\n", secrets: one(FamDatabase, "env-url", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		var line string
		switch g.r.Intn(3) {
		case 0:
			line = "conn = pyodbc.connect(\"DRIVER={ODBC Driver 18 for SQL Server};SERVER=" + g.host() + ";DATABASE=" + pr.name + ";UID=" + g.userName() + ";PWD=" + pw + ";Encrypt=yes\")"
		case 1:
			line = "conn = psycopg2.connect(\"host=" + g.host() + " dbname=" + pr.name + " user=" + g.userName() + " password=" + pw + " sslmode=require\")"
		default:
			line = "JDBC_URL = \"jdbc:postgresql://" + g.host() + ":5432/" + pr.name + "?user=" + g.userName() + "&password=" + pw + "\""
		}
		return file{path: "etl/connect.py", content: "import pyodbc\nimport psycopg2\n\n" + line + "\n", secrets: one(FamDatabase, "conn-string", pw)}
	},

	// --- environment fallbacks
	fallback,

	// --- Bandit B105/B106/B107
	bandit,

	// --- crypto
	func(pr *proj) file {
		g := pr.g
		k := g.fernet()
		var content string
		switch g.r.Intn(3) {
		case 0:
			content = "from cryptography.fernet import Fernet\n\ncipher = Fernet(b\"" + k + "\")\n"
		case 1:
			content = "FERNET_KEY = \"" + k + "\"\n"
		default:
			content = "from cryptography.fernet import Fernet\n\nkey = b'" + k + "'\nf = Fernet(key)\n"
		}
		return file{path: g.pick([]string{"crypto.py", "utils/encryption.py"}), content: content, secrets: one(FamCrypto, "fernet", k)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.fernet()
		return file{path: "airflow/airflow.cfg", content: "[core]\nexecutor = LocalExecutor\nfernet_key = " + k + "\nload_examples = False\n", secrets: one(FamCrypto, "airflow-fernet", k)}
	},
	func(pr *proj) file {
		g := pr.g
		var v, content string
		switch g.r.Intn(4) {
		case 0:
			v = "$2b$12$" + g.strong(alnum+"./", 22)
			content = "import bcrypt\n\nhashed = bcrypt.hashpw(password.encode(), b\"" + v + "\")\n"
		case 1:
			v = g.strong(alnum, 16)
			content = "import hashlib\n\ndk = hashlib.pbkdf2_hmac(\"sha256\", password.encode(), b\"" + v + "\", 600000)\n"
		case 2:
			v = g.strong(alnum, 16)
			content = "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC\n\nkdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=b\"" + v + "\", iterations=480000)\n"
		default:
			v = g.from(digits, 30)
			content = "SECURITY_PASSWORD_SALT = \"" + v + "\"\nSECURITY_PASSWORD_HASH = \"argon2\"\n"
		}
		return file{path: g.pick([]string{"auth/hashing.py", "security.py"}), content: content, secrets: one(FamCrypto, "salt", v)}
	},

	// --- credential files
	func(pr *proj) file {
		g := pr.g
		switch g.r.Intn(3) {
		case 0:
			t := g.hex(40)
			return file{path: ".npmrc", content: "registry=https://registry.npmjs.org/\n//npm.pkg.github.com/:_authToken=" + t + "\n", secrets: one(FamCredFile, "npmrc-token", t)}
		case 1:
			pw := g.plainPassword()
			return file{path: ".npmrc", content: "registry=https://nexus.internal/repository/npm/\n_auth=" + b64s(g.userName()+":"+pw) + "\nalways-auth=true\n", secrets: one(FamCredFile, "npmrc-auth", pw)}
		}
		pw := g.plainPassword()
		return file{path: "frontend/.npmrc", content: "//artifactory.internal/api/npm/npm/:username=" + g.userName() + "\n//artifactory.internal/api/npm/npm/:_password=" + b64s(pw) + "\n", secrets: one(FamCredFile, "npmrc-password", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		return file{path: ".pypirc", content: "[distutils]\nindex-servers =\n    internal\n\n[internal]\nrepository = https://pypi.internal/\nusername = " + g.userName() + "\npassword = " + pw + "\n", secrets: one(FamCredFile, "pypirc", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		if g.chance(0.5) {
			return file{path: "deploy/.netrc", content: "machine git." + pr.name + ".example login " + g.userName() + " password " + pw + "\n", secrets: one(FamCredFile, "netrc", pw)}
		}
		return file{path: "ci/netrc", content: "machine api.heroku.com\n  login ops@" + pr.name + ".example\n  password " + pw + "\n", secrets: one(FamCredFile, "netrc", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		t := "glpat-" + g.strong(alnum, 20)
		if g.chance(0.5) {
			t = g.strong(alnum, 24)
		}
		return file{path: ".git-credentials", content: "https://" + g.userName() + ":" + t + "@gitlab." + pr.name + ".example\n", secrets: one(FamCredFile, "git-credentials", t)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		return file{path: g.pick([]string{".pgpass", "ops/pgpass.conf"}), content: "# hostname:port:database:username:password\n" + g.host() + ":5432:" + pr.name + ":" + g.userName() + ":" + pw + "\n", secrets: one(FamCredFile, "pgpass", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		auth := b64s(g.userName() + ":" + pw)
		if g.chance(0.5) {
			return file{path: ".docker/config.json", content: "{\n  \"auths\": {\n    \"registry." + pr.name + ".example\": {\n      \"auth\": \"" + auth + "\"\n    }\n  }\n}\n", secrets: one(FamCredFile, "docker-config", pw)}
		}
		return file{path: ".dockercfg", content: "{\"https://index.docker.io/v1/\": {\"auth\": \"" + auth + "\", \"email\": \"ops@" + pr.name + ".example\"}}\n", secrets: one(FamCredFile, "dockercfg", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		tok := g.strong(alnum, 32)
		key := g.pick([]string{"DB_PASS", "password", "api-token", "STRIPE_KEY", "redis-auth"})
		ps := []planted{{FamCredFile, "k8s-secret", pw}, {FamCredFile, "k8s-secret", tok}}
		return file{path: "k8s/" + g.pick([]string{"secret.yaml", "db-secret.yml", "prod/secrets.yaml"}), content: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + pr.name + "\n  namespace: prod\ntype: Opaque\ndata:\n  username: " + b64s(g.userName()) + "\n  " + key + ": " + b64s(pw) + "\n  TOKEN: " + b64s(tok) + "\n", secrets: ps}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		cfg := "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + b64s(g.userName()+":"+pw) + "\"}}}"
		return file{path: "k8s/pull-secret.yaml", content: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " + b64s(cfg) + "\n", secrets: one(FamCredFile, "k8s-dockerconfigjson", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		name := g.pick([]string{"DB_PASSWORD", "MAIL_PASSWORD", "API_KEY", "SENTRY_AUTH_TOKEN", "CLIENT_SECRET", "REDIS_PASSWORD"})
		return file{path: g.pick([]string{".env", ".env.local", "config/prod.env"}), content: "APP_ENV=production\n" + name + "=" + pw + "\nLOG_LEVEL=info\n", secrets: one(FamGeneric, "dotenv", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		name := g.pick([]string{"password", "api_key", "client_secret", "db_password", "auth_token"})
		return file{path: g.pick([]string{"config/production.yml", "deploy/values.yaml", "config/app.json"}), content: "service: " + pr.name + "\n" + name + ": \"" + pw + "\"\nreplicas: 3\n", secrets: one(FamGeneric, "config-file", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.hex(128)
		return file{path: "config/secrets.yml", content: "development:\n  secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>\nproduction:\n  secret_key_base: " + k + "\n", secrets: one(FamCredFile, "rails-secrets", k)}
	},
	func(pr *proj) file {
		g := pr.g
		k := g.hex(32)
		return file{path: "config/master.key", content: k, secrets: one(FamCredFile, "rails-master-key", k)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		salt := g.strong(alnum+"!#%&()*+,-./:;<=>?@[]^_{|}~", 64)
		return file{path: "wordpress/wp-config.php", content: "<?php\ndefine( 'DB_NAME', '" + pr.name + "' );\ndefine( 'DB_USER', '" + g.userName() + "' );\ndefine( 'DB_PASSWORD', '" + pw + "' );\ndefine( 'DB_HOST', 'localhost' );\ndefine('AUTH_KEY',         '" + salt + "');\n", secrets: []planted{{FamCredFile, "wp-config", pw}, {FamCredFile, "wp-config", salt}}}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		return file{path: "php/config/database.php", content: "<?php\nreturn [\n    'mysql' => [\n        'host' => 'localhost',\n        'username' => '" + g.userName() + "',\n        'password' => '" + pw + "',\n    ],\n];\n", secrets: one(FamCredFile, "php-config", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		k := "base64:" + g.b64(32)
		pw := g.plainPassword()
		return file{path: "laravel/.env", content: "APP_NAME=" + pr.name + "\nAPP_ENV=production\nAPP_KEY=" + k + "\nDB_CONNECTION=mysql\nDB_PASSWORD=" + pw + "\n", secrets: []planted{{FamCredFile, "laravel-app-key", k}, {FamGeneric, "laravel-env", pw}}}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		if g.chance(0.5) {
			return file{path: "java/src/main/resources/application.properties", content: "spring.datasource.url=jdbc:postgresql://db:5432/" + pr.name + "\nspring.datasource.username=" + g.userName() + "\nspring.datasource.password=" + pw + "\n", secrets: one(FamCredFile, "spring-properties", pw)}
		}
		return file{path: "java/src/main/resources/application-prod.yml", content: "spring:\n  datasource:\n    url: jdbc:mysql://db/" + pr.name + "\n    password: " + pw + "\n", secrets: one(FamCredFile, "spring-yaml", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		if g.chance(0.5) {
			h := "$6$" + g.strong(alnum+"./", 16) + "$" + g.strong(alnum+"./", 86)
			return file{path: "ops/etc/shadow", content: "root:*:19700:0:99999:7:::\n" + g.userName() + ":" + h + ":19700:0:99999:7:::\n", secrets: one(FamHash, "shadow", h)}
		}
		h := "$apr1$" + g.strong(alnum+"./", 8) + "$" + g.strong(alnum+"./", 22)
		return file{path: "nginx/.htpasswd", content: g.userName() + ":" + h + "\n", secrets: one(FamHash, "htpasswd", h)}
	},
	func(pr *proj) file {
		g := pr.g
		b := "$2b$12$" + g.strong(alnum+"./", 53)
		a := "$argon2id$v=19$m=65536,t=3,p=4$" + strings.TrimRight(g.b64(16), "=") + "$" + strings.TrimRight(g.b64(32), "=")
		d := "pbkdf2_sha256$600000$" + g.strong(alnum, 22) + "$" + g.b64(32)
		return file{path: "backups/" + g.pick([]string{"users.sql", "dump-2024.sql"}), content: "INSERT INTO auth_user (id, username, password) VALUES\n(1, 'admin', '" + b + "'),\n(2, 'ops', '" + a + "'),\n(3, 'dev', '" + d + "');\n", secrets: []planted{{FamHash, "sql-dump", b}, {FamHash, "sql-dump", a}, {FamHash, "sql-dump", d}}}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		return file{path: "tools/sitemanager.xml", content: "<FileZilla3>\n<Servers>\n<Server>\n<Host>ftp." + pr.name + ".example</Host>\n<Port>21</Port>\n<User>" + g.userName() + "</User>\n<Pass encoding=\"base64\">" + b64s(pw) + "</Pass>\n</Server>\n</Servers>\n</FileZilla3>\n", secrets: one(FamCredFile, "filezilla", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		if g.chance(0.5) {
			return file{path: ".idea/webServers.xml", content: "<project version=\"4\">\n  <component name=\"WebServers\">\n    <option name=\"servers\">\n      <webServer id=\"1\" name=\"prod\">\n        <fileTransfer host=\"" + pr.name + ".example\" port=\"22\" accessType=\"SFTP\">\n          <option name=\"password\" value=\"" + pw + "\" />\n        </fileTransfer>\n      </webServer>\n    </option>\n  </component>\n</project>\n", secrets: one(FamCredFile, "jetbrains", pw)}
		}
		return file{path: ".m2/settings.xml", content: "<settings>\n  <servers>\n    <server>\n      <id>nexus</id>\n      <username>" + g.userName() + "</username>\n      <password>" + pw + "</password>\n    </server>\n  </servers>\n</settings>\n", secrets: one(FamCredFile, "maven", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		return file{path: ".vscode/sftp.json", content: "{\n    \"name\": \"prod\",\n    \"host\": \"" + pr.name + ".example\",\n    \"protocol\": \"sftp\",\n    \"username\": \"" + g.userName() + "\",\n    \"password\": \"" + pw + "\",\n    \"remotePath\": \"/srv/www\"\n}\n", secrets: one(FamCredFile, "vscode-sftp", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		key := g.b64(64)
		return file{path: "infra/terraform.tfstate", content: "{\n  \"version\": 4,\n  \"resources\": [\n    {\n      \"type\": \"aws_db_instance\",\n      \"instances\": [\n        {\n          \"attributes\": {\n            \"username\": \"" + g.userName() + "\",\n            \"password\": \"" + pw + "\",\n            \"primary_access_key\": \"" + key + "\",\n            \"arn\": \"arn:aws:rds:eu-west-1:123456789012:db:" + pr.name + "\"\n          }\n        }\n      ]\n    }\n  ]\n}\n", secrets: []planted{{FamCredFile, "tfstate", pw}, {FamCredFile, "tfstate", key}}}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		return file{path: "notebooks/debug.ipynb", content: notebook("import os\n", "print(\\\"DB_PASSWORD=\\\" + os.environ[\\\"DB_PASSWORD\\\"])\n", "DB_PASSWORD="+pw+"\n"), secrets: one(FamCredFile, "notebook-output", pw)}
	},
	func(pr *proj) file {
		g := pr.g
		pw := g.plainPassword()
		auth := b64s(g.userName() + ":" + pw)
		if g.chance(0.5) {
			return file{path: "scripts/healthcheck.sh", content: "#!/bin/sh\ncurl -fsS -H \"Authorization: Basic " + auth + "\" https://api." + pr.name + ".example/health\n", secrets: one(FamCredFile, "basic-auth", pw)}
		}
		return file{path: "scripts/sync.py", content: "import requests\n\nHEADERS = {\"Authorization\": \"Basic " + auth + "\"}\nrequests.get(URL, headers=HEADERS)\n", secrets: one(FamCredFile, "basic-auth", pw)}
	},

	func(pr *proj) file {
		g := pr.g
		tok := g.strong(alnum, 40)
		switch g.r.Intn(3) {
		case 0:
			return file{path: "scripts/export.py", content: "import requests\n\nresp = requests.get(API, headers={\"Authorization\": \"Bearer " + tok + "\"})\n", secrets: one(FamCredFile, "bearer", tok)}
		case 1:
			pw := g.password()
			return file{path: "scripts/ldap_sync.py", content: "import ldap\n\nconn = ldap.initialize(\"ldap://ldap.internal\")\nconn.simple_bind_s(\"cn=svc,dc=" + pr.name + ",dc=org\", \"" + pw + "\")\n", secrets: one(FamPython, "ldap-bind", pw)}
		}
		pw := g.password()
		return file{path: "scripts/upload.py", content: "from ftplib import FTP\n\nftp = FTP(\"ftp." + pr.name + ".example\", \"" + g.userName() + "\", \"" + pw + "\")\n", secrets: one(FamPython, "ftp", pw)}
	},

	// --- provider tokens
	func(pr *proj) file {
		g := pr.g
		switch g.r.Intn(3) {
		case 0:
			id := "AKIA" + g.strong(upper+"234567", 16)
			return file{path: "deploy/aws.py", content: "import boto3\n\ns3 = boto3.client(\"s3\", aws_access_key_id=\"" + id + "\", region_name=\"eu-west-1\")\n", secrets: one(FamProvider, "aws", id)}
		case 1:
			t := "ghp_" + g.strong(alnum, 36)
			return file{path: ".github/scripts/release.sh", content: "#!/bin/sh\nexport GITHUB_TOKEN=" + t + "\ngh release create \"$1\"\n", secrets: one(FamProvider, "github", t)}
		}
		t := "sk_live_" + g.strong(alnum, 32)
		return file{path: "payments/stripe_conf.py", content: "import stripe\n\nstripe.api_key = \"" + t + "\"\n", secrets: one(FamProvider, "stripe", t)}
	},
}

// notebook returns a Jupyter notebook with one code cell (source lines,
// already JSON-escaped) and, if given, one line of stream output.
func notebook(src ...string) string {
	var out string
	if len(src) > 2 {
		out = src[2]
		src = src[:2]
	}
	var b strings.Builder
	b.WriteString("{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": 1,\n   \"metadata\": {},\n   \"outputs\": [")
	if out != "" {
		b.WriteString("\n    {\n     \"name\": \"stdout\",\n     \"output_type\": \"stream\",\n     \"text\": [\n      \"" + strings.TrimSuffix(out, "\n") + "\\n\"\n     ]\n    }\n   ")
	}
	b.WriteString("],\n   \"source\": [\n")
	for i, s := range src {
		b.WriteString("    \"" + strings.TrimSuffix(s, "\n") + "\\n\"")
		if i < len(src)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("   ]\n  }\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n")
	return b.String()
}

// fallback plants a secret as the default of an environment lookup.
func fallback(pr *proj) file {
	g := pr.g
	v := g.password()
	name := g.pick([]string{"SECRET_KEY", "DB_PASSWORD", "API_TOKEN", "STRIPE_WEBHOOK_SECRET", "JWT_SECRET", "SENDGRID_API_KEY", "OAUTH_CLIENT_SECRET"})
	if name == "SECRET_KEY" {
		v = g.djangoKey()
	}
	q := func(s string) string { return g.pick([]string{"'" + s + "'", "\"" + s + "\""}) }
	var line string
	switch g.r.Intn(8) {
	case 0:
		line = name + " = config(" + q(name) + ", default=" + q(v) + ")"
	case 1:
		line = name + " = config(" + q(name) + ", cast=str, default=" + q(v) + ")"
	case 2:
		line = name + " = env(" + q(name) + ", default=" + q(v) + ")"
	case 3:
		line = name + " = env.str(" + q(name) + ", default=" + q(v) + ")"
	case 4:
		line = name + " = os.environ.get(" + q(name) + ", " + q(v) + ")"
	case 5:
		line = name + " = os.getenv(" + q(name) + ", " + q(v) + ")"
	case 6:
		line = "os.environ.setdefault(" + q(name) + ", " + q(v) + ")"
	default:
		line = name + " = os.environ.get(" + q(name) + ") or " + q(v)
	}
	return file{path: g.pick([]string{"settings/base.py", "config.py", "core/conf.py"}), content: "import os\n\nfrom decouple import config\nimport environ\n\nenv = environ.Env()\n" + line + "\nDEBUG = config(\"DEBUG\", default=False, cast=bool)\n", secrets: one(FamEnvFallback, "fallback", v)}
}

// bandit plants a password the way Bandit's B105, B106 and B107 see them.
func bandit(pr *proj) file {
	g := pr.g
	pw := g.password()
	var content string
	switch g.r.Intn(9) {
	case 0:
		content = "import psycopg2\n\nconn = psycopg2.connect(host=\"" + g.host() + "\", user=\"" + g.userName() + "\", password=" + g.pyString(pw) + ")\n"
	case 1:
		content = "import redis\n\ncache = redis.Redis(host=\"cache\", port=6379, password=" + g.pyString(pw) + ")\n"
	case 2:
		content = "def connect(user=\"app\", password=" + g.pyString(pw) + "):\n    return Client(user, password)\n"
	case 3:
		content = "class Client:\n    def __init__(self):\n        self.api_token = " + g.pyString(pw) + "\n"
	case 4:
		content = "CONFIG = {\n    \"client_id\": \"" + pr.name + "\",\n    \"client_secret\": \"" + pw + "\",\n}\n"
	case 5:
		content = "import smtplib\n\nserver = smtplib.SMTP_SSL(\"smtp.example.com\")\nserver.login(\"alerts@" + pr.name + ".example\", \"" + pw + "\")\n"
	case 6:
		content = "import requests\n\nr = requests.get(URL, auth=(\"" + g.userName() + "\", \"" + pw + "\"))\n"
	case 7:
		content = "AUTH_LDAP_BIND_DN = \"cn=svc,dc=example,dc=com\"\nAUTH_LDAP_BIND_PASSWORD" + g.annotation() + " = " + g.pyString(pw) + "\n"
	default:
		content = "import paramiko\n\nssh = paramiko.SSHClient()\nssh.connect(\"" + g.host() + "\", username=\"" + g.userName() + "\", passwd=" + g.pyString(pw) + ")\n"
	}
	return file{path: g.pick([]string{"services/client.py", "tasks.py", "utils/mail.py", "integrations/api.py"}), content: content, secrets: one(FamPython, "bandit", pw)}
}
