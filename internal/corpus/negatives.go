package corpus

import (
	"encoding/base64"
	"strings"
)

// pem wraps random base64 in PEM armour of the given type.
func (g *gen) pem(kind string, n int) string {
	b := make([]byte, n)
	g.r.Read(b)
	body := base64.StdEncoding.EncodeToString(b)
	var lines []string
	for len(body) > 64 {
		lines = append(lines, body[:64])
		body = body[64:]
	}
	lines = append(lines, body)
	return "-----BEGIN " + kind + "-----\n" + strings.Join(lines, "\n") + "\n-----END " + kind + "-----\n"
}

// negatives are hard negatives: content that names, looks like or stands
// for a secret without being one. None may be reported.
var negatives = []template{
	// environment lookups and references
	func(pr *proj) file {
		return file{path: "settings/production.py", content: "import os\nfrom decouple import config\nimport environ\n\nenv = environ.Env()\n\nSECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\nSECRET_KEY = config(\"SECRET_KEY\")\nDATABASES = {\"default\": env.db(\"DATABASE_URL\")}\nEMAIL_HOST_PASSWORD = env(\"EMAIL_HOST_PASSWORD\")\nAPI_TOKEN = os.getenv(\"API_TOKEN\")\nDB_PASSWORD = os.environ.get(\"DB_PASSWORD\", \"\")\nSTRIPE_KEY = config(\"STRIPE_KEY\", default=None)\nREDIS_URL = os.getenv(\"REDIS_URL\", \"redis://localhost:6379/0\")\nSECRET_KEY = get_random_secret_key()\n"}
	},
	func(pr *proj) file {
		return file{path: "core/signing.py", content: "from django.conf import settings\nfrom django.core import signing\nfrom django.core.signing import Signer\n\nsigner = Signer(settings.SECRET_KEY)\nkey = settings.SECRET_KEY\nvalue = signing.dumps(obj, salt=\"newsletter.unsubscribe\")\njwt.encode(payload, settings.SECRET_KEY, algorithm=\"HS256\")\n"}
	},
	func(pr *proj) file {
		return file{path: "services/db.py", content: "def connect(host, user, password, token=None):\n    conn = psycopg2.connect(host=host, user=user, password=password)\n    client = Client(api_key=api_key, token=token, secret=self.secret)\n    session.query(User).options(key=attributes.PASSIVE_OFF)\n    token = request.headers[\"Authorization\"]\n    password = request.POST.get(\"password\")\n    token = request.headers.get(\"X-Api-Token\")\n    return conn\n"}
	},
	func(pr *proj) file {
		return file{path: "k8s/deployment.yaml", content: "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          env:\n            - name: SECRET_KEY\n              valueFrom:\n                secretKeyRef:\n                  name: " + pr.name + "\n                  key: secret-key\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: db, key: password}\n"}
	},
	// templates and placeholders
	func(pr *proj) file {
		return file{path: "helm/templates/secret.yaml", content: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\nstringData:\n  password: \"{{ .Values.db.password }}\"\n  api_key: {{ .Values.apiKey | quote }}\n  token: ${API_TOKEN}\n"}
	},
	func(pr *proj) file {
		return file{path: ".env.example", content: "SECRET_KEY=changeme\nDJANGO_SECRET_KEY=<your-secret-key>\nAPI_KEY=your-api-key-here\nDB_PASSWORD=<password>\nAUTH_TOKEN=xxxxxxxxxxxxxxxx\nSMTP_PASSWORD=********\nDATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@localhost/" + pr.name + "\nSTRIPE_SECRET_KEY=\n"}
	},
	func(pr *proj) file {
		return file{path: "ansible/group_vars/all.yml", content: "db_password: \"{{ vault_db_password }}\"\napi_token: \"{{ lookup('env', 'API_TOKEN') }}\"\nsecret_key: \"%(SECRET_KEY)s\"\n"}
	},
	func(pr *proj) file {
		return file{path: "logging.ini", content: "[handler_smtp]\nargs=('localhost', 'from@example.com', ['ops@example.com'], 'Error', ('%(smtp_user)s', '%(smtp_password)s'))\n"}
	},
	// documentation examples
	func(pr *proj) file {
		return file{path: "docs/deploy.md", content: "Set credentials:\n\n    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n    export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\nFor FastAPI, generate `SECRET_KEY = \"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7\"`\nwith `openssl rand -hex 32`. Connect with `engine = create_engine(\"postgresql://scott:tiger@localhost/test\")`\nor `amqp://guest:guest@localhost:5672//`. Send `Authorization: Basic " + b64s("user:password") + "`.\n"}
	},
	// test fixtures with weak passwords
	func(pr *proj) file {
		g := pr.g
		return file{path: "tests/test_" + g.pick([]string{"auth", "views", "api", "login"}) + ".py", content: "from django.test import TestCase\n\n\nclass LoginTest(TestCase):\n    def setUp(self):\n        self.user = User.objects.create_user(username=\"bob\", password=\"testpass\")\n        self.client.login(username=\"admin\", password=\"password\")\n        self.user.set_password(\"secret\")\n        self.token = \"abc\"\n        self.api_key = \"test-api-key\"\n\n    def test_login(self, password=\"hunter2\"):\n        resp = self.client.post(\"/login\", {\"password\": \"password123\", \"token\": \"test-token\"})\n        assert resp.status_code == 200\n"}
	},
	// code that names a secret
	func(pr *proj) file {
		return file{path: "accounts/forms.py", content: "from django import forms\n\nPASSWORD_MIN_LENGTH = 12\nTOKEN_URL = \"https://login.example.com/oauth2/token\"\ntoken_type = \"bearer\"\nSECRET_NAME = \"prod/" + pr.name + "/database\"\nSECRET_ARN = \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf\"\npassword_field = \"password\"\nPASSWORD_RESET_TEMPLATE = \"registration/password_reset_email.html\"\nerror = \"Invalid password, please try again.\"\nTOKEN_RE = r\"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\"\n\n\nclass LoginForm(forms.Form):\n    password = forms.CharField(widget=forms.PasswordInput)\n"}
	},
	// identifiers: UUIDs, git SHAs, checksums
	func(pr *proj) file {
		g := pr.g
		return file{path: "migrations/0002_" + g.pick(words) + ".py", content: "revision = \"" + g.from("0123456789abcdef", 12) + "\"\ndown_revision = \"" + g.from("0123456789abcdef", 12) + "\"\nCOMMIT_SHA = \"" + g.from("0123456789abcdef", 40) + "\"\nREQUEST_ID = \"" + g.uuid() + "\"\ntenant = uuid.UUID(\"" + g.uuid() + "\")\nEXPECTED_SHA256 = \"" + g.from("0123456789abcdef", 64) + "\"\nmd5sum = \"" + g.from("0123456789abcdef", 32) + "\"\n"}
	},
	func(pr *proj) file {
		g := pr.g
		return file{path: "fixtures/orders.json", content: "[{\"model\": \"shop.order\", \"pk\": \"" + g.uuid() + "\", \"fields\": {\"checksum\": \"" + g.from("0123456789abcdef", 40) + "\", \"etag\": \"" + g.from("0123456789abcdef", 32) + "\"}}]\n"}
	},
	func(pr *proj) file {
		g := pr.g
		return file{path: "poetry.lock", content: "[[package]]\nname = \"django\"\nversion = \"5.0.6\"\nfiles = [\n    {file = \"Django-5.0.6-py3-none-any.whl\", hash = \"sha256:" + g.from("0123456789abcdef", 64) + "\"},\n]\n"}
	},
	func(pr *proj) file {
		g := pr.g
		return file{path: "frontend/package-lock.json", content: "{\n  \"packages\": {\n    \"node_modules/react\": {\n      \"version\": \"18.3.1\",\n      \"integrity\": \"sha512-" + g.b64(64) + "\"\n    }\n  }\n}\n"}
	},
	func(pr *proj) file {
		return file{path: "requirements/prod.txt", content: pr.g.requirements()}
	},
	// public keys, certificates, publishable keys, client ids
	func(pr *proj) file {
		g := pr.g
		return file{path: "certs/" + g.pick([]string{"server.crt", "ca.pem", "jwt_public.pem"}), content: g.pem(g.pick([]string{"CERTIFICATE", "PUBLIC KEY", "RSA PUBLIC KEY"}), 270)}
	},
	func(pr *proj) file {
		g := pr.g
		return file{path: "deploy/authorized_keys", content: "ssh-ed25519 " + g.b64(51) + " deploy@" + pr.name + "\nssh-rsa " + g.b64(279) + " ops@laptop\n"}
	},
	func(pr *proj) file {
		g := pr.g
		return file{path: "settings/payments.py", content: "STRIPE_PUBLISHABLE_KEY = \"pk_live_" + g.strong(alnum, 32) + "\"\nSTRIPE_TEST_PUBLISHABLE_KEY = \"pk_test_" + g.strong(alnum, 32) + "\"\nGOOGLE_CLIENT_ID = \"" + g.from(digits, 12) + "-" + g.from(lower+digits, 32) + ".apps.googleusercontent.com\"\nGITHUB_CLIENT_ID = \"Iv1." + g.from("0123456789abcdef", 16) + "\"\nSENTRY_DSN = \"https://" + g.from("0123456789abcdef", 32) + "@o12345.ingest.sentry.io/678\"\n"}
	},
	// generated assets
	func(pr *proj) file {
		g := pr.g
		return file{path: "static/js/vendor.min.js", content: "!function(e){var t={apiKey:\"" + g.strong(alnum, 39) + "\",token:\"" + g.strong(alnum, 40) + "\",secret:\"" + g.strong(alnum, 24) + "\"};e.cfg=t}(window);\n"}
	},
	// encoded values that are not secrets
	func(pr *proj) file {
		g := pr.g
		return file{path: "k8s/configmap.yaml", content: "apiVersion: v1\nkind: ConfigMap\ndata:\n  greeting: " + b64s("hello world from "+pr.name) + "\n  caBundle: " + base64.StdEncoding.EncodeToString([]byte(g.pem("CERTIFICATE", 90))) + "\n"}
	},
	func(pr *proj) file {
		return file{path: "k8s/user-secret.yaml", content: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-user\ndata:\n  username: " + b64s(pr.g.userName()) + "\n  database: " + b64s(pr.name) + "\n  password: " + b64s("changeme") + "\n"}
	},
	func(pr *proj) file {
		g := pr.g
		return file{path: "tests/test_hashers.py", content: "BCRYPT_HASH = \"$2b$12$" + g.strong(alnum+"./", 53) + "\"\nDJANGO_HASH = \"pbkdf2_sha256$600000$" + g.strong(alnum, 22) + "$" + g.b64(32) + "\"\n"}
	},
	func(pr *proj) file {
		g := pr.g
		return file{path: "static/img/logo.svg.b64", content: g.b64(600) + "\n"}
	},
	// more code and configuration that only looks like secrets
	func(pr *proj) file {
		g := pr.g
		return file{path: "app/" + g.pick([]string{"utils.py", "services.py", "helpers.py"}), content: "import getpass\nimport secrets\n\nSECRET_KEY = os.environ.get(\"SECRET_KEY\", \"\")\npassword = getpass.getpass()\ntoken = secrets.token_urlsafe(32)\napi_key = settings.API_KEY\nDATABASE_URL = \"sqlite:///db.sqlite3\"\nREDIS_URL = \"redis://localhost:6379/0\"\nheaders = {\"Authorization\": f\"Bearer {token}\"}\nTOKEN_EXPIRY = \"3600\"\nSECRET_KEY_FALLBACKS = []\nassert resp.json()[\"token\"] == \"" + g.strong(alnum, 16) + "\"\npassword_hash = \"pbkdf2_sha256$600000$" + g.strong(alnum, 22) + "$" + g.b64(32) + "\"\n"}
	},
	func(pr *proj) file {
		return file{path: "{{cookiecutter.project_slug}}/config/settings.py", content: "SECRET_KEY = \"{{ cookiecutter.secret_key }}\"\nDATABASES = {\"default\": {\"PASSWORD\": \"{{ cookiecutter.db_password }}\"}}\n"}
	},
	func(pr *proj) file {
		return file{path: "docs/" + pr.g.pick([]string{"setup.md", "install.rst", "deployment.md"}), content: "Point the app at a database:\n\n    DATABASE_URL=postgres://postgres:postgres@localhost:5432/app\n    MYSQL_URL=mysql://root:root@localhost/app\n    MONGO_URL=mongodb://admin:admin@localhost:27017\n    REDIS_URL=redis://:foobared@localhost:6379\n    BROKER_URL=amqp://guest:guest@localhost:5672//\n\nand set `password: \"{{ vault_password }}\"` in the inventory.\n"}
	},
	func(pr *proj) file {
		g := pr.g
		return file{path: "db/seed.sql", content: "INSERT INTO users (id, email, password) VALUES (1, 'a@example.com', '" + g.from("0123456789abcdef", 32) + "');\n-- id: " + g.uuid() + "\n"}
	},

	// names that look secret, values that are code
	func(pr *proj) file {
		return file{path: "app/constants.py", content: "SECRET_KEY_SETTING = \"SECRET_KEY\"\nPASSWORD_HASHERS = [\n    \"django.contrib.auth.hashers.Argon2PasswordHasher\",\n]\nAUTH_USER_MODEL = \"accounts.User\"\nDEFAULT_TOKEN_BACKEND = \"rest_framework.authtoken.models.Token\"\napi_key_header = \"X-Api-Key\"\nsecret_key_path = \"/run/secrets/django\"\ncsrf_token = \"csrfmiddlewaretoken\"\n"}
	},
}
