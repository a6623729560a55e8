package table

import (
	"math"
	"runtime"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Patch returns src indexed for filters and widths as Index(src) would
// index it, reading only the rows that are not old's: from[i] is the row
// of old's source that row i of src is (the same cells, Search and Dept;
// for a SharedSource the same item text, at an index that may differ), or
// -1 for a row to read. A row taken from old costs a copy of its text in
// the index, not the making of its cells: after a sync pass that changed
// a few hundred of 300k rows, a few milliseconds instead of a second.
//
// old is not modified (another table, another goroutine, may be reading
// it): the new index has arrays of its own. ok is false when old's index
// cannot take src's rows (another width or other item columns, a
// dictionary column grown past 65,536 values); the caller then calls
// Index.
func Patch(old Indexed, src RowSource, from []int32) (_ Indexed, ok bool) {
	if old.x == nil || src == nil || len(from) != src.Len() {
		return Indexed{}, false
	}
	x := patchIndex(old.x, src, from)
	if x == nil {
		return Indexed{}, false
	}
	return Indexed{src, x}, true
}

// dictKey is a dictionary value as the index keeps it.
type dictKey struct {
	lower string
	w     int
}

// patchIndex is Patch's index, or nil when it cannot be made.
func patchIndex(o *rowIndex, rows RowSource, from []int32) *rowIndex {
	n := rows.Len()
	if rows.Width() != o.stride {
		return nil
	}
	x := &rowIndex{n: n, stride: o.stride, colMax: make([]int, o.stride), text: o.text}
	x.st = newSharedText(rows, x.text)
	if (x.st == nil) != (o.st == nil) || x.st != nil && !slices.Equal(x.st.field, o.st.field) {
		return nil
	}

	// Groups and dictionaries start as old's, a value added for a new row
	// that has none of them yet; those no row has any more go at the end.
	x.groups = slices.Clone(o.groups)
	groupIDs := make(map[rowGroup]int32, len(o.groups))
	for g := len(o.groups) - 1; g >= 0; g-- {
		groupIDs[o.groups[g]] = int32(g)
	}
	grp := make([]int32, n)
	isDict := make([]bool, x.stride)
	dictIDs := make([]map[dictKey]uint16, len(o.dicts))
	ids := make([][]uint16, len(o.dicts))
	x.dicts = make([]dictCol, len(o.dicts))
	for d := range o.dicts {
		od := &o.dicts[d]
		x.dicts[d] = dictCol{col: od.col, lower: slices.Clone(od.lower), w: slices.Clone(od.w)}
		dictIDs[d] = make(map[dictKey]uint16, len(od.lower))
		for id := len(od.lower) - 1; id >= 0; id-- {
			dictIDs[d][dictKey{od.lower[id], od.w[id]}] = uint16(id)
		}
		ids[d] = make([]uint16, n)
		isDict[od.col] = true
	}

	k := len(x.text)
	x.hay = make([]byte, 0, len(o.hay)+len(o.hay)/64+1024)
	x.off = make([]uint32, n+1)
	x.tw = make([]uint8, n*k)
	read := rowReader(rows)
	sw := make([]int, k)
	for i := 0; i < n; {
		if f := from[i]; f >= 0 {
			// A run of rows taken from old in order (up to yieldRows,
			// then a yield): their text in one copy.
			run := 1
			for i+run < n && run < yieldRows && from[i+run] == f+int32(run) {
				run++
			}
			runtime.Gosched()
			for j := range run {
				grp[i+j] = int32(o.grp.at(int(f) + j))
			}
			for d := range o.dicts {
				od := &o.dicts[d].ids
				for j := range run {
					ids[d][i+j] = uint16(od.at(int(f) + j))
				}
			}
			base := uint32(len(x.hay)) - o.off[f]
			if uint64(len(x.hay))+uint64(o.off[int(f)+run]-o.off[f]) > math.MaxUint32 {
				return nil
			}
			x.hay = append(x.hay, o.hay[o.off[f]:o.off[int(f)+run]]...)
			for j := 1; j <= run; j++ {
				x.off[i+j] = o.off[int(f)+j] + base
			}
			copy(x.tw[i*k:(i+run)*k], o.tw[int(f)*k:(int(f)+run)*k])
			if x.st != nil {
				for j := range run {
					if o.st.pen[int(f)+j] < 0 {
						x.st.pen[i+j] = -1
					}
				}
			}
			i += run
			continue
		}
		r := read(i)
		g := rowGroup{search: strings.ToLower(r.Search), dept: r.Dept}
		id, ok := groupIDs[g]
		if !ok {
			id = int32(len(x.groups))
			groupIDs[g] = id
			x.groups = append(x.groups, g)
		}
		grp[i] = id
		for d := range x.dicts {
			dc := &x.dicts[d]
			s := cellAt(*r, dc.col)
			key := dictKey{strings.ToLower(s), min(cellWidth(s), math.MaxUint16)}
			v, ok := dictIDs[d][key]
			if !ok {
				if len(dc.lower) > math.MaxUint16 {
					return nil
				}
				v = uint16(len(dc.lower))
				dictIDs[d][key] = v
				dc.lower, dc.w = append(dc.lower, key.lower), append(dc.w, key.w)
			}
			ids[d][i] = v
		}
		x.appendRowText(i, r.Cells, sw, false) // colMax: textMax below
		if len(x.hay) > math.MaxUint32 {
			return nil
		}
		x.off[i+1] = uint32(len(x.hay))
		i++
	}
	if cap(x.hay)-len(x.hay) > len(x.hay) {
		x.hay = slices.Clone(x.hay)
	}

	x.setGroups(grp)
	for d := range x.dicts {
		x.dicts[d].setIDs(ids[d])
		dc := &x.dicts[d]
		for _, w := range dc.w {
			x.colMax[dc.col] = max(x.colMax[dc.col], w)
		}
	}
	x.textMax(rows)
	for i := 0; i < len(x.hay); i += 31 {
		x.freq[x.hay[i]]++
	}
	if x.st != nil {
		x.st.done()
	}
	return x
}

// setGroups sets grp from each row's group, dropping the groups no row
// has and setting anyDept.
func (x *rowIndex) setGroups(grp []int32) {
	used := make([]bool, len(x.groups))
	for _, g := range grp {
		used[g] = true
	}
	if remap := compactIDs(used); remap != nil {
		kept := x.groups[:0:0]
		for g, u := range used {
			if u {
				kept = append(kept, x.groups[g])
			}
		}
		x.groups = kept
		for i, g := range grp {
			grp[i] = remap[g]
		}
	}
	x.anyDept = false
	for _, g := range x.groups {
		x.anyDept = x.anyDept || g.dept != ""
	}
	x.grp = narrowIDs(grp, len(x.groups))
}

// setIDs sets ids from each row's value, dropping the values no row has.
func (dc *dictCol) setIDs(ids []uint16) {
	used := make([]bool, len(dc.lower))
	for _, v := range ids {
		used[v] = true
	}
	if remap := compactIDs(used); remap != nil {
		var lower []string
		var w []int
		for v, u := range used {
			if u {
				lower, w = append(lower, dc.lower[v]), append(w, dc.w[v])
			}
		}
		dc.lower, dc.w = lower, w
		for i, v := range ids {
			ids[i] = uint16(remap[v])
		}
	}
	dc.ids = narrowIDs16(ids, len(dc.lower))
}

// compactIDs returns, when some of the numbers are not used, the new
// number of each used one (in order); nil when every one is used.
func compactIDs(used []bool) []int32 {
	if !slices.Contains(used, false) {
		return nil
	}
	remap := make([]int32, len(used))
	n := 0
	for v, u := range used {
		remap[v] = int32(n)
		if u {
			n++
		}
	}
	return remap
}

// textMax sets colMax of the text columns from tw, measuring again the
// cells wider than tw holds.
func (x *rowIndex) textMax(rows RowSource) {
	k := len(x.text)
	for i := range x.n {
		for j, w8 := range x.tw[i*k : (i+1)*k] {
			c, w := x.text[j], int(w8)
			if w == wideCell {
				w = min(ansi.StringWidth(cellAt(rows.Row(i), c)), math.MaxUint16)
			}
			x.colMax[c] = max(x.colMax[c], w)
		}
	}
}
