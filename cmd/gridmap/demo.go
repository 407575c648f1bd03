package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/gridmap/gridmap/internal/auth"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// DemoPassword is the password of every demo account: printed for anyone trying the demo, and
// so never to be used beyond it. `gridmap user demo` makes the accounts; production makes none.
const DemoPassword = "gridmap-demo"

// demoAccount is one account of the demo.
type demoAccount struct {
	login, name, role string
	scope             gridmap.Scope
	staff             string
}

// demo makes the demo's accounts for the data stored: an administrator, the command centre, a
// leader for each street, the leader of 融东社区, the grid workers of its first grids and
// volunteers of 向高社区 (elderly people's one-click orders). Accounts already there are left.
func (a accounts) demo(ctx context.Context, args []string) error {
	if len(args) != 0 {
		return usageError("usage: gridmap user demo")
	}
	list := []demoAccount{
		{"admin", "系统管理员", gridmap.RoleAdmin, gridmap.CityScope, ""},
		{"command", "福清市指挥中心", gridmap.RoleCommand, gridmap.CityScope, ""},
	}
	streets, err := a.db.Streets(ctx)
	if err != nil {
		return err
	}
	for _, s := range streets {
		list = append(list, demoAccount{"street-" + s.Code, s.Name + "负责人", gridmap.RoleStreet, gridmap.Scope{s.Code}, ""})
	}
	const rongdong, xianggao = "350181003003", "350181002009"
	comms, err := a.db.Communities(ctx, gridmap.DivisionFilter{})
	if err != nil {
		return err
	}
	for _, c := range comms {
		if c.Code == rongdong {
			list = append(list, demoAccount{"community-" + c.Code, c.Name + "负责人", gridmap.RoleCommunity, gridmap.Scope{c.Code}, ""})
		}
	}
	staff, err := a.db.Staff(ctx, gridmap.StaffFilter{})
	if err != nil {
		return err
	}
	workers, volunteers := 0, 0
	for _, st := range staff {
		switch {
		case st.Role == gridmap.RoleGridWorker && gridmap.CommunityOf(st.GridCode) == rongdong && workers < 3:
			workers++
			list = append(list, demoAccount{"gw-" + st.ID, st.Name, gridmap.RoleGridWorker, gridmap.Scope{st.GridCode}, st.ID})
		case st.Role == gridmap.RoleVolunteer && gridmap.CommunityOf(st.GridCode) == xianggao && volunteers < 2:
			volunteers++
			list = append(list, demoAccount{"vol-" + st.ID, st.Name, gridmap.RoleVolunteer, gridmap.Scope{st.GridCode}, st.ID})
		}
	}
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return err
	}
	made := 0
	w := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(w, "demo accounts (password for all: %s; demos only):\n", DemoPassword)
	fmt.Fprintln(w, "LOGIN\tNAME\tROLE\tSCOPE")
	for _, d := range list {
		if _, _, err := a.db.UserByLogin(ctx, d.login); err == nil {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", d.login, d.name, d.role, d.scope)
			continue
		} else if gridmap.ErrorCode(err) != gridmap.ENotFound {
			return err
		}
		u, err := a.db.CreateUser(ctx, gridmap.User{Login: d.login, Name: d.name, StaffID: d.staff, Grants: []gridmap.Grant{{Role: d.role, Scope: d.scope}}}, hash)
		if err != nil {
			return err
		}
		a.logUser(ctx, gridmap.SecUserCreated, u, "demo account")
		made++
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", d.login, d.name, d.role, d.scope)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%d made, %d there already. Sign in at /login.html (e.g. command, or street-350181003 for 龙山街道).\n", made, len(list)-made)
	return nil
}
