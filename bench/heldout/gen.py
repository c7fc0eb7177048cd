#!/usr/bin/env python3
"""Builds a Django/Flask-style history with planted secrets and decoys, the
way an outside tester might, and writes expected.json."""
import json, os, random, string, subprocess, sys, base64, uuid

R = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 42)
root = sys.argv[1]
os.makedirs(root, exist_ok=True)

def git(*a, **kw):
    env = dict(os.environ, GIT_AUTHOR_NAME="Tess Ter", GIT_AUTHOR_EMAIL="tess@example.org",
               GIT_COMMITTER_NAME="Tess Ter", GIT_COMMITTER_EMAIL="tess@example.org")
    if "date" in kw:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = kw["date"]
    return subprocess.run(["git", *a], cwd=root, env=env, check=True, capture_output=True, text=True).stdout.strip()

def rs(n, cs=string.ascii_letters + string.digits):
    return "".join(R.choice(cs) for _ in range(n))

def hexs(n): return rs(n, "0123456789abcdef")
def dj(): return "".join(R.choice("abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)") for _ in range(50))

day = [0]
def commit(msg):
    day[0] += 1
    git("add", "-A")
    git("commit", "-q", "-m", msg, date=f"2023-01-{day[0]:02d}T10:00:00 +0000" if day[0] <= 28 else f"2023-02-{day[0]-28:02d}T10:00:00 +0000")
    return git("rev-parse", "HEAD")

def write(path, text):
    p = os.path.join(root, path)
    os.makedirs(os.path.dirname(p) or ".", exist_ok=True)
    with open(p, "w") as f:
        f.write(text)

def rm(path):
    git("rm", "-q", path)

expected = []  # (kind, secret, file, commit-placeholder)
def plant(kind, secret, file):
    expected.append({"kind": kind, "secret": secret, "file": file})

git("init", "-q", "-b", "main")
write("README.md", "# shop\n\nA Django shop.\n")
write("manage.py", "#!/usr/bin/env python\nimport os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n")
c = commit("initial")

# --- Django settings with SECRET_KEY and DATABASES
k1 = "django-insecure-" + dj()
pw1 = "Pg!" + rs(11)
write("shop/settings.py", f"""import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = '{k1}'

DEBUG = True
ALLOWED_HOSTS = []

DATABASES = {{
    'default': {{
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': 'shop',
        'USER': 'shop',
        'PASSWORD': '{pw1}',
        'HOST': 'localhost',
        'PORT': '5432',
    }}
}}
""")
plant("django-secret-key", k1, "shop/settings.py")
plant("db-password", pw1, "shop/settings.py")
commit("settings")

# --- .env with various
pw_env = rs(16)
aws_id = "AKIA" + rs(16, string.ascii_uppercase + "234567")
aws_secret = rs(40, string.ascii_letters + string.digits + "/+")
stripe = "sk_live_" + rs(24)
write(".env", f"""DEBUG=1
DATABASE_URL=postgres://shop:{pw_env}@db.internal:5432/shop
AWS_ACCESS_KEY_ID={aws_id}
AWS_SECRET_ACCESS_KEY={aws_secret}
STRIPE_SECRET_KEY={stripe}
""")
plant("url-password", pw_env, ".env")
plant("aws-key-id", aws_id, ".env")
plant("aws-secret", aws_secret, ".env")
plant("stripe", stripe, ".env")
commit("add env")
rm(".env")
write(".gitignore", ".env\n")
commit("remove env file")

