package main

import (
	"fmt"
	"strings"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Synthetic names: common surnames of Fuqing, weighted roughly by how common they are there, and
// given-name characters. No name belongs to anyone in particular.
var (
	surnames       = []string{"林", "陈", "王", "郑", "黄", "吴", "何", "俞", "薛", "施", "李", "张", "刘", "杨", "翁", "念", "高", "卓", "游", "魏"}
	surnameWeights = []float64{16, 14, 7, 7, 6, 5, 4, 3, 3, 3, 4, 4, 3, 2, 2, 1, 2, 1, 1, 1}
	givenChars     = []rune("建国明华秀英丽芳志强德福清荣美玲文斌海燕永春金水玉兰宏伟俊杰晓峰雪梅丹辉少敏家祥宝珍素琴国平立新")
)

// personName draws a synthetic full name of two or three characters.
func personName(r *rng) string {
	var b strings.Builder
	b.WriteString(surnames[r.weighted(surnameWeights)])
	n := 1 + r.intn(2)
	if r.chance(0.75) {
		n = 2
	}
	for k := 0; k < n; k++ {
		b.WriteRune(givenChars[r.intn(len(givenChars))])
	}
	return b.String()
}

// staffPhone is the clearly fake number of staff member n: 1990000 and four digits.
func staffPhone(n int) string { return fmt.Sprintf("1990000%04d", n) }

// Party members cover households (包户) in blocks of this size range.
const (
	coverMin = 15
	coverMax = 60
)

// assignStaff gives every grid a grid worker; most grids one to three party members, each
// covering some households, but about one grid in eight none at all; and some grids volunteers,
// several in each grid of 向高社区, who take its elderly one-click orders.
func (d *dataset) assignStaff() error {
	r := newRNG(d.opt.Seed, "staff")
	add := func(g int, role string, covered int) {
		n := len(d.Staff) + 1
		d.Staff = append(d.Staff, gridmap.Staff{
			ID: fmt.Sprintf("st-%06d", n), Role: role, GridCode: d.Grids[g].Code,
			HouseholdsCovered: covered, Name: personName(r), Phone: staffPhone(n),
		})
	}
	for g, grid := range d.Grids {
		class := d.h.communities[d.h.grids[g].community].class
		add(g, gridmap.RoleGridWorker, 0)
		if !r.chance(0.12) {
			left := grid.Households
			for k, n := 0, r.rangeInt(1, 3); k < n && left > 0; k++ {
				covered := min(left, r.rangeInt(coverMin, coverMax))
				left -= covered
				add(g, gridmap.RolePartyMember, covered)
			}
		}
		volunteers := 0
		switch {
		case grid.CommunityCode == xianggaoCode:
			volunteers = r.rangeInt(2, 4)
		case class == classUrban && r.chance(0.3):
			volunteers = r.rangeInt(1, 2)
		case class == classVillage && r.chance(0.1):
			volunteers = 1
		}
		for k := 0; k < volunteers; k++ {
			add(g, gridmap.RoleVolunteer, 0)
		}
	}
	if len(d.Staff) > 9999 {
		return fmt.Errorf("geodatagen: %d staff outrun the fake phone numbers", len(d.Staff))
	}
	return nil
}
