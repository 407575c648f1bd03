package main

import (
	"strings"
	"testing"
)

// newAccount makes a person's account with one role through the real commands, its password
// piped in as an operator would, for a browser test to sign in with.
func newAccount(t *testing.T, url, login, role, scope, name, password string) {
	t.Helper()
	args := []string{"user", "add", login, "--role", role, "--scope", scope}
	if name != "" {
		args = append(args, "--name", name)
	}
	if code, out, stderr := gridmapCmdEnv(t, url, map[string]string{stdinKey: password + "\n"}, args...); code != 0 {
		t.Fatalf("user add %s: exit %d: %s%s", login, code, out, stderr)
	}
}

// newToken makes an account with one role through the real commands and returns an API token
// acting as it.
func newToken(t *testing.T, url, login, role, scope string) string {
	t.Helper()
	return newTokenEnv(t, url, nil, login, role, scope)
}

// newTokenEnv is newToken with more environment for the commands (a clock, say).
func newTokenEnv(t *testing.T, url string, env map[string]string, login, role, scope string, more ...string) string {
	t.Helper()
	withStdin := map[string]string{stdinKey: "a long enough password\n"}
	for k, v := range env {
		withStdin[k] = v
	}
	if code, out, stderr := gridmapCmdEnv(t, url, withStdin, append([]string{"user", "add", login, "--role", role, "--scope", scope}, more...)...); code != 0 {
		t.Fatalf("user add %s: exit %d: %s%s", login, code, out, stderr)
	}
	tok := tokenOf(t, url, env, login)
	if !strings.HasPrefix(tok, "gm_") {
		t.Fatalf("token create printed %q", tok)
	}
	return tok
}

// tokenOf is an API token of an existing account, made with the token command.
func tokenOf(t *testing.T, url string, env map[string]string, login string) string {
	t.Helper()
	code, out, stderr := gridmapCmdEnv(t, url, env, "token", "create", login, "--name", "test")
	if code != 0 {
		t.Fatalf("token create %s: exit %d: %s", login, code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// commandToken is a token of the command centre, which may do everything city-wide.
func commandToken(t *testing.T, url string) string {
	t.Helper()
	return newToken(t, url, "command-centre", "command", "city")
}
