package detect

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/internal/resyntax"
)

// Names are judged by their parts, as Bandit judges them: a name says
// password when one of its parts is password, not when "password" occurs
// somewhere inside it. So GIT_AUTHOR_EMAIL is not an auth name, MONKEY not
// a key, passenger and bypass not a pass, tokenizer not a token.
//
// A rule asks for the check by naming capture groups in its regex (rules
// stated by value and names get them from the template, see config):
//
//   - a group named "name" (or "name2", "name3"...) holds the name a value
//     is assigned to, or part of it;
//   - a group named "vendor" (or "vendor2"...) holds the service name of a
//     rule stated by names and a value: a part of the same name, or of the
//     name of an INI section or a YAML parent above it.
//
// Each group is widened to the whole identifier around it (letters,
// digits, "_", "-", "."), which is split into parts at non-alphanumerics,
// at case changes (apiKey, APIKey) and between letters and digits
// (oauth2token). The match stands when, for every such group that took
// part in it:
//
//   - a name holds one of the rule's secret words (its secretWords, or its
//     names for a rule whose names alone say secret, or
//     config.DefaultSecretWords): the word, a regex, matches a run of whole
//     consecutive parts ("API_KEY", "apiKey", "apikey" for api[_.-]?key),
//     plural or not; or a part ends with it when the word is one no
//     English word ends with by chance (dbpassword, githubtoken: see
//     strongSuffix); or a part is two secret words written as one
//     (ACCESSKEY, authtoken), or one of the rule's vendor names followed
//     by one (ACMEKEY), or a short password word run together with what
//     it opens (DBPASS, storepass: see ownedPass);
//   - no part of the name says it is not a real secret (NOT_A_SECRET,
//     invalidToken, fake_password, PUBLIC_KEY, csrf_token: see notSecret;
//     unless the rule's words say it: a rule for publishable keys), its
//     first part is not a question or a verb (is_password_set, has_token,
//     getPassword: see leadingNot), and no part after its last secret word
//     says the value is about the secret rather than the secret itself
//     (PASSWORD_FILE, TOKEN_URL, SECRET_NAME, API_KEY_ID, token.html: see
//     trailingNot); without a vendor's name, a key needs a qualifier and
//     must not be of a kind that is no secret (foreign_key, CACHE_KEY,
//     --recv-keys: see bareKey and keyNot), while a service's key is its
//     secret whatever its kind (PagerDuty's routing key);
//   - a vendor name is one of the rule's names: a regex that matches a run
//     of whole parts, or the start of a part whose rest is a secret word
//     (ACMEKEY) or a product's name (acmechat, see productWords). So a service named by a plain word is found where a name
//     part starts and ends: acme in ACME_KEY, myAcmeKey and acme.token,
//     not in MACME_KEY or acmecorp_key.
//
// A regex, a secret word's or a name's, is matched against a run of whole
// parts alone or with the separators before or after it, so that a name
// given as a regex may spell out the boundaries it needs: _gitlab_session,
// parseur[_.-] (not parseUrl), (?:^|[^a-z])lob. A service whose name ends
// in a secret word (zipcodeapi) counts as a secret word itself.
type nameCheck struct {
	words *regexp.Regexp // ^(?:words)$, case-insensitive
	// wordAlt is the alternation of the secret words, from which twoWords
	// compiles pair, on first use: ^(?:words)s?(?:words)s?$, or nil where
	// it would not say what the split-by-split test says (see pairRegexp).
	wordAlt  string
	pairOnce sync.Once
	pair     *regexp.Regexp
	vendors  *regexp.Regexp // ^(?:names)$, or nil
	name     []int          // indexes of the name groups
	vendor   []int          // indexes of the vendor groups
	// alone are the indexes of the groups that hold a name that must be
	// the service's name alone (see config.AloneGroup).
	alone []int
	// pack, for a generic rule, are the pack's service names: the alone
	// group of a rule that has no names of its own (see serviceRule) must
	// hold one of them, and a service's name run together with a key
	// names a secret (see serviceKey); nil otherwise.
	pack map[string]bool
	// skip marks the name and vendor groups, which never hold the secret.
	skip uint64
}

// newNameCheck returns the check of rule r, whose regex has the given group
// names, or nil if it names no name or vendor group.
func newNameCheck(r *config.Rule, groups []string) (*nameCheck, error) {
	nc := &nameCheck{}
	for i, g := range groups {
		switch {
		case groupIs(g, "name"):
			nc.name = append(nc.name, i)
		case groupIs(g, "vendor"):
			nc.vendor = append(nc.vendor, i)
		case groupIs(g, config.AloneGroup):
			nc.alone = append(nc.alone, i)
		default:
			continue
		}
		if i < 64 {
			nc.skip |= 1 << i
		}
	}
	if len(nc.name) == 0 && len(nc.vendor) == 0 && len(nc.alone) == 0 {
		return nil, nil
	}
	words := r.NameWords
	if len(words) == 0 {
		words = config.DefaultSecretWords
	}
	var err error
	nc.wordAlt = strings.Join(words, "|")
	if nc.words, err = regexp.Compile(`(?i)^(?:` + nc.wordAlt + `)s?$`); err != nil {
		return nil, err
	}
	if (len(nc.vendor) > 0 || len(nc.alone) > 0) && len(r.Names) > 0 {
		if nc.vendors, err = regexp.Compile(`(?i)^(?:` + strings.Join(r.Names, "|") + `)$`); err != nil {
			return nil, err
		}
	}
	return nc, nil
}