# --- settings refactor to env lookups (decoys) keeping the old key? new file
k2 = dj()
write("shop/settings/base.py", f"""import os
from decouple import config

SECRET_KEY = config('SECRET_KEY', default='{k2}')
DEBUG = config('DEBUG', default=False, cast=bool)
EMAIL_HOST_PASSWORD = os.environ.get('EMAIL_HOST_PASSWORD')
SENDGRID_API_KEY = os.getenv('SENDGRID_API_KEY')
""")
plant("decouple-default", k2, "shop/settings/base.py")
write("shop/settings/prod.py", """from .base import *
import os
SECRET_KEY = os.environ['SECRET_KEY']
DATABASES = {'default': {'PASSWORD': os.environ.get('DB_PASSWORD', '')}}
""")
rm("shop/settings.py")
commit("split settings")

# --- celery/redis/sqlalchemy URLs
redis_pw = rs(20)
amqp_pw = rs(14)
mongo_pw = rs(18)
mysql_pw = "my$ql" + rs(8)
write("shop/celery.py", f"""from celery import Celery
app = Celery('shop', broker='amqp://shop:{amqp_pw}@rabbitmq:5672//')
app.conf.result_backend = 'redis://:{redis_pw}@cache.internal:6379/1'
""")
write("scripts/migrate_legacy.py", f"""from sqlalchemy import create_engine
import pymongo
engine = create_engine('mysql+pymysql://root:{mysql_pw}@legacy-db/shop')
client = pymongo.MongoClient('mongodb+srv://admin:{mongo_pw}@cluster0.abcde.mongodb.net/shop?retryWrites=true')
""")
plant("amqp", amqp_pw, "shop/celery.py")
plant("redis", redis_pw, "shop/celery.py")
plant("mysql", mysql_pw, "scripts/migrate_legacy.py")
plant("mongo", mongo_pw, "scripts/migrate_legacy.py")
commit("celery and legacy migration")

# --- provider tokens in various files
gh = "ghp_" + rs(36)
ghf = "github_pat_" + rs(22) + "_" + rs(59)
glpat = "glpat-" + rs(20, string.ascii_letters + string.digits + "-_")
slack = f"xoxb-{R.randint(10**10, 10**11)}-{R.randint(10**12, 10**13)}-{rs(24)}"
hook = f"https://hooks.slack.com/services/T{rs(8, string.ascii_uppercase+string.digits)}/B{rs(10, string.ascii_uppercase+string.digits)}/{rs(24)}"
write(".github/workflows/deploy.yml", f"""name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      GITHUB_TOKEN: {gh}
      SLACK_WEBHOOK: {hook}
    steps:
      - uses: actions/checkout@v4
      - run: ./deploy.sh
""")
write(".gitlab-ci.yml", f"""variables:
  GITLAB_TOKEN: "{glpat}"
deploy:
  script:
    - curl --header "PRIVATE-TOKEN: $GITLAB_TOKEN" https://gitlab.example.com/api/v4/projects
""")
write("scripts/notify.py", f"""import requests
SLACK_BOT_TOKEN = "{slack}"
GH = "{ghf}"
""")
plant("github", gh, ".github/workflows/deploy.yml")
plant("slack-webhook", hook, ".github/workflows/deploy.yml")
plant("gitlab", glpat, ".gitlab-ci.yml")
plant("slack-bot", slack, "scripts/notify.py")
plant("github-fine", ghf, "scripts/notify.py")
commit("ci and notifications")

# --- AI and mail
openai = "sk-proj-" + rs(20) + "T3BlbkFJ" + rs(20)
anthropic = "sk-ant-api03-" + rs(93, string.ascii_letters + string.digits + "-_") + "AA"
sendgrid = "SG." + rs(22) + "." + rs(43)
twilio_sid = "AC" + hexs(32)
twilio_tok = hexs(32)
gkey = "AIza" + rs(35, string.ascii_letters + string.digits + "-_")
write("shop/integrations.py", f"""import openai
openai.api_key = "{openai}"
ANTHROPIC_API_KEY = "{anthropic}"
SENDGRID_API_KEY = "{sendgrid}"
TWILIO_ACCOUNT_SID = "{twilio_sid}"
TWILIO_AUTH_TOKEN = "{twilio_tok}"
GOOGLE_MAPS_API_KEY = "{gkey}"
""")
plant("openai", openai, "shop/integrations.py")
plant("anthropic", anthropic, "shop/integrations.py")
plant("sendgrid", sendgrid, "shop/integrations.py")
plant("twilio-token", twilio_tok, "shop/integrations.py")
plant("google-api", gkey, "shop/integrations.py")
commit("integrations")

