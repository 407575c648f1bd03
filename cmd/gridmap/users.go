package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gridmap/gridmap/internal/auth"
	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
)

// The account commands:
//
//	gridmap user add LOGIN --role ROLE --scope CODE [--name NAME] [--staff ID]
//	gridmap user list
//	gridmap user disable|enable LOGIN
//	gridmap user passwd LOGIN
//	gridmap user roles LOGIN ROLE=SCOPE [ROLE=SCOPE ...]
//	gridmap user demo
//	gridmap token create LOGIN [--name NAME] [--expires DURATION]
//	gridmap token list LOGIN
//	gridmap token revoke LOGIN ID
//
// A password is read from standard input (its first line) when something is piped in, and
// otherwise generated and printed once.

// accountCmd runs a user or token command.
func accountCmd(ctx context.Context, cfg config.Config, cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "gridmap %s: want a subcommand; see gridmap help\n", cmd)
		return 2
	}
	db, err := postgis.Open(ctx, cfg.DatabaseURL, nil)
	if err != nil {
		fmt.Fprintf(stderr, "gridmap %s: %v\n", cmd, err)
		return 1
	}
	defer db.Close()
	db.Clock = cfg.Clock
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintf(stderr, "gridmap %s: %v\n", cmd, err)
		return 1
	}
	a := accounts{db: db, auth: auth.New(db, cfg.Clock, cfg.SessionTTL), stdin: stdin, stdout: stdout}
	sub, rest := args[0], args[1:]
	var run func(context.Context, []string) error
	switch cmd + " " + sub {
	case "user add":
		run = a.add
	case "user list":
		run = a.list
	case "user disable", "user enable":
		run = func(ctx context.Context, args []string) error { return a.disable(ctx, args, sub == "disable") }
	case "user passwd":
		run = a.passwd
	case "user roles":
		run = a.roles
	case "user demo":
		run = a.demo
	case "token create":
		run = a.tokenCreate
	case "token list":
		run = a.tokenList
	case "token revoke":
		run = a.tokenRevoke
	default:
		fmt.Fprintf(stderr, "gridmap %s: unknown subcommand %q; see gridmap help\n", cmd, sub)
		return 2
	}
	if err := run(ctx, rest); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "gridmap %s %s: %s\n", cmd, sub, ue)
			return 2
		}
		fmt.Fprintf(stderr, "gridmap %s %s: %v\n", cmd, sub, err)
		return 1
	}
	return 0
}

type usageError string

func (u usageError) Error() string { return string(u) }

type accounts struct {
	db     *postgis.DB
	auth   *auth.Service
	stdin  io.Reader
	stdout io.Writer
}

// cli is who the commands act as in the audit trail: the operator at the server.
var cli = gridmap.Actor{Name: "gridmap command", Role: gridmap.RoleAdmin}

// password reads the first line piped to standard input, or makes one up and says so.
func (a accounts) password() (string, bool, error) {
	if f, ok := a.stdin.(*os.File); !ok || !isTerminal(f) {
		line, err := bufio.NewReader(a.stdin).ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line != "" {
			return line, false, nil
		}
		if err != nil && err != io.EOF {
			return "", false, err
		}
	}
	return auth.GeneratePassword(), true, nil
}

// newPassword is password with its hash, as the account store keeps it.
func (a accounts) newPassword() (pw, hash string, made bool, err error) {
	if pw, made, err = a.password(); err != nil {
		return "", "", false, err
	}
	if hash, err = auth.HashPassword(pw); err != nil {
		return "", "", false, err
	}
	return pw, hash, made, nil
}

