package gridmap

// Division codes follow the National Bureau of Statistics scheme, extended for unit grids:
//
//	county (6) + street (3)             = street code,    e.g. 350181003     龙山街道
//	street code + committee (3)         = community code, e.g. 350181003003  融东社区
//	community code + sequence (3)       = grid code,      e.g. 350181003003001
//
// so every code carries its parents as a prefix.
const (
	StreetCodeLen    = 9
	CommunityCodeLen = 12
	GridCodeLen      = 15
)

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidStreetCode reports whether s is a well-formed 9-digit street code.
func ValidStreetCode(s string) bool { return len(s) == StreetCodeLen && allDigits(s) }

// ValidCommunityCode reports whether s is a well-formed 12-digit community code.
func ValidCommunityCode(s string) bool { return len(s) == CommunityCodeLen && allDigits(s) }

// ValidGridCode reports whether s is a well-formed 15-digit grid code.
func ValidGridCode(s string) bool { return len(s) == GridCodeLen && allDigits(s) }

// StreetOf returns the street code that a community or grid code starts with.
func StreetOf(code string) string {
	if len(code) < StreetCodeLen {
		return ""
	}
	return code[:StreetCodeLen]
}

// CommunityOf returns the community code that a grid code starts with.
func CommunityOf(gridCode string) string {
	if len(gridCode) < CommunityCodeLen {
		return ""
	}
	return gridCode[:CommunityCodeLen]
}
