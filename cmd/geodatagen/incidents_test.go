package main

import (
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// TestCategoryNamesAreTheDomains guards the category codes spelled in this package's tables:
// gridmap has no constants for them, so each must be one of gridmap.Categories.
func TestCategoryNamesAreTheDomains(t *testing.T) {
	tables := map[string]map[string]float64{
		"townCategories": townCategories, "villageCategories": villageCategories,
		"seaCategories": seaCategories, "nightCategories": nightCategories,
	}
	for kind, w := range hotspotCategories {
		tables["hotspotCategories."+kind] = w
	}
	lists := map[string]map[string][]string{
		"descriptions": descriptions, "villageDescriptions": villageDescriptions, "seaDescriptions": seaDescriptions,
	}
	for kind, d := range hotspotDescriptions {
		lists["hotspotDescriptions."+kind] = d
	}
	check := func(table, code string) {
		if _, ok := gridmap.CategoryByCode(code); !ok {
			t.Errorf("%s: %q is not a gridmap category", table, code)
		}
	}
	for name, w := range tables {
		for code := range w {
			check(name, code)
		}
	}
	for name, l := range lists {
		for code := range l {
			check(name, code)
		}
	}
	for _, c := range gridmap.Categories {
		if len(descriptions[c.Code]) == 0 {
			t.Errorf("category %s has no descriptions", c.Code)
		}
	}
}

func TestIncidentStatus(t *testing.T) {
	tests := []struct {
		name     string
		age      time.Duration
		category string
		order    bool
		allowed  []string
	}{
		{"just reported", 10 * time.Minute, "sanitation", false, []string{gridmap.StatusReported, gridmap.StatusAssigned, gridmap.StatusAccepted}},
		{"months old", 80 * 24 * time.Hour, "noise", false, []string{gridmap.StatusInProgress, gridmap.StatusResolved, gridmap.StatusClosed, gridmap.StatusRejected, gridmap.StatusDuplicate}},
		{"order in the last hour", 30 * time.Minute, "elderly_service", true, []string{gridmap.StatusReported, gridmap.StatusAssigned, gridmap.StatusAccepted, gridmap.StatusInProgress}},
		{"order served last week", 7 * 24 * time.Hour, "elderly_service", true, []string{gridmap.StatusResolved, gridmap.StatusClosed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRNG(1, tt.name)
			for k := 0; k < 500; k++ {
				got := incidentStatus(r, tt.age, tt.category, tt.order)
				ok := false
				for _, a := range tt.allowed {
					ok = ok || got == a
				}
				if !ok {
					t.Fatalf("status %q, want one of %v", got, tt.allowed)
				}
			}
		})
	}
}

func TestDayFactor(t *testing.T) {
	day := func(s string) time.Time { d, _ := parseDate(s); return d }
	tests := []struct {
		name string
		date string
		want float64
	}{
		{"Tuesday", "2026-11-17", 1},
		{"Saturday", "2026-11-21", 0.72},
		{"Sunday", "2026-11-22", 0.62},
		{"National Day, a Thursday", "2026-10-01", 0.65},
		{"National Day, a Sunday", "2026-10-04", 0.62},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dayFactor(day(tt.date)); got != tt.want {
				t.Errorf("dayFactor(%s) = %v, want %v", tt.date, got, tt.want)
			}
		})
	}
}