# --- registries
npm = "npm_" + rs(36)
pypi = "pypi-AgEIcHlwaS5vcmc" + rs(70, string.ascii_letters + string.digits + "-_")
write(".npmrc", f"//registry.npmjs.org/:_authToken={npm}\n")
write(".pypirc", f"""[distutils]
index-servers = pypi

[pypi]
username = __token__
password = {pypi}
""")
plant("npm", npm, ".npmrc")
plant("pypi", pypi, ".pypirc")
commit("publishing config")

# --- private keys
body = "\n".join(base64.b64encode(bytes(R.getrandbits(8) for _ in range(48))).decode() for _ in range(20))
pem = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + body + "\n-----END RSA " + "PRIVATE KEY-----"
write("deploy/id_rsa", pem + "\n")
plant("pem", pem, "deploy/id_rsa")
sa_key = "-----BEGIN " + "PRIVATE KEY-----\\n" + "\\n".join(base64.b64encode(bytes(R.getrandbits(8) for _ in range(48))).decode() for _ in range(16)) + "\\n-----END " + "PRIVATE KEY-----\\n"
write("deploy/gcp-sa.json", json.dumps({"type": "service_account", "project_id": "shop-prod", "private_key_id": hexs(40),
    "private_key": "PLACEHOLDER", "client_email": "deploy@shop-prod.iam.gserviceaccount.com", "client_id": str(R.randint(10**20, 10**21))}, indent=2).replace("PLACEHOLDER", sa_key) + "\n")
plant("gcp-sa", sa_key, "deploy/gcp-sa.json")
commit("deploy keys")

# --- flask app on a branch never merged, with secret_key and fernet
git("checkout", "-q", "-b", "flask-experiment")
fk = rs(24)
fernet = base64.urlsafe_b64encode(bytes(R.getrandbits(8) for _ in range(32))).decode()
jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.urlsafe_b64encode(json.dumps({"sub": str(R.randint(1, 9999)), "admin": True}).encode()).decode().rstrip("=") + "." + rs(43, string.ascii_letters + string.digits + "-_")
write("flaskapp/app.py", f"""from flask import Flask
from cryptography.fernet import Fernet
app = Flask(__name__)
app.secret_key = '{fk}'
cipher = Fernet(b'{fernet}')
SERVICE_JWT = "{jwt}"
""")
plant("flask", fk, "flaskapp/app.py")
plant("fernet", fernet, "flaskapp/app.py")
plant("jwt", jwt, "flaskapp/app.py")
commit("flask experiment")
git("checkout", "-q", "main")

# --- merge with a secret only in the merge result
git("checkout", "-q", "-b", "payments")
write("shop/payments.py", "import stripe\n")
commit("payments module")
git("checkout", "-q", "main")
write("shop/orders.py", "ORDERS = []\n")
commit("orders")
git("merge", "-q", "--no-commit", "--no-ff", "payments")
evil = "rk_live_" + rs(24)
write("shop/payments.py", f"import stripe\nstripe.api_key = '{evil}'\n")
git("add", "-A")
git("commit", "-q", "-m", "Merge branch 'payments'", date="2023-02-20T10:00:00 +0000")
plant("stripe-restricted", evil, "shop/payments.py")

