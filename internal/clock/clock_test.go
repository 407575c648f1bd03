package clock_test

import (
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/clock"
)

func TestParse(t *testing.T) {
	year := 8760 * time.Hour
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		setting string
		want    time.Duration // expected offset from the machine's clock
		bad     bool
	}{
		{"empty is the machine's clock", "", 0, false},
		{"a year ahead", "+8760h", year, false},
		{"a day behind", "-24h", -24 * time.Hour, false},
		{"an instant", at.Format(time.RFC3339), time.Until(at), false},
		{"nonsense", "tomorrow", 0, true},
		{"unsigned duration is ambiguous", "8760h", 0, true},
		{"bad duration", "+8760x", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := clock.Parse(tt.setting)
			if tt.bad {
				if err == nil {
					t.Fatalf("Parse(%q) accepted it", tt.setting)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := time.Until(c.Now())
			if d := got - tt.want; d < -time.Minute || d > time.Minute {
				t.Errorf("Parse(%q) runs %v from the machine's clock, want %v", tt.setting, got, tt.want)
			}
		})
	}
}

func TestFixed(t *testing.T) {
	at := time.Date(2027, 10, 1, 9, 0, 0, 0, time.UTC)
	c := clock.Fixed(at)
	if !c.Now().Equal(at) || !c.Now().Equal(c.Now()) {
		t.Errorf("Fixed clock reads %v, want %v always", c.Now(), at)
	}
}
