package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/czyj/credwatch/credit"
)

// area is where a subject is registered and which department oversees it.
// Weights make the big industrial districts (武进区, 新北区) busier.
type area struct {
	dept     string   // owning department ID in credit.DefaultDepartments
	division string   // GB/T 2260 code used in credit codes
	prefixes []string // enterprise name prefixes
	short    string   // prefix for 个体工商户 names
	abbr     string   // abbreviation in document numbers, e.g. 常武 in 常武应急罚〔2025〕1号
	weight   int
}

var areas = []area{
	{dept: "320412", division: "320412", prefixes: []string{"常州市武进区", "常州市武进区", "常州", "江苏"}, short: "武进区", abbr: "常武", weight: 26},
	{dept: "320411", division: "320411", prefixes: []string{"常州市新北区", "常州", "常州", "江苏"}, short: "新北区", abbr: "常新", weight: 21},
	{dept: "320481", division: "320481", prefixes: []string{"溧阳市", "溧阳", "江苏"}, short: "溧阳市", abbr: "溧", weight: 12},
	{dept: "320413", division: "320413", prefixes: []string{"常州市金坛区", "常州金坛", "江苏"}, short: "金坛区", abbr: "常金", weight: 11},
	{dept: "320402", division: "320402", prefixes: []string{"常州市天宁区", "常州"}, short: "天宁区", abbr: "常天", weight: 10},
	{dept: "320404", division: "320404", prefixes: []string{"常州市钟楼区", "常州"}, short: "钟楼区", abbr: "常钟", weight: 9},
	// 常州经开区 has no division code of its own; its enterprises registered
	// with 武进区 or at city level.
	{dept: "czjk", division: "320412", prefixes: []string{"常州", "常州市武进区", "江苏"}, short: "常州经开区", abbr: "常经开", weight: 7},
}

// cityDivision is the code of enterprises registered at city level.
const cityDivision = credit.CityBureauCode

var tradeNames = []string{
	"恒盛", "华泰", "永安", "瑞丰", "天合", "金鑫", "宏达", "东方", "博远", "鼎新",
	"润泽", "新阳", "泰和", "中恒", "聚源", "正大", "晨光", "海达", "长江", "龙城",
	"天宁", "运河", "华威", "金龙", "亚邦", "强力", "银河", "常宝", "新科", "百汇",
	"中天", "恒立", "创新", "明达", "宝丰", "祥和", "兴业", "嘉禾", "远东", "凯润",
	"汇丰", "协力", "通力", "锦程", "同创", "万达", "华鑫", "启航", "卓越", "德润",
	"盛源", "安达", "新城", "滨江", "苏南", "江南", "太湖", "天目", "茅山", "长荡",
	"鑫源", "华宇", "金陵", "恒通", "众成", "大丰", "利民", "永红", "春晖", "新亚",
	"友联", "宏图", "精工", "昊阳", "科华", "德邦", "旺达", "天马", "凌云", "翔宇",
}

// industry is the business part of a name. Hazardous ones hold dangerous
// chemicals and get chemical licences.
type industry struct {
	word      string
	hazardous bool
	weight    int
}

var industries = []industry{
	{"化工", true, 10}, {"精细化工", true, 4}, {"石油化工", true, 2}, {"气体", true, 2}, {"涂料", true, 3},
	{"燃气", true, 2}, {"危险品物流", true, 2}, {"医药化工", true, 2},
	{"机械", false, 10}, {"机械制造", false, 5}, {"纺织", false, 6}, {"印染", false, 3},
	{"新材料科技", false, 7}, {"新材料", false, 4}, {"电子", false, 5}, {"电子科技", false, 4},
	{"物流", false, 5}, {"建材", false, 5}, {"金属制品", false, 5}, {"塑业", false, 3},
	{"冶金", false, 2}, {"汽车零部件", false, 4}, {"五金", false, 3}, {"粉末冶金", false, 2},
	{"电力设备", false, 3}, {"环保科技", false, 3}, {"钢结构", false, 3}, {"木业", false, 2},
	{"食品", false, 2}, {"包装", false, 2}, {"光伏科技", false, 3}, {"轨道交通设备", false, 1},
}

var shopWords = []string{"五金经营部", "烟花爆竹零售店", "汽车修理部", "建材经营部", "五金加工厂", "家具厂", "金属加工厂", "日用品商店"}

var surnames = []string{
	"张", "王", "李", "赵", "陈", "刘", "杨", "黄", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭",
	"何", "高", "林", "罗", "钱", "沈", "蒋", "顾", "陆", "缪", "恽", "庄", "汤", "薛", "史", "邵",
}

var givenNames = []string{
	"伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
	"建国", "建华", "志强", "国平", "春华", "晓东", "海峰", "卫东", "小红", "丽华", "永刚", "立新",
	"云飞", "文斌", "红梅", "金龙", "玉兰", "新民", "德明", "建军", "秋生", "雪芬", "亚平", "振宇",
}

// usccBodyChars are the characters of the GB 32100 alphabet; organisation
// bodies issued since 2015 use digits mostly and some of these letters.
const usccBodyChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

func pickArea(r *rand.Rand) *area {
	total := 0
	for i := range areas {
		total += areas[i].weight
	}
	n := r.IntN(total)
	for i := range areas {
		if n < areas[i].weight {
			return &areas[i]
		}
		n -= areas[i].weight
	}
	return &areas[len(areas)-1]
}