// groupIs reports whether a group's name is base or base followed by
// digits.
func groupIs(g, base string) bool {
	rest, ok := strings.CutPrefix(g, base)
	if !ok {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// accepts reports whether the names of a match (loc, a submatch index
// slice into text) pass the check.
func (nc *nameCheck) accepts(text []byte, loc []int) bool {
	if g := nc.aloneGroup(loc); g > 0 {
		name := identifier(text, loc[2*g], loc[2*g+1])
		if nc.vendors == nil {
			// No names of its own: one of the pack's services.
			return len(name) >= minAlone && nc.pack[strings.ToLower(name)]
		}
		return nc.onlyVendor(name)
	}
	for _, g := range nc.name {
		if 2*g+1 >= len(loc) || loc[2*g] < 0 {
			continue
		}
		start, end := identSpan(text, loc[2*g], loc[2*g+1])
		start = pastPropertyFlag(text, start, end)
		if name := string(text[start:end]); !nc.secretName(name) && !nc.spacedKey(text, start, name) || comparedField(text, start, end) || listElement(text, start, end) || elementAttribute(text, start, end) || placeholderElement(text, start, end) {
			return false
		}
	}
	if nc.vendors == nil {
		return true
	}
	for _, g := range nc.vendor {
		if 2*g+1 >= len(loc) || loc[2*g] < 0 {
			continue
		}
		if !nc.vendorName(identifier(text, loc[2*g], loc[2*g+1])) {
			return false
		}
	}
	return true
}

// spacedKey reports whether name, a bare key (see bareKey) at
// text[start:], is the last of two words that together name a secret, as
// notes and documents write a name: "API key: …", "Secret Key = …",
// "License key: …". The word before must be one of the rule's own
// qualified keys (api_key, secret_key) with the key, so that a word of
// code before a key (const key, sort key) is no qualifier; a lower-case
// "private" is a class member's modifier (private key = …), not a kind.
func (nc *nameCheck) spacedKey(text []byte, start int, name string) bool {
	if !bareKey(strings.ToLower(name)) || start < 2 || (text[start-1] != ' ' && text[start-1] != '\t') {
		return false
	}
	end := start - 1
	i := end
	for i > 0 && isLetter(text[i-1]) {
		i--
	}
	if i == end || i > 0 && identChar(text[i-1]) {
		return false
	}
	word := string(text[i:end])
	return word != "private" && nc.words.MatchString(word+"_"+name)
}

// byAlone reports whether the match loc found its value assigned to the
// service's name alone (see config.AloneGroup).
func (nc *nameCheck) byAlone(loc []int) bool {
	return nc.aloneGroup(loc) > 0
}

// aloneGroup returns the index of the group that holds the service's name
// alone in the match loc (see config.AloneGroup), or 0.
func (nc *nameCheck) aloneGroup(loc []int) int {
	if nc == nil {
		return 0
	}
	for _, g := range nc.alone {
		if 2*g+1 < len(loc) && loc[2*g] >= 0 {
			return g
		}
	}
	return 0
}

// minAlone is the fewest characters of a name that is the service's name
// alone: shorter ones (dd, fb, npm) are as often a variable's name.
const minAlone = 4

// onlyVendor reports whether name is one of the check's vendor names and
// nothing else, as a run of all its parts (cloudflare, SENDGRID, cf_api; not
// my_cloudflare, cloudflare.com or config.sendgrid), of minAlone characters
// or more, with or without a number or a letter that tells one account
// from another (cloudflare2, SENDGRID_1, confluence_b: see
// config.TrimInstance).
func (nc *nameCheck) onlyVendor(name string) bool {
	if nc.vendorOnly(name) {
		return true
	}
	w := config.TrimInstance(name)
	return w != name && nc.vendorOnly(w)
}

// vendorOnly is onlyVendor for a name as it is.
func (nc *nameCheck) vendorOnly(name string) bool {
	parts := nameParts(name)
	if len(name) < minAlone || len(parts) == 0 || parts[0].start != 0 || parts[len(parts)-1].end != len(name) {
		return false
	}
	return nc.vendors.MatchString(name)
}

// after returns where to search again after a match (loc) whose names
// were turned down: after the first name group that took part, or after
// the match's start.
func (nc *nameCheck) after(loc []int) int {
	next := loc[1]
	for _, groups := range [3][]int{nc.name, nc.vendor, nc.alone} {
		for _, g := range groups {
			if g > 0 && 2*g+1 < len(loc) && loc[2*g] >= 0 && loc[2*g+1] < next {
				next = loc[2*g+1]
			}
		}
	}
	return max(next, loc[0]+1)
}

// assignedElsewhere reports whether the value that starts at text[at] is
// assigned to a name (id = value, "user": "value", after an opening quote
// too) that neither says a secret nor names the rule's service: a value
// found by mention (see config.MentionGroup) belongs to that name, not to
// the words around it.
func (nc *nameCheck) assignedElsewhere(text []byte, at int) bool {
	i := at
	for i > 0 && (text[i-1] == '"' || text[i-1] == '\'' || text[i-1] == '`') {
		i--
	}
	for i > 0 && (text[i-1] == ' ' || text[i-1] == '\t') {
		i--
	}
	op := i
	for i > 0 && (text[i-1] == '=' || text[i-1] == ':' || text[i-1] == '>') {
		i--
	}
	if i == op {
		return false
	}
	for i > 0 && (text[i-1] == ' ' || text[i-1] == '\t' || text[i-1] == '"' || text[i-1] == '\'') {
		i--
	}
	end := i
	for i > 0 && identChar(text[i-1]) {
		i--
	}
	if i == end {
		return false
	}
	name := string(text[i:end])
	return !nc.secretName(name) && !(nc.vendors != nil && nc.vendorName(name))
}

// echoes reports whether the value secret of the match loc repeats the
// name it is assigned to, or ends with it after a separator or a change
// of case: code that hands a variable on under its own name
// (this.base64Credentials = base64Credentials, valueContextKey =
// ReactDOMSelect.valueContextKey, Babel's storeKey = _ref$storeKey), an
// enumeration's constant (OAUTH2_CLIENT_CREDENTIALS =
// "oAuth2ClientCredentials") or the name of the object that holds the
// secret (pullSecret: myapp-pull-secret, adminKey: hl--peer-adminkey).
// The value must be written as an identifier is (letters, digits, "_",
// "$", ".", "-", or ":" after a namespace: AWS IAM's actions, listed under
// their names as "PutSkillAuthorization": "a4b:PutSkillAuthorization")
// and the name hold four letters or digits at least. The
// value starts at text[at]: a name whose identifier runs on into it (a
// vendor's name and its key joined by a dot) is not one it repeats.
func (nc *nameCheck) echoes(text []byte, loc []int, at int, secret []byte) bool {
	// A path segment's slash after the name (_tokens = 'tokens/', an
	// API's endpoint named for its resource) echoes it all the same.
	secret = bytes.TrimSuffix(secret, []byte("/"))
	// A label of a few words that ends with the name ('credential':
	// 'Stub credential', password = "Enter password") names it too.
	label := phrase(secret)
	for _, c := range secret {
		if !identChar(c) && c != '$' && c != ':' && !(label && c == ' ') {
			return false
		}
	}
	for _, g := range nc.name {
		if 2*g+1 >= len(loc) || loc[2*g] < 0 {
			continue
		}
		start, end := identSpan(text, loc[2*g], loc[2*g+1])
		if end > at {
			continue
		}
		name := text[start:end]
		if i := bytes.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		if endsWithName(secret, name) || startsWithName(secret, name) {
			return true
		}
	}
	return false
}

// phrase reports whether s is two to five words of letters with one
// space between each two.
func phrase(s []byte) bool {
	words := 1
	for i, c := range s {
		switch {
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
			words++
		case !isLetter(c):
			return false
		}
	}
	return words >= 2 && words <= 5
}

// minEchoedName is the fewest letters and digits a name must hold for a
// value that repeats it to be taken for its echo: a shorter one (key,
// pwd) says too little.
const minEchoedName = 4

// startsWithName reports whether value, written in camelCase, begins with
// name's letters and digits, taken without case, and goes on with a capital
// after a small letter: an enumeration's constant named for the field it
// is assigned to (authState = authStateAwaitingDHKey). A value that goes on
// after a separator (token-4f9a…) or in small letters is not one.
func startsWithName(value, name []byte) bool {
	i := 0 // name's letters and digits matched
	for _, c := range name {
		if !isAlnum(c) {
			continue
		}
		if i >= len(value) || !isAlnum(value[i]) || lower(value[i]) != lower(c) {
			return false
		}
		i++
	}
	if i < minEchoedName || i+1 >= len(value) || value[i-1] < 'a' || value[i-1] > 'z' {
		return false
	}
	return camelWords(value[i:])
}

// camelWords reports whether s is words in camelCase, each a capital and
// small letters (AwaitingDHKey), one of them of three small letters at
// least: what follows a field's name in its constant's, not the rest of a
// random value (Q8vZkX3m, QvZkXm).
func camelWords(s []byte) bool {
	if len(s) == 0 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	word, small := false, 0
	for _, c := range s {
		switch {
		case 'A' <= c && c <= 'Z':
			small = 0
		case 'a' <= c && c <= 'z':
			small++
			if small >= 3 {
				word = true
			}
		default:
			return false
		}
	}
	return word
}

// endsWithName reports whether value, its letters and digits taken
// without case, is name's letters and digits, or ends with them where a
// word of value starts: after a character that is neither a letter nor a
// digit, or at a capital after a small letter or a digit.
func endsWithName(value, name []byte) bool {
	n := 0
	for _, c := range name {
		if isAlnum(c) {
			n++
		}
	}
	if n < minEchoedName {
		return false
	}
	i, j := len(value), len(name)
	for n > 0 {
		for i > 0 && !isAlnum(value[i-1]) {
			i--
		}
		for j > 0 && !isAlnum(name[j-1]) {
			j--
		}
		if i == 0 || lower(value[i-1]) != lower(name[j-1]) {
			return false
		}
		i--
		j--
		n--
	}
	for k := 0; k < i; k++ {
		if isAlnum(value[k]) {
			// More before the name: it must start a word there.
			p, c := value[i-1], value[i]
			return !isAlnum(p) || 'A' <= c && c <= 'Z' && ('a' <= p && p <= 'z' || '0' <= p && p <= '9')
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// proseNot reports whether the words around a name of the match loc, in
// prose rather than in the name itself, say that the value is not the
// secret: a word of notSecret right before it (acme public key ...), a
// word of trailingNot right after it (acme key id ...).
func (nc *nameCheck) proseNot(text []byte, loc []int) bool {
	for _, g := range nc.name {
		if 2*g+1 >= len(loc) || loc[2*g] < 0 {
			continue
		}
		start, end := identSpan(text, loc[2*g], loc[2*g+1])
		if w := wordBefore(text, start); notSecret[strings.ToLower(w)] {
			return true
		}
		if w := wordAfter(text, end); trailingNot[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

// wordBefore returns the word of letters that ends, after blanks, right
// before text[at].
func wordBefore(text []byte, at int) string {
	i := at
	for i > 0 && (text[i-1] == ' ' || text[i-1] == '\t') {
		i--
	}
	end := i
	for i > 0 && isLetter(text[i-1]) {
		i--
	}
	return string(text[i:end])
}

// wordAfter returns the word of letters that starts, after blanks, right
// after text[at-1].
func wordAfter(text []byte, at int) string {
	i := at
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	start := i
	for i < len(text) && isLetter(text[i]) {
		i++
	}
	return string(text[start:i])
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// comparedField reports whether the identifier text[start:end] (see
// identSpan) is a field (got.Token, res->secret) compared with a literal
// (==, !=, === or !== right after it, past its closing quotes, or right
// before it): what a test or a parser expects, not a credential the code
// checks (password == "..." is one, and so is self.password == "...": an
// object's method that compares its own field, as Bandit's B105 reads it).
func comparedField(text []byte, start, end int) bool {
	name := text[start:end]
	field := bytes.IndexByte(name, '.') >= 0 || start >= 2 && text[start-2] == '-' && text[start-1] == '>'
	if !field || ownField(name) {
		return false
	}
	rest := bytes.TrimLeft(text[end:], "`'\"]\\ \t")
	before := bytes.TrimRight(text[:start], " \t")
	return bytes.HasPrefix(rest, []byte("==")) || bytes.HasPrefix(rest, []byte("!=")) ||
		bytes.HasSuffix(before, []byte("==")) || bytes.HasSuffix(before, []byte("!="))
}

// ownField reports whether name is a field of the object a method runs
// on (self.token, this.password, cls.SECRET), one dot deep.
func ownField(name []byte) bool {
	recv, field, ok := bytes.Cut(name, []byte{'.'})
	return ok && bytes.IndexByte(field, '.') < 0 && (string(recv) == "self" || string(recv) == "this" || string(recv) == "cls")
}

// elementAttribute reports whether the identifier text[start:end] is the
// name of an XML or HTML element (right after its "<") that an attribute
// other than its value follows: <domainCredentialsMap
// class="hudson.util.CopyOnWriteMap$Hash"/>, <...CredentialsProperty
// plugin="credentials@2.1.16">, as Jenkins writes its configuration. The
// attribute's value says what the element is (a Java class, a plugin's
// version), not what it holds; the element's text and a value, content or
// default attribute are still its value.
func elementAttribute(text []byte, start, end int) bool {
	if start == 0 || text[start-1] != '<' {
		return false
	}
	i := end
	for i < len(text) && isBlank(text[i]) {
		i++
	}
	if i == end {
		return false
	}
	a := i
	for i < len(text) && (identChar(text[i]) || text[i] == ':') {
		i++
	}
	if i == a {
		return false
	}
	attr := strings.ToLower(string(text[a:i]))
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i >= len(text) || text[i] != '=' {
		return false
	}
	switch attr {
	case "value", "content", "default", "defaultvalue", "val":
		return false
	}
	return true
}

// placeholderElement reports whether the identifier text[start:end] is
// written as a placeholder, <name> assigned to a key (Password=<password>,
// password: <password>), rather than an element whose text is its value:
// what follows the ">", often the next line's Key=value of an INI file
// (Password=<password> then Method=0 in a session file), is no value of
// it.
func placeholderElement(text []byte, start, end int) bool {
	if start == 0 || text[start-1] != '<' || end >= len(text) || text[end] != '>' {
		return false
	}
	before := bytes.TrimRight(text[:start-1], " \t")
	return len(before) > 0 && (before[len(before)-1] == '=' || before[len(before)-1] == ':')
}

// listElement reports whether the identifier text[start:end] is a quoted
// string that a comma follows and that is a later element of a bracketed
// list ([..., "GetIdentityKeys", "SendPing", ...]: a list of names, such as
// a bundle's module names, not a name and its value as CSV and
// setProperty("X", "v") write them). The first element of a list
// (["password", "..."]: a pair) and a command line's flag (args: ["-v",
// "--token", "..."]) are names still, as is an argument of a call
// (buildConfigField("String", "ACME_KEY", "...")).
func listElement(text []byte, start, end int) bool {
	if start == 0 || end >= len(text) || text[start] == '-' {
		return false
	}
	q := text[start-1]
	if q != '"' && q != '\'' {
		return false
	}
	i := end
	for i < len(text) && text[i] == '\\' {
		i++
	}
	if i >= len(text) || text[i] != q {
		return false
	}
	after := i + 1
	rest := bytes.TrimLeft(text[after:min(len(text), after+64)], " \t\r\n")
	if len(rest) == 0 || rest[0] != ',' {
		return false
	}
	// Back over the elements before the name, each a quoted string and a
	// comma, to the bracket that opens the list: i is where the quote
	// that opens the element at hand stands.
	i, elements := start-1, 0
	floor := max(0, start-listReach)
	for {
		for i > floor && isBlank(text[i-1]) {
			i--
		}
		if i <= floor {
			return false
		}
		if text[i-1] == '[' {
			return elements > 0 || thirdElement(text, after)
		}
		if text[i-1] != ',' {
			return false
		}
		i--
		for i > floor && isBlank(text[i-1]) {
			i--
		}
		if i <= floor || (text[i-1] != '"' && text[i-1] != '\'') {
			return false
		}
		open := bytes.LastIndexByte(text[floor:i-1], text[i-1])
		if open < 0 || bytes.IndexByte(text[floor+open:i], '\n') >= 0 {
			return false
		}
		i = floor + open
		elements++
	}
}

// thirdElement reports whether the list's first element, whose closing
// quote ends at text[at-1], is followed by a second quoted element and a
// third: ["a", "b", "c", ...] is a list of names, ["password", "..."] a
// pair.
func thirdElement(text []byte, at int) bool {
	i := at
	for k := 0; k < 2; k++ {
		for i < len(text) && isBlank(text[i]) {
			i++
		}
		if i >= len(text) || text[i] != ',' {
			return false
		}
		i++
		for i < len(text) && isBlank(text[i]) {
			i++
		}
		if i >= len(text) || (text[i] != '"' && text[i] != '\'') {
			return false
		}
		if k == 1 {
			return true
		}
		q := text[i]
		close := bytes.IndexByte(text[i+1:min(len(text), i+1+listReach)], q)
		if close < 0 || bytes.IndexByte(text[i+1:i+1+close], '\n') >= 0 {
			return false
		}
		i += close + 2
	}
	return false
}

// listReach is how far listElement looks back for a list's bracket.
const listReach = 4096

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func identChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// pastPropertyFlag returns where the name text[start:end] begins past a
// Java system property's flag: -Dsonar.login=... (java, mvn, gradle,
// sonar-scanner) names sonar.login, not "Dsonar" and "login". Only a
// flag followed by a small letter, as property names are written.
func pastPropertyFlag(text []byte, start, end int) int {
	if end-start > 3 && text[start] == '-' && text[start+1] == 'D' && 'a' <= text[start+2] && text[start+2] <= 'z' {
		return start + 2
	}
	return start
}

// identifier returns the whole identifier around text[start:end].
func identifier(text []byte, start, end int) string {
	start, end = identSpan(text, start, end)
	return string(text[start:end])
}

// identSpan returns where the whole identifier around text[start:end]
// starts and ends.
func identSpan(text []byte, start, end int) (int, int) {
	for start > 0 && identChar(text[start-1]) {
		start--
	}
	for end < len(text) && identChar(text[end]) {
		end++
	}
	return start, end
}

// part is a part of a name: name[start:end].
type part struct{ start, end int }

// nameParts splits name at non-alphanumerics, case changes and changes
// between letters and digits.
func nameParts(name string) []part { return splitName(name, false) }

// upperRunParts splits name as nameParts does, except that a run of
// capitals followed by small letters ends with the run (PRIVATE|key,
// API|key) rather than before its last capital (API|Key). A name written
// so reads either way; ok is false when name has no such run, and the
// parts are nameParts'.
func upperRunParts(name string) (parts []part, ok bool) {
	parts = splitName(name, true)
	return parts, !slices.Equal(parts, nameParts(name))
}

// Classes of letterClass.
const (
	smallLetter = 1 + iota
	capitalLetter
	digitChar
)

// letterClass returns c's class: smallLetter, capitalLetter, digitChar, or
// 0 for any other byte.
func letterClass(c byte) int {
	switch {
	case 'a' <= c && c <= 'z':
		return smallLetter
	case 'A' <= c && c <= 'Z':
		return capitalLetter
	case '0' <= c && c <= '9':
		return digitChar
	}
	return 0
}

// splitName splits name into parts (see nameParts); with upperRun, a run
// of capitals ends where small letters follow it (see upperRunParts).
func splitName(name string, upperRun bool) []part {
	var parts []part
	class := letterClass
	start := -1
	for i := 0; i <= len(name); i++ {
		c := 0
		if i < len(name) {
			c = class(name[i])
		}
		if start >= 0 && i < len(name) && c != 0 {
			prev := class(name[i-1])
			split := false
			switch {
			case prev == 1 && c == 2: // apiKey
				split = true
			case prev == 2 && c == 2 && i+1 < len(name) && class(name[i+1]) == 1: // APIKey
				split = !upperRun
			case upperRun && prev == 2 && c == 1 && i >= 2 && class(name[i-2]) == 2: // APIkey
				split = true
			case (prev == 3) != (c == 3): // oauth2token
				split = true
			}
			if split {
				parts = append(parts, part{start, i})
				start = i
			}
			continue
		}
		if c == 0 {
			if start >= 0 {
				parts = append(parts, part{start, i})
				start = -1
			}
			continue
		}
		start = i
	}
	return parts
}

// Words about names, lower case.
var (
	// strongSuffix are the secret words a longer part may end with and
	// still hold: no English word ends with them by chance.
	strongSuffix = []string{"password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "secretkey", "privatekey", "credentials", "credential"}
	// notSecret, as any part of a name, says its value is not a real
	// secret: hashed_secret, the digest detect-secrets' baselines keep of
	// each secret they list, is no secret either.
	notSecret = wordSet("non not invalid wrong bad fake dummy mock sample example placeholder expired revoked malformed bogus incorrect public publishable csrf xsrf authenticity hashed encrypted")
	// leadingNot, as the first part of a name, says it names a question
	// or an action, or a piece of a user interface's text (the i18n keys
	// LABEL_PASSWORD, TITLE_TOKEN, PLACEHOLDER_SECRET), not a secret.
	leadingNot = wordSet("is has use enable show hide validate check verify require allow min max num len get should must can skip ignore forgot label labels title placeholder hint tooltip caption heading btn button lbl")
	// trailingNot, after a name's last secret word, says its value is
	// about the secret: where it is, what it is called, how it is made,
	// who may read it (KeyVaultSecretsUser, token_owner: a role or an
	// account, given by its name or id), what was computed from it
	// (token_sha256, secret_fingerprint: a digest is no secret), what
	// selects or describes one (DOVECOT_PASS_FILTER, an LDAP filter;
	// customer_master_key_spec, a KMS key's kind; password_db_dsn, where
	// a password database is, for rules whose words leave DSNs out).
	trailingNot = wordSet("file filename files path paths option options opts dir directory folder url urls uri endpoint host hostname domain port name names field fields type types kind len length size count limit min max header headers prefix suffix id ids ref refs env var variable arn format pattern regex regexp re expiry expires expiration expire exp ttl timeout lifetime age validity backend class model form view template msg message error errors label hint help placeholder mode source scope scopes schema location locations param params query column table index validator validators hasher hashers attr attrs attribute attributes policy reset changed last required enabled enable disabled algorithm algorithms algo alg method encoding charset style version setting settings storage provider service manager generator loader cache sep separator char chars delimiter hash hashed digest sha checksum checksums fingerprint fingerprints crc rotation strength lookup filter filters group groups decoding spec specs dsn mask description desc title input button field widget selector html htm md rst txt json yml yaml py js ts css before after start end begin user users username role roles owner owners")
)

// tokenCount, right before "tokens", says the name counts a language
// model's tokens (OpenAI's usage.prompt_tokens and completion_tokens,
// Anthropic's input_tokens and output_tokens, Gemini's totalTokens).
var tokenCount = wordSet("prompt completion input output total cached reasoning generated remaining used")

// keyNot, before a key, says what kind of key it is: one that is not a
// secret (a release manager's public GPG key, as Apache's Maven POMs name
// it in commons.releaseManagerKey; a key that a preposition puts after an
// action, genCAWithKey, sortByKey, loadFromKey: the key is the action's
// argument, and the value is the function; a database's foreign key, a cache key, a GPG key to receive, a
// linter's rule key, the key a name or a field is looked up by, a
// Kubernetes object's annotation or label key, the key of a protobuf
// map as Go's generated struct tags write it: protobuf_key; a template's
// parameter, named by CloudFormation's ParameterKey, whose value follows
// as ParameterValue; a project's key, which names it in SonarQube, Jira
// or Bitbucket: sonar.projectKey; a spreadsheet's or a sheet's key, the
// id in a Google Sheets URL; the key of a history, as an IDE keeps its
// search history under SearchEverywhereHistoryKey; a key binding, an
// editor's bindKey or shortcutKey; the key an id is stored under, ID_KEY;
// a CAPTCHA's site key, which its vendors document as public and put in
// the page: RECAPTCHA_SITE_KEY, data-site-key). Not
// "registry" (a container registry's key is its password) nor "column"
// (Column, a bank's API, names its keys so).
var keyNot = wordSet("manager with by from for foreign sort cache partition lookup dict hot data recv idempotency unique composite shard routing group map index row object hash keyboard bucket schema rule name guid field attribute attr property enum annotation label protobuf parameter param project spreadsheet sheet history bind shortcut id site")

// bareKeyNot, right before a key that bareKey judges, says what kind of
// key it is: a keyboard's modifier (a DOM KeyboardEvent's metaKey,
// ctrlKey, altKey, shiftKey) or a GPG key, named by its public
// fingerprint or id (Dockerfiles' GPG_KEY, GPG_KEYS to verify a download
// with). Not before a longer run: META_API_KEY is Meta's, GPG_PRIVATE_KEY
// a private key.
var bareKeyNot = wordSet("meta ctrl alt shift gpg pgp gnupg")

// bareKey reports whether part p is a key that says nothing of what it
// opens. Such a key names a secret only with a service or a kind before
// it (ACME_KEY, api_key, zerobounceKEY) and nothing but a stage or a form
// after it (API_KEY_PROD, KEY_B64), or under a vendor's section:
// KEY_ID, schemaKey.name and BlindKeySignatures do not.
func bareKey(p string) bool { return p == "key" || p == "keys" }

// keyAfter are the parts that may follow a key that bareKey judges.
var keyAfter = wordSet("prod production dev development test testing staging stage qa uat live sandbox local old new primary secondary base value val str string b64 base64 hex raw pem enc encoded secret")

// qualifiedKey reports whether the key at part k of name has a part before
// it (more than a letter and numbers, see lettered) and, after it, only
// parts of keyAfter or numbers.
func qualifiedKey(name string, parts []part, k int) bool {
	return k > 0 && keyTail(name, parts[k+1:]) && !lettered(name, parts[:k])
}

// lettered reports whether parts, those before a key, are only single
// letters and numbers (p1key, x_key, k2_key): one of a series of
// variables or a letter, not a kind of key; unless they are written as one
// of the services named so (S3_KEY, R2_KEY, k8s_key: see
// letteredServices). parts is not empty (see qualifiedKey).
func lettered(name string, parts []part) bool {
	for _, p := range parts {
		if w := name[p.start:p.end]; len(w) > 1 && strings.Trim(w, "0123456789") != "" {
			return false
		}
	}
	return !letteredServices[strings.ToLower(name[parts[0].start:parts[len(parts)-1].end])]
}

// letteredServices are services named by letters and numbers: Amazon S3,
// Cloudflare R2, Backblaze B2, Kubernetes.
var letteredServices = wordSet("s3 r2 b2 k8s")

// serviceKey reports whether p, part i of name in lower case, is the name
// of one of the pack's services run together with a key (GITHUBKEY,
// mailgunkey, SENDGRIDKEYS), which says what the key opens as GITHUB_KEY
// does, with only parts of keyAfter or numbers after it. A name of fewer
// than minAlone characters before the key is no service's (MONKEY,
// hotkey), nor is a kind of key that keyNot names (cachekey).
func (nc *nameCheck) serviceKey(p, name string, parts []part, i int) bool {
	if nc.pack == nil {
		return false
	}
	svc, ok := strings.CutSuffix(p, "keys")
	if !ok {
		if svc, ok = strings.CutSuffix(p, "key"); !ok {
			return false
		}
	}
	return len(svc) >= minAlone && nc.pack[svc] && !keyNot[svc] && keyTail(name, parts[i+1:])
}

// keyTail reports whether parts, those after a key, are only parts of
// keyAfter or numbers (a stage, a form, a version).
func keyTail(name string, parts []part) bool {
	for _, p := range parts {
		w := strings.ToLower(name[p.start:p.end])
		if !keyAfter[w] && strings.Trim(w, "0123456789") != "" && !(len(w) > 1 && w[0] == 'v' && strings.Trim(w[1:], "0123456789") == "") {
			return false
		}
	}
	return true
}

// notSecretKey reports whether the run of parts i to j ends with a key
// that keyNot says is no secret.
func notSecretKey(name string, parts []part, i, j int) bool {
	if last := strings.ToLower(name[parts[j].start:parts[j].end]); last != "key" && last != "keys" {
		return false
	}
	for k := max(i-1, 0); k < j; k++ {
		if keyNot[strings.ToLower(name[parts[k].start:parts[k].end])] {
			return true
		}
	}
	return i == j && i > 0 && bareKeyNot[strings.ToLower(name[parts[i-1].start:parts[i-1].end])]
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// secretName reports whether name holds one of the check's words as its
// parts, and nothing that says it is not a secret's name.
func (nc *nameCheck) secretName(name string) bool {
	if alt, ok := upperRunParts(name); ok && nc.secretParts(name, alt) {
		return true
	}
	return nc.secretParts(name, nameParts(name))
}

// secretParts is secretName for name split into parts.
func (nc *nameCheck) secretParts(name string, parts []part) bool {
	last := -1 // the last part of the last secret word found
	for i := range parts {
		p := strings.ToLower(name[parts[i].start:parts[i].end])
		// "not" and "non" negate a secret word only before it
		// (NOT_A_SECRET, non_secret_key); after one they are a warning
		// (SECRET_DO_NOT_COMMIT).
		negates := notSecret[p] && !(last >= 0 && (p == "not" || p == "non"))
		if p == "tokens" && i > 0 && tokenCount[strings.ToLower(name[parts[i-1].start:parts[i-1].end])] {
			// A language model's token count (prompt_tokens,
			// outputTokens, cache_read_input_tokens), not tokens that
			// open anything.
			return false
		}
		if negates && !nc.words.MatchString(p) || i == 0 && leadingNot[p] && len(parts) > 1 {
			// (A rule for publishable keys says "publishable" among its
			// words.)
			return false
		}
		for j := i; j < len(parts) && j < i+4; j++ {
			if matchRun(nc.words, name, parts, i, j) && (nc.vendors != nil || !notSecretKey(name, parts, i, j) && !(i == j && bareKey(p) && !qualifiedKey(name, parts, i))) {
				last = max(last, j)
			}
		}
		for _, w := range strongSuffix {
			if len(p) > len(w) && strings.HasSuffix(p, w) && nc.words.MatchString(w) {
				if notSecretPrefix(p[:len(p)-len(w)]) && !nc.words.MatchString(p) {
					return false
				}
				last = max(last, i)
			}
		}
		if nc.serviceKey(p, name, parts, i) {
			last = max(last, i)
		}
		if ownedPass(p) && nc.words.MatchString("pass") {
			last = max(last, i)
		}
		if nc.twoWords(p) {
			last = max(last, i)
		}
		if nc.vendors != nil && nc.vendorWord(name[parts[i].start:parts[i].end]) {
			last = max(last, i)
		}
	}
	if last < 0 {
		return false
	}
	for _, p := range parts[last+1:] {
		if trailingNot[strings.ToLower(name[p.start:p.end])] {
			return false
		}
	}
	return true
}

// ownedPass reports whether part p is a short password word run together
// with what the password opens: DBPASS, mysqlpass, SMTPPWD, storepass
// (keytool's), ROOTPW. A part that merely ends with "pass" (bypass,
// compass, surpass) or "pwd" (OLDPWD, a shell's last directory) is no
// password, nor is a file named for one (.pgpass, PostgreSQL's); one whose rest is a database, a mail or directory service, an
// account or a store is.
func ownedPass(p string) bool {
	for _, w := range []string{"pass", "pwd", "pw"} {
		if len(p) > len(w) && strings.HasSuffix(p, w) && passOwner[p[:len(p)-len(w)]] {
			return true
		}
	}
	return false
}

// passOwner are what a password run together with its name opens (see
// ownedPass).
var passOwner = wordSet("db database mysql mariadb postgres psql sql mssql oracle ora mongo mongodb redis ldap smtp mail email imap pop ftp sftp ssh admin root user sys svc service app api web site proxy vpn wifi rdp vnc bind rabbit rabbitmq amqp mq kafka jks keystore truststore store key cert pfx p12 master vault jenkins nexus docker registry git svn wp")

// notSecretPrefix reports whether pre, the rest of a part that ends with
// a secret word (see strongSuffix), says the part names no real secret: a
// word of notSecret (faketoken, publicapikey) or a cross-site request
// forgery token's name (csrftoken, Django's csrfmiddlewaretoken).
func notSecretPrefix(pre string) bool {
	return notSecret[pre] || strings.HasPrefix(pre, "csrf") || strings.HasPrefix(pre, "xsrf")
}

// twoWords reports whether part p is two secret words written as one:
// ACCESSKEY, authtoken, SECRETKEY.
func (nc *nameCheck) twoWords(p string) bool {
	if len(p) < 4 {
		return false
	}
	if pair := nc.pairRegexp(); pair != nil && ascii(p) {
		return pair.MatchString(p)
	}
	for k := 2; k <= len(p)-2; k++ {
		if nc.words.MatchString(p[:k]) && nc.words.MatchString(p[k:]) {
			return true
		}
	}
	return false
}

// pairRegexp returns the regex that matches two secret words written as
// one, compiled on first use, so that twoWords asks it once instead of
// asking words twice at every split of a part (twoWords was a tenth of
// the instructions a scan spent in the name checks). It says what the
// splits say of an ASCII part when no secret word is shorter than two
// characters (a split leaves two at least on each side) and none holds an
// empty-width assertion (^, $, \b: at a split they would look at the
// part's ends); otherwise it is nil.
func (nc *nameCheck) pairRegexp() *regexp.Regexp {
	nc.pairOnce.Do(func() {
		one := `(?:` + nc.wordAlt + `)s?`
		re, err := syntax.Parse(one, syntax.Perl)
		if err != nil || resyntax.MinLen(re) < 2 || emptyWidth(re) {
			return
		}
		nc.pair, _ = regexp.Compile(`(?i)^` + one + one + `$`)
	})
	return nc.pair
}

// emptyWidth reports whether re holds an empty-width assertion.
func emptyWidth(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	return slices.ContainsFunc(re.Sub, emptyWidth)
}

// ascii reports whether s is ASCII: its bytes are its characters.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// vendorName reports whether name holds one of the check's vendor names as
// its parts.
func (nc *nameCheck) vendorName(name string) bool {
	if alt, ok := upperRunParts(name); ok && nc.vendorParts(name, alt) {
		return true
	}
	return nc.vendorParts(name, nameParts(name))
}

// vendorParts is vendorName for name split into parts.
func (nc *nameCheck) vendorParts(name string, parts []part) bool {
	for i := range parts {
		for j := i; j < len(parts) && j < i+4; j++ {
			if matchRun(nc.vendors, name, parts, i, j) {
				return true
			}
		}
		if p := name[parts[i].start:parts[i].end]; nc.vendorWord(p) || nc.vendorProduct(p) {
			return true
		}
	}
	return false
}

// vendorProduct reports whether part p is a vendor name of four characters
// or more run together with the name of one of its products or channels
// (sinchmessage, zulipchat, acmeteams, acmeoauth), or with another of the
// rule's names (a company's and its product's: planviewleankit): a name
// written without separators, as services name their products. A name run
// together with any other word is not the vendor's (acmecorp, acmeter).
func (nc *nameCheck) vendorProduct(p string) bool {
	for k := 4; k < len(p)-1; k++ {
		if (productWords[strings.ToLower(p[k:])] || len(p)-k >= 4 && nc.vendors.MatchString(p[k:])) && nc.vendors.MatchString(p[:k]) {
			return true
		}
	}
	return false
}

// productWords name what a service offers, as written run together after
// its name (zulipchat, sinchmessage, nozbeteams, shutterstockoauth).
var productWords = wordSet("chat message messages messaging sms mms voice mail email teams team oauth oauth2 app apps bot bots webhook webhooks hook hooks cloud sdk admin personal publish subscribe")

// matchRun reports whether re, anchored at both ends, matches the run of
// parts i to j of name, alone or with the separators before or after it:
// a name or secret word given as a regex may spell out the boundaries it
// needs (_gitlab_session, parseur[_.-], (?:^|[^a-z])lob).
func matchRun(re *regexp.Regexp, name string, parts []part, i, j int) bool {
	start, end := parts[i].start, parts[j].end
	if re.MatchString(name[start:end]) {
		return true
	}
	before, after := 0, len(name)
	if i > 0 {
		before = parts[i-1].end
	}
	if j+1 < len(parts) {
		after = parts[j+1].start
	}
	return before < start && re.MatchString(name[before:end]) ||
		after > end && (re.MatchString(name[start:after]) || before < start && re.MatchString(name[before:after]))
}

// vendorWord reports whether part p is a vendor name followed by a secret
// word, with nothing between them (ACMEKEY, acmetoken), or run together
// with the words between them (acmestorageaccountkey, ACMEAPIKEY): a name
// written without separators, which begins with the service and ends with
// a secret word.
func (nc *nameCheck) vendorWord(p string) bool {
	for k := 1; k < len(p); k++ {
		if !nc.vendors.MatchString(p[:k]) {
			continue
		}
		if nc.words.MatchString(p[k:]) {
			return true
		}
		// Run together: only a word no other word ends with by chance
		// (strongSuffix), or a key, which the service before it
		// qualifies; not pat or pass (acmecompat, acmebypass).
		for j := k + 1; j < len(p)-1; j++ {
			if w := strings.ToLower(p[j:]); (bareKey(w) || slices.Contains(strongSuffix, w)) && nc.words.MatchString(w) {
				return true
			}
		}
	}
	return false
}
