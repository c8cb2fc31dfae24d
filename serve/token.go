package serve

import (
	"fmt"
	"os"
	"strings"
)

// minTokenLen keeps a guessable token from guarding the archive.
const minTokenLen = 16

// Token is the token every request must carry: the value of --auth-token
// (flag) or the first line of --auth-token-file (file); "" when neither
// is given. Both at once, an empty file and a token shorter than 16
// characters are refused.
func Token(flag, file string) (string, error) {
	var token string
	switch {
	case flag != "" && file != "":
		return "", fmt.Errorf("give --auth-token or --auth-token-file, not both")
	case file != "":
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--auth-token-file: %w", err)
		}
		token, _, _ = strings.Cut(string(data), "\n")
		token = strings.TrimSpace(token)
		if token == "" {
			return "", fmt.Errorf("--auth-token-file %s: the file is empty", file)
		}
	default:
		token = strings.TrimSpace(flag)
	}
	if token != "" && len(token) < minTokenLen {
		return "", fmt.Errorf("the auth token has %d characters: use at least %d (e.g. openssl rand -hex 16)", len(token), minTokenLen)
	}
	return token, nil
}
