package table

import (
	"slices"
	"testing"
)

// A Collate column sorts as officers expect from Excel: Chinese names by
// pinyin (code points would put 中 first and 阿 fourth), numbers within a
// name numerically, digits before Latin letters before Han characters,
// case and width ignored; a column without Collate keeps code-point order.
func TestCollateSort(t *testing.T) {
	cases := []struct {
		name string
		in   []string // in the order given to SetRows
		want []string // ascending
	}{
		{"pinyin", []string{"中", "新", "武", "常", "北", "阿"}, []string{"阿", "北", "常", "武", "新", "中"}},
		{"enterprises", []string{"武进区恒泰化工有限公司", "常州市龙城机械厂", "溧阳市华润纺织有限公司", "金坛东方电子有限公司", "北京正大物流有限公司"},
			[]string{"北京正大物流有限公司", "常州市龙城机械厂", "金坛东方电子有限公司", "溧阳市华润纺织有限公司", "武进区恒泰化工有限公司"}},
		{"departments", []string{"新北", "天宁", "钟楼", "武进", "经开区", "金坛", "溧阳", "监察支队"},
			[]string{"监察支队", "金坛", "经开区", "溧阳", "天宁", "武进", "新北", "钟楼"}},
		{"mixed Latin and digits", []string{"常州", "Zeta公司", "10号仓库", "abc贸易", "2号仓库", "ABD化工", "阿里", "ＡＢＣ科技"},
			[]string{"2号仓库", "10号仓库", "ＡＢＣ科技", "abc贸易", "ABD化工", "Zeta公司", "阿里", "常州"}}, // ke before mao
		{"same pinyin, code point", []string{"张", "章", "张"}, []string{"张", "张", "章"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := make([]Row, len(c.in))
			for i, s := range c.in {
				rows[i] = Row{Key: string(rune('a' + i)), Cells: []string{s}}
			}
			tb := testTable([]Column{{Title: "名称", Collate: true}}, rows, 60, 20)
			for _, desc := range []bool{false, true} {
				tb.SetSort(0, desc)
				var got []string
				for _, r := range tb.Rows() {
					got = append(got, r.Cells[0])
				}
				want := slices.Clone(c.want)
				if desc {
					slices.Reverse(want)
				}
				if !slices.Equal(got, want) {
					t.Errorf("desc=%v:\n got %q\nwant %q", desc, got, want)
				}
				for j, r := range tb.Rows() {
					if i := tb.SourceIndex(j); rows[i].Key != r.Key {
						t.Errorf("desc=%v: SourceIndex(%d) = %d, want the row of %s", desc, j, i, r.Key)
					}
				}
			}
		})
	}
	// The same pinyin case without Collate: code points.
	rows := []Row{{Key: "a", Cells: []string{"中"}}, {Key: "b", Cells: []string{"阿"}}, {Key: "c", Cells: []string{"北"}}}
	tb := testTable([]Column{{Title: "名称"}}, rows, 60, 20)
	tb.SetSort(0, false)
	if got := tb.Rows(); got[0].Cells[0] != "中" || got[2].Cells[0] != "阿" {
		t.Errorf("without Collate: %v", got)
	}
}
