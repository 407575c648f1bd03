package gridmap_test

import (
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/gridmap"
)

func TestMaskPersonal(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"mobile", "王大妈 13912345678 家里漏水", "王大妈 139****5678 家里漏水"},
		{"mobile with separators", "电话139-1234-5678。", "电话139-****-5678。"},
		{"mobile with country code", "+86 13912345678", "+86 139****5678"},
		{"ID number", "身份证350181198801011234请核实", "身份证3****************4请核实"},
		{"ID number with X", "35018119880101123X", "3****************X"},
		{"landline", "联系0591-85212345", "联系0***-*******5"},
		{"e-mail", "mail wang.li@example.cn now", "mail w***.**@*******.*n now"},
		{"grid code is not a number of a person", "网格350181003003001", "网格350181003003001"},
		{"longer digit runs stay", "编号139123456789012", "编号139123456789012"},
		{"times and counts stay", "2026-11-24 09:30 共3户", "2026-11-24 09:30 共3户"},
		{"no digits", "楼道堆放杂物", "楼道堆放杂物"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gridmap.MaskPersonal(tt.in); got != tt.want {
				t.Errorf("MaskPersonal(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name, in string
		oneLine  bool
		bad      bool
	}{
		{"plain", "楼道堆放杂物", false, false},
		{"lines in a description", "第一行\n第二行", false, false},
		{"NUL", "a\x00b", false, true},
		{"invalid UTF-8", "a\xffb", false, true},
		{"newline in a name", "a\nb", true, true},
		{"too long", strings.Repeat("字", 101), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gridmap.CheckText(tt.in, 100, tt.oneLine); (got != "") != tt.bad {
				t.Errorf("CheckText(%q) = %q, want bad=%v", tt.in, got, tt.bad)
			}
		})
	}
}
