package detect

import (
	"strings"
	"testing"
)

func TestNaturalWords(t *testing.T) {
	for _, c := range []struct {
		value string
		want  bool
	}{
		// Translated labels: words of a natural language.
		{"Contraseña", true},
		{"Clé secrète", true},
		{"Passwortbestätigung", true},
		{"Пароль", true},
		{"Подтверждение пароля", true},
		{"密码", true},
		{"パスワード", true},
		{"Κωδικός πρόσβασης", true},
		{"كلمة المرور", true},
		{"पासवर्ड", true},
		{"รหัสผ่าน", true},
		{"Mật khẩu", true},
		{"Jeton d'accès", true},
		{"Contraseña incorrecta.", true},
		{"¿Olvidó su contraseña?", true},
		{"«Mot de passe» oublié", true},
		{"ПАРОЛЬ", true},
		{"パスワード（確認）", true},
		// Near misses: chosen passwords with digits or symbols, odd
		// casing, ASCII alone, a single letter.
		{"Пароль" + "2024!", false},
		{"Zürich#" + "Straße-9", false},
		{"Ключ_" + "доступа", false},
		{"пароль@" + "почта", false},
		{"Contraseña" + "123", false},
		{"xÄqzÖbrtü", false},
		{"пАрОлЬ", false},
		{"Mot de passe", false},
		{"Senha incorreta.", false},
		{"Password", false},
		{"é", false},
		{"é!?!?!", false},
		{"ключ/путь", false},
		{"密码=" + "值", false},
		{"\xff\xfe", false},
	} {
		if got := naturalWords([]byte(c.value)); got != c.want {
			t.Errorf("naturalWords(%q) = %v, want %v", c.value, got, c.want)
		}
	}
}

// Translation files hold the word for password under a name that says
// password; the default pack reports none of them, but still reports a
// password with a digit or a symbol, and a word in a credential store as
// a weak password.
func TestDefaultPackTranslatedLabels(t *testing.T) {
	d := defaultDetector(t)
	for _, c := range []struct {
		path, text string
		found      bool
	}{
		{"locale/de/LC_MESSAGES/django.po", "msgid \"Password\"\nmsgstr \"Passwort\"\n\nmsgid \"Password confirmation\"\nmsgstr \"Passwortbestätigung\"\n", false},
		{"i18n/fr.json", `{"password": "Mot de passe", "secret": "Clé secrète", "token": "Jeton d'accès"}` + "\n", false},
		{"i18n/es.json", `{"password": "Contraseña"}` + "\n", false},
		{"src/locales/ru.yml", "ru:\n  password: Пароль\n  password_confirmation: Подтверждение пароля\n  secret_key: Секретный ключ\n", false},
		{"i18n/el.json", `{"password": "Κωδικός πρόσβασης", "api_key": "Κλειδί API"}` + "\n", false},
		{"res/values-de/strings.xml", `<string name="password">Zugangsschlüssel</string>` + "\n", false},
		{"config/app.json", `{"password": "` + "Пароль" + "2024!" + `"}` + "\n", true},
		{"config/app.json", `{"db_password": "` + "Zürich#" + "Straße-9" + `"}` + "\n", true},
		{".netrc", "machine example.org login juan password " + "Contraseña" + "\n", true},
	} {
		got := detect(t, d, c.path, c.text)
		if (len(got) > 0) != c.found {
			t.Errorf("%s %q: found %q, want found=%v", c.path, c.text, secrets(got), c.found)
		}
		if c.path == ".netrc" && len(got) > 0 && !got[0].weak {
			t.Errorf("%s: %q not reported as a weak password", c.path, secrets(got))
		}
	}
}

// Explain names the words stage that drops a translated label.
func TestExplainWords(t *testing.T) {
	d := defaultDetector(t)
	ex, err := d.Explain("generic-secret-assignment", []byte(`{"password": "Contraseña"}`+"\n"), "i18n/es.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) == 0 || ex[0].Dropped() == nil || ex[0].Dropped().Name != "words" {
		t.Fatalf("explain: %v", ex)
	}
	if !strings.Contains(ex[0].Dropped().Detail, "label") {
		t.Errorf("detail %q", ex[0].Dropped().Detail)
	}
}