// logUser records a security event about account u done at the command line.
func (a accounts) logUser(ctx context.Context, kind string, u gridmap.User, detail string) {
	a.auth.Log(ctx, gridmap.SecurityEvent{Kind: kind, Login: u.Login, Subject: "user " + strconv.FormatInt(u.ID, 10), Detail: detail})
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (a accounts) add(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("user add", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	role := fl.String("role", "", "the account's role")
	scope := fl.String("scope", "city", "where the role applies: city, or street, community or grid codes")
	name := fl.String("name", "", "display name (default: the login)")
	staff := fl.String("staff", "", "the staff record this account is (grid workers, party members, volunteers)")
	department := fl.String("department", "", "the department this account works for (role department)")
	login, rest := splitFirst(args)
	if err := fl.Parse(rest); err != nil || login == "" || *role == "" || fl.NArg() > 0 {
		return usageError("usage: gridmap user add LOGIN --role ROLE [--scope CODE] [--name NAME] [--staff ID] [--department CODE]")
	}
	g, err := grant(*role, *scope)
	if err != nil {
		return err
	}
	if *name == "" {
		*name = login
	}
	pw, hash, made, err := a.newPassword()
	if err != nil {
		return err
	}
	u, err := a.db.CreateUser(ctx, gridmap.User{Login: strings.ToLower(login), Name: *name, StaffID: *staff, Department: *department, Grants: []gridmap.Grant{g}}, hash)
	if err != nil {
		return err
	}
	a.logUser(ctx, gridmap.SecUserCreated, u, g.Role+"@"+g.Scope.String())
	fmt.Fprintf(a.stdout, "created user %s (id %d): %s in %s\n", u.Login, u.ID, g.Role, g.Scope)
	if made {
		fmt.Fprintf(a.stdout, "password (shown once): %s\n", pw)
	}
	return nil
}

// splitFirst takes the first argument that is not a flag, so the login may come before or
// after the flags.
func splitFirst(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

// grant reads a role and its scope, checking both.
func grant(role, scope string) (gridmap.Grant, error) {
	if _, ok := gridmap.Lookup(gridmap.AccountRoles, role); !ok {
		names := make([]string, len(gridmap.AccountRoles))
		for i, r := range gridmap.AccountRoles {
			names[i] = r.Code
		}
		return gridmap.Grant{}, usageError(fmt.Sprintf("unknown role %q: one of %s", role, strings.Join(names, ", ")))
	}
	s, err := gridmap.ParseScope(scope)
	if err != nil {
		return gridmap.Grant{}, usageError(err.(*gridmap.Error).Message)
	}
	return gridmap.Grant{Role: role, Scope: s}, nil
}

func (a accounts) user(ctx context.Context, login string) (gridmap.User, error) {
	u, _, err := a.db.UserByLogin(ctx, strings.ToLower(login))
	return u, err
}

func (a accounts) list(ctx context.Context, args []string) error {
	users, err := a.db.Users(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tLOGIN\tNAME\tROLES\tSTAFF\tSTATE")
	for _, u := range users {
		var roles []string
		for _, g := range u.Grants {
			roles = append(roles, g.Role+"="+g.Scope.String())
		}
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Login, u.Name, strings.Join(roles, " "), u.StaffID, state)
	}
	return w.Flush()
}

func (a accounts) disable(ctx context.Context, args []string, disable bool) error {
	if len(args) != 1 {
		return usageError("usage: gridmap user disable|enable LOGIN")
	}
	u, err := a.user(ctx, args[0])
	if err != nil {
		return err
	}
	if err := a.db.SetDisabled(ctx, u.ID, disable); err != nil {
		return err
	}
	kind, word := gridmap.SecUserEnabled, "enabled"
	if disable {
		kind, word = gridmap.SecUserDisabled, "disabled; its sessions have ended"
	}
	a.logUser(ctx, kind, u, "")
	fmt.Fprintf(a.stdout, "user %s %s\n", u.Login, word)
	return nil
}

func (a accounts) passwd(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return usageError("usage: gridmap user passwd LOGIN (the new password on standard input, or one is made up)")
	}
	u, err := a.user(ctx, args[0])
	if err != nil {
		return err
	}
	pw, hash, made, err := a.newPassword()
	if err != nil {
		return err
	}
	if err := a.db.SetPassword(ctx, u.ID, hash); err != nil {
		return err
	}
	a.logUser(ctx, gridmap.SecPassword, u, "")
	fmt.Fprintf(a.stdout, "password of %s changed\n", u.Login)
	if made {
		fmt.Fprintf(a.stdout, "password (shown once): %s\n", pw)
	}
	return nil
}

func (a accounts) roles(ctx context.Context, args []string) error {
	if len(args) < 2 {
		return usageError("usage: gridmap user roles LOGIN ROLE=SCOPE [ROLE=SCOPE ...] (replaces every role)")
	}
	u, err := a.user(ctx, args[0])
	if err != nil {
		return err
	}
	var grants []gridmap.Grant
	for _, arg := range args[1:] {
		role, scope, ok := strings.Cut(arg, "=")
		if !ok {
			return usageError(fmt.Sprintf("%q: want ROLE=SCOPE, e.g. street=350181003", arg))
		}
		g, err := grant(role, scope)
		if err != nil {
			return err
		}
		grants = append(grants, g)
	}
	if err := a.db.SetGrants(ctx, u.ID, grants); err != nil {
		return err
	}
	a.logUser(ctx, gridmap.SecRolesChanged, u, strings.Join(args[1:], " "))
	fmt.Fprintf(a.stdout, "roles of %s: %s\n", u.Login, strings.Join(args[1:], " "))
	return nil
}

func (a accounts) tokenCreate(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("token create", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	name := fl.String("name", "", "what the token is for")
	expires := fl.Duration("expires", auth.DefaultTokenTTL, "how long the token lasts (0: never)")
	login, rest := splitFirst(args)
	if err := fl.Parse(rest); err != nil || login == "" || fl.NArg() > 0 {
		return usageError("usage: gridmap token create LOGIN [--name NAME] [--expires DURATION]")
	}
	u, err := a.user(ctx, login)
	if err != nil {
		return err
	}
	ttl := *expires
	if ttl == 0 {
		ttl = -1
	}
	secret, t, err := a.auth.CreateToken(ctx, cli, u.ID, *name, ttl)
	if err != nil {
		return err
	}
	until := "never expires"
	if !t.ExpiresAt.IsZero() {
		until = "expires " + t.ExpiresAt.Format(time.RFC3339)
	}
	fmt.Fprintf(a.stdout, "token %d of %s (%s), shown once:\n%s\n", t.ID, u.Login, until, secret)
	return nil
}

func (a accounts) tokenList(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return usageError("usage: gridmap token list LOGIN")
	}
	u, err := a.user(ctx, args[0])
	if err != nil {
		return err
	}
	list, err := a.db.Tokens(ctx, u.ID)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tCREATED\tEXPIRES\tSTATE")
	for _, t := range list {
		exp, state := "never", "live"
		if !t.ExpiresAt.IsZero() {
			exp = t.ExpiresAt.Format(time.RFC3339)
		}
		if !t.RevokedAt.IsZero() {
			state = "revoked"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(time.RFC3339), exp, state)
	}
	return w.Flush()
}

func (a accounts) tokenRevoke(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return usageError("usage: gridmap token revoke LOGIN ID")
	}
	u, err := a.user(ctx, args[0])
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil {
		return usageError(fmt.Sprintf("token id %q is not a number", args[1]))
	}
	if err := a.auth.RevokeToken(ctx, cli, u.ID, id); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "token %d of %s revoked\n", id, u.Login)
	return nil
}
