package security

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The password policy (OWASP ASVS 2.1): 12 to 128 characters as typed and after Unicode NFKC normalisation, not
// blank, no NUL, and not one of the 10,000 most common passwords (common-passwords.txt), not even with digits or
// symbols appended ("password2024!").
const (
	MinPasswordLength = 12
	MaxPasswordLength = 128
)

//go:embed common-passwords.txt
var commonList []byte

var common = func() map[string]struct{} {
	set := map[string]struct{}{}
	scanner := bufio.NewScanner(bytes.NewReader(commonList))
	for scanner.Scan() {
		if line := scanner.Text(); line != "" && !strings.HasPrefix(line, "#") {
			set[line] = struct{}{}
		}
	}
	return set
}()

// Normalise is the form a password is checked and hashed in.
func Normalise(password string) string { return norm.NFKC.String(password) }

// PasswordProblem says why the password (as typed, or normalised) is refused ("" when it is acceptable); never echoes it.
func PasswordProblem(password string) string {
	if strings.ContainsRune(password, 0) {
		return "must not contain NUL characters"
	}
	if strings.TrimSpace(password) == "" {
		return "must not be only whitespace"
	}
	if n := utf8.RuneCountInString(password); n < MinPasswordLength || n > MaxPasswordLength {
		return "must be 12 to 128 characters long"
	}
	folded := strings.ToLower(password)
	for end := len(folded); end > 0; end-- {
		if _, found := common[folded[:end]]; found && onlyAppended(folded[end:]) {
			return "is too common: choose a longer passphrase of unrelated words"
		}
	}
	return ""
}

// onlyAppended: what attack rules append to a common password first (digits, punctuation, spaces).
func onlyAppended(rest string) bool {
	for _, r := range rest {
		if unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
