package credit

// Level says where a department sits: a division of the city bureau, or a
// district-level bureau (辖市（区）).
type Level string

const (
	CityDivision Level = "city"     // 市局处室、支队
	District     Level = "district" // 辖市（区）应急管理局
)

// Department is a unit that owns or assists with credit information.
type Department struct {
	ID    string `json:"id" toml:"id"`           // stable identifier; the GB/T 2260 code for districts that have one
	Name  string `json:"name" toml:"name"`       // full Chinese name
	Short string `json:"short" toml:"short"`     // short Chinese name for narrow columns
	Code  string `json:"code" toml:"code"`       // GB/T 2260 division code; empty for 常州经开区
	Level Level  `json:"level" toml:"level"`     // city division or district bureau
	Owns  []Kind `json:"owns" toml:"owns"`       // kinds it is responsible for disclosing
	Helps []Kind `json:"assists" toml:"assists"` // kinds it assists with
}

// OwnsKind reports whether the department is responsible for kind k.
func (d Department) OwnsKind(k Kind) bool {
	for _, o := range d.Owns {
		if o == k {
			return true
		}
	}
	return false
}

// CityBureauCode is the GB/T 2260 code of Changzhou (常州市), 320400.
const CityBureauCode = "320400"

// DefaultDepartments returns the departments named in 常应急〔2022〕19号
// Art. 12–16 and its addressees, with who owns which kind as the measures
// assign it. Configuration may replace this list; code must not assume it.
func DefaultDepartments() []Department {
	all := []Kind{Licence, Penalty, Coercion, Reward, Inspection}
	enforcement := []Kind{Penalty, Coercion, Inspection}
	service := []Kind{Licence, Reward}
	return []Department{
		{ID: "city-zcfg", Name: "市局政策法规处", Short: "政策法规处", Code: CityBureauCode, Level: CityDivision},
		{ID: "city-whp", Name: "市局危险化学品安全监督管理处（行政服务处）", Short: "危化处", Code: CityBureauCode, Level: CityDivision, Owns: service, Helps: enforcement},
		{ID: "city-zhzx", Name: "市局应急指挥中心", Short: "指挥中心", Code: CityBureauCode, Level: CityDivision, Helps: service},
		{ID: "city-zd", Name: "市安全生产监察支队", Short: "监察支队", Code: CityBureauCode, Level: CityDivision, Owns: enforcement},
		{ID: "city-dctj", Name: "市局调查统计和综合减灾处", Short: "调统减灾处", Code: CityBureauCode, Level: CityDivision, Helps: enforcement},
		{ID: "city-jc", Name: "市局安全生产基础处", Short: "基础处", Code: CityBureauCode, Level: CityDivision, Helps: enforcement},
		{ID: "city-bgs", Name: "市局办公室", Short: "办公室", Code: CityBureauCode, Level: CityDivision},
		{ID: "city-kxc", Name: "市局科技和信息化处", Short: "科信处", Code: CityBureauCode, Level: CityDivision},
		{ID: "320481", Name: "溧阳市应急管理局", Short: "溧阳市", Code: "320481", Level: District, Owns: all},
		{ID: "320413", Name: "金坛区应急管理局", Short: "金坛区", Code: "320413", Level: District, Owns: all},
		{ID: "320412", Name: "武进区应急管理局", Short: "武进区", Code: "320412", Level: District, Owns: all},
		{ID: "320411", Name: "新北区应急管理局", Short: "新北区", Code: "320411", Level: District, Owns: all},
		{ID: "320402", Name: "天宁区应急管理局", Short: "天宁区", Code: "320402", Level: District, Owns: all},
		{ID: "320404", Name: "钟楼区应急管理局", Short: "钟楼区", Code: "320404", Level: District, Owns: all},
		{ID: "czjk", Name: "常州经开区政法和应急管理局", Short: "经开区", Code: "", Level: District, Owns: all},
	}
}

// Directory looks departments up by ID and keeps their configured order.
type Directory struct {
	list []Department
	byID map[string]int
}

// NewDirectory indexes depts; later duplicates of an ID replace earlier ones.
func NewDirectory(depts []Department) *Directory {
	d := &Directory{byID: make(map[string]int, len(depts))}
	for _, dep := range depts {
		if i, ok := d.byID[dep.ID]; ok {
			d.list[i] = dep
			continue
		}
		d.byID[dep.ID] = len(d.list)
		d.list = append(d.list, dep)
	}
	return d
}

// All returns the departments in configured order. Callers must not modify it.
func (d *Directory) All() []Department { return d.list }

// Get returns the department with the given ID.
func (d *Directory) Get(id string) (Department, bool) {
	i, ok := d.byID[id]
	if !ok {
		return Department{}, false
	}
	return d.list[i], true
}

// FullName returns the department's full name, or the ID itself when the
// department is not in the directory (data from an unknown unit stays visible).
func (d *Directory) FullName(id string) string {
	if dep, ok := d.Get(id); ok {
		return dep.Name
	}
	return id
}

// ShortName returns the department's short name, or the ID itself when the
// department is not in the directory (data from an unknown unit stays visible).
func (d *Directory) ShortName(id string) string {
	if dep, ok := d.Get(id); ok {
		return dep.Short
	}
	return id
}