func pickIndustry(r *rand.Rand) industry {
	total := 0
	for _, ind := range industries {
		total += ind.weight
	}
	n := r.IntN(total)
	for _, ind := range industries {
		if n < ind.weight {
			return ind
		}
		n -= ind.weight
	}
	return industries[0]
}

func personName(r *rand.Rand) string { return pick(r, surnames) + pick(r, givenNames) }

// maskedName is how disclosures show a natural person: 张某某.
func maskedName(r *rand.Rand) string {
	if chance(r, 0.5) {
		return pick(r, surnames) + "某"
	}
	return pick(r, surnames) + "某某"
}

// newUSCC builds a valid code: registration authority 9 (market
// regulation), category (1 enterprise, 2 个体工商户, 3 cooperative), the
// division code, an eight-character organisation body and both check
// characters.
func newUSCC(r *rand.Rand, category byte, division string) string {
	var b strings.Builder
	b.WriteByte('9')
	b.WriteByte(category)
	b.WriteString(division)
	for i := 0; i < 8; i++ {
		if chance(r, 0.7) {
			b.WriteByte(byte('0' + r.IntN(10)))
		} else {
			b.WriteByte(usccBodyChars[10+r.IntN(len(usccBodyChars)-10)])
		}
	}
	code, ok := credit.CompleteUSCC(b.String())
	if !ok {
		panic("sim: CompleteUSCC rejected " + b.String())
	}
	return code
}

// authorityCode builds a valid code for a government body: registration
// authority 1 (机构编制), category 1 (机关).
func authorityCode(r *rand.Rand, division string) string {
	b := []byte("11" + division + "0")
	for i := 0; i < 7; i++ {
		b = append(b, byte('0'+r.IntN(10)))
	}
	code, _ := credit.CompleteUSCC(string(b))
	return code
}

// corruptUSCC turns a valid code into one a data-entry slip would produce:
// a wrong check character, a wrong length or a forbidden letter.
func corruptUSCC(r *rand.Rand, code string) string {
	switch r.IntN(3) {
	case 0: // wrong check character
		c := code[17]
		for c == code[17] {
			c = usccBodyChars[r.IntN(len(usccBodyChars))]
		}
		return code[:17] + string(c)
	case 1: // a character dropped or doubled
		i := between(r, 8, 16)
		if chance(r, 0.5) {
			return code[:i] + code[i+1:]
		}
		return code[:i] + code[i:i+1] + code[i:]
	default: // O for 0, I for 1, S for 5, Z for 2
		forbidden := []byte("OISZV")
		i := between(r, 8, 15)
		return code[:i] + string(forbidden[r.IntN(len(forbidden))]) + code[i+1:]
	}
}

// subject is a party that records are about.
type subject struct {
	name     string
	kind     string // credit.SubjectLegal, SubjectIndividual or SubjectPerson
	uscc     string
	legalRep string
	area     *area
	ind      industry
}

// newEnterprise makes a company name such as 常州市武进区恒盛化工有限公司.
func newEnterprise(r *rand.Rand, a *area) subject {
	ind := pickIndustry(r)
	trade := pick(r, tradeNames)
	if chance(r, 0.12) {
		trade += pick(r, tradeNames)
	}
	suffix := "有限公司"
	switch x := r.Float64(); {
	case x < 0.10:
		suffix = "股份有限公司"
	case x < 0.15:
		suffix = "有限责任公司"
	}
	prefix := pick(r, a.prefixes)
	name := prefix + trade + ind.word + suffix
	division := a.division
	if chance(r, 0.08) {
		division = cityDivision
	}
	return subject{name: name, kind: credit.SubjectLegal, uscc: newUSCC(r, '1', division), legalRep: personName(r), area: a, ind: ind}
}

// newCooperative makes a farmers' cooperative (category 3).
func newCooperative(r *rand.Rand, a *area) subject {
	name := pick(r, a.prefixes) + pick(r, tradeNames) + pick(r, []string{"农机", "茶叶", "水产", "粮食种植"}) + "专业合作社"
	return subject{name: name, kind: credit.SubjectLegal, uscc: newUSCC(r, '3', a.division), legalRep: personName(r), area: a, ind: industry{word: "农业"}}
}

// newShop makes a 个体工商户 such as 武进区顾记五金经营部.
func newShop(r *rand.Rand, a *area) subject {
	owner := personName(r)
	var name string
	if chance(r, 0.5) {
		name = a.short + string([]rune(owner)[:1]) + "记" + pick(r, shopWords)
	} else {
		name = a.short + pick(r, tradeNames) + pick(r, shopWords)
	}
	return subject{name: name, kind: credit.SubjectIndividual, uscc: newUSCC(r, '2', a.division), legalRep: owner, area: a, ind: industry{word: "零售"}}
}

// newPerson makes a natural person; they carry no credit code.
func newPerson(r *rand.Rand, a *area) subject {
	return subject{name: maskedName(r), kind: credit.SubjectPerson, area: a}
}

// yuanText formats a fine in 万元 the way decisions state it: 3.5万元.
func yuanText(yuan int64) string {
	w := yuan / 10000
	rest := yuan % 10000
	if rest == 0 {
		return fmt.Sprintf("%d万元", w)
	}
	s := strings.TrimRight(fmt.Sprintf("%d.%04d", w, rest), "0")
	return s + "万元"
}
