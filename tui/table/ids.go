package table

import "math"

// rowIDs holds a small number per row (a row's dictionary value, its
// group) in the narrowest of uint8, uint16 and int32 that holds every one:
// exactly one of u8, u16 and i32 is set (for a table of rows). Most of the
// repair tab's dictionary columns (section, department, severity, status)
// and its groups have fewer than 256 values: a byte a row instead of two or
// four, 300k rows at 1M records.
type rowIDs struct {
	u8  []uint8
	u16 []uint16
	i32 []int32
}

// narrowIDs returns v in a rowIDs, every value of v in [0, n).
func narrowIDs(v []int32, n int) rowIDs {
	switch {
	case n <= math.MaxUint8+1:
		out := make([]uint8, len(v))
		for i, id := range v {
			out[i] = uint8(id)
		}
		return rowIDs{u8: out}
	case n <= math.MaxUint16+1:
		out := make([]uint16, len(v))
		for i, id := range v {
			out[i] = uint16(id)
		}
		return rowIDs{u16: out}
	}
	return rowIDs{i32: v}
}

// narrowIDs16 returns v in a rowIDs, every value of v in [0, n).
func narrowIDs16(v []uint16, n int) rowIDs {
	if n > math.MaxUint8+1 {
		return rowIDs{u16: v}
	}
	out := make([]uint8, len(v))
	for i, id := range v {
		out[i] = uint8(id)
	}
	return rowIDs{u8: out}
}

// at returns row i's number.
func (x *rowIDs) at(i int) int {
	switch {
	case x.u8 != nil:
		return int(x.u8[i])
	case x.u16 != nil:
		return int(x.u16[i])
	}
	return int(x.i32[i])
}

// markRows sets bit i of set for every row i whose number is marked in ok.
func (x *rowIDs) markRows(ok []bool, set []uint64) {
	switch {
	case x.u8 != nil:
		for i, id := range x.u8 {
			if ok[id] {
				set[i/64] |= 1 << (i % 64)
			}
		}
	case x.u16 != nil:
		for i, id := range x.u16 {
			if ok[id] {
				set[i/64] |= 1 << (i % 64)
			}
		}
	default:
		for i, id := range x.i32 {
			if ok[id] {
				set[i/64] |= 1 << (i % 64)
			}
		}
	}
}

// rowsWith returns the rows whose number is marked in ok, in order.
func (x *rowIDs) rowsWith(ok []bool) []int32 {
	var out []int32
	switch {
	case x.u8 != nil:
		for i, id := range x.u8 {
			if ok[id] {
				out = append(out, int32(i))
			}
		}
	case x.u16 != nil:
		for i, id := range x.u16 {
			if ok[id] {
				out = append(out, int32(i))
			}
		}
	default:
		for i, id := range x.i32 {
			if ok[id] {
				out = append(out, int32(i))
			}
		}
	}
	return out
}