# --- generic assignments in various formats
p_py = "Tr0ub4dor&" + rs(6)
p_yaml = rs(18)
p_json = rs(24)
p_ini = "pa55-" + rs(10)
tok_env = rs(32)
write("shop/services/ldap.py", f"""import ldap
def bind():
    conn = ldap.initialize('ldap://ldap.internal')
    conn.simple_bind_s('cn=admin,dc=shop,dc=internal', password='{p_py}')
""")
write("config/app.yaml", f"""database:
  host: db.internal
  user: shop
  password: {p_yaml}
""")
write("config/services.json", json.dumps({"payments": {"api_key": p_json, "url": "https://pay.example.com"}}, indent=2) + "\n")
write("config/legacy.ini", f"""[database]
host = legacy
user = admin
password = {p_ini}
""")
write("deploy/.env.production", f"API_TOKEN={tok_env}\nDEBUG=0\n")
plant("generic-py-kwarg", p_py, "shop/services/ldap.py")
plant("generic-yaml", p_yaml, "config/app.yaml")
plant("generic-json", p_json, "config/services.json")
plant("generic-ini", p_ini, "config/legacy.ini")
plant("generic-env", tok_env, "deploy/.env.production")
commit("service configs")

# --- decoys
write("docs/setup.md", """# Setup

Set your credentials:

    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    export DATABASE_URL=postgres://user:password@localhost:5432/shop
    export STRIPE_SECRET_KEY=sk_test_...
    export API_KEY=<your-api-key>

Use `settings.SECRET_KEY` to sign cookies.
""")
write("requirements.txt", "Django==4.2.7 \\\n    --hash=sha256:" + hexs(64) + "\n")
write("poetry.lock", '[[package]]\nname = "django"\nversion = "4.2.7"\nfiles = [\n    {file = "Django-4.2.7.tar.gz", hash = "sha256:' + hexs(64) + '"},\n]\n')
write("package-lock.json", json.dumps({"packages": {"node_modules/left-pad": {"integrity": "sha512-" + base64.b64encode(bytes(64)).decode()}}}) + "\n")
write("shop/views.py", f"""from django.conf import settings
import hashlib, uuid
from django.core.signing import Signer

def sign(value, request):
    signer = Signer(settings.SECRET_KEY)
    token = request.headers['Authorization']
    session_id = '{uuid.UUID(int=R.getrandbits(128))}'
    commit = '{hexs(40)}'
    digest = hashlib.sha256(value.encode()).hexdigest()
    return signer.sign(value)

def login(user, password):
    return authenticate(username=user, password=password)
""")
write("k8s/deployment.yaml", """apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db-credentials
                  key: password
            - name: SECRET_KEY
              value: "{{ .Values.secretKey }}"
""")
write("shop/templates/email.html", "<p>Your token: {{ token }}</p>\n")
write("config/placeholders.py", """PASSWORD = 'changeme'
API_KEY = 'your-api-key-here'
AUTH_TOKEN = '${AUTH_TOKEN}'
DB_PASS = 'xxxxxxxx'
SECRET = '<SECRET>'
""")
write("deploy/cert.pem", "-----BEGIN CERTIFICATE-----\n" + "\n".join(base64.b64encode(bytes(R.getrandbits(8) for _ in range(48))).decode() for _ in range(12)) + "\n-----END CERTIFICATE-----\n")
write("deploy/id_rsa.pub", "ssh-rsa " + base64.b64encode(bytes(R.getrandbits(8) for _ in range(270))).decode() + " deploy@shop\n")
write("shop/frontend.py", f"""STRIPE_PUBLISHABLE_KEY = 'pk_live_{rs(24)}'
GOOGLE_CLIENT_ID = '{R.randint(10**11, 10**12)}-{rs(32, string.ascii_lowercase+string.digits)}.apps.googleusercontent.com'
""")
write("tests/test_auth.py", """def test_login(client):
    assert client.login(username='alice', password='testpass')
    assert not client.login(username='alice', password='wrong')
""")
commit("docs, views, deployment")

json.dump(expected, open(os.path.join(root, "..", "expected.json"), "w"), indent=1)
print(len(expected), "planted")
