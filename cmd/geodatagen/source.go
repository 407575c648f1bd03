package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Source files, copied from the National Bureau of Statistics division codes into geodata/source.
const (
	townsFile    = "fuqing_towns.csv"
	villagesFile = "fuqing_villages.csv"
)

// division is one real street or committee: its code and names are facts, only its geometry is
// made up.
type division struct {
	Code     string
	Name     string // short name, e.g. 融东社区, 石井村, 龙山街道
	FullName string // the committee's name, e.g. 融东社区居委会
	Kind     string // gridmap.CommunityKindCommunity or CommunityKindVillage; "" for streets
	Street   string // parent street code; "" for streets
}

// sourceDivisions holds the streets and committees read from the source files, in file order.
type sourceDivisions struct {
	Streets     []division
	Communities []division
}

// readSource reads the town and committee lists from dir.
func readSource(dir string) (*sourceDivisions, error) {
	towns, err := readCSV(filepath.Join(dir, townsFile), "code", "name", "kind")
	if err != nil {
		return nil, err
	}
	villages, err := readCSV(filepath.Join(dir, villagesFile), "code", "name", "short_name", "kind", "street_code")
	if err != nil {
		return nil, err
	}
	src := &sourceDivisions{}
	for _, t := range towns {
		if !gridmap.ValidStreetCode(t[0]) {
			return nil, fmt.Errorf("geodatagen: %s: bad street code %q", townsFile, t[0])
		}
		src.Streets = append(src.Streets, division{Code: t[0], Name: t[1], FullName: t[1]})
	}
	for _, v := range villages {
		d := division{Code: v[0], FullName: v[1], Name: v[2], Kind: committeeKind(v[3], v[2]), Street: v[4]}
		if !gridmap.ValidCommunityCode(d.Code) || gridmap.StreetOf(d.Code) != d.Street {
			return nil, fmt.Errorf("geodatagen: %s: bad committee code %q for street %q", villagesFile, d.Code, d.Street)
		}
		src.Communities = append(src.Communities, d)
	}
	return src, nil
}

// committeeKind maps the NBS committee kind to the two kinds gridmap knows. Special units (code
// 4xx, kind 其他) are classed by their name: both in the central streets are named …社区.
func committeeKind(nbsKind, shortName string) string {
	switch {
	case nbsKind == "村委会":
		return gridmap.CommunityKindVillage
	case nbsKind == "社区居委会":
		return gridmap.CommunityKindCommunity
	case strings.HasSuffix(shortName, gridmap.CommunityKindVillage):
		return gridmap.CommunityKindVillage
	}
	return gridmap.CommunityKindCommunity
}

// readCSV returns the named columns of every data row of a CSV file with a header line.
func readCSV(path string, columns ...string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geodatagen: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("geodatagen: %s: header: %w", path, err)
	}
	index := make([]int, len(columns))
	for i, c := range columns {
		index[i] = -1
		for j, h := range header {
			if strings.TrimSpace(h) == c {
				index[i] = j
			}
		}
		if index[i] < 0 {
			return nil, fmt.Errorf("geodatagen: %s: no column %q", path, c)
		}
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("geodatagen: %s: %w", path, err)
		}
		row := make([]string, len(columns))
		for i, j := range index {
			row[i] = strings.TrimSpace(rec[j])
		}
		rows = append(rows, row)
	}
}
