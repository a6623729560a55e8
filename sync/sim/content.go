package sim

// The texts below follow the wording of real decisions under the Work Safety
// Law (《中华人民共和国安全生产法》, 2021 revision) and related regulations.

// violation is one kind of unlawful act: what was done, the duty it breached
// and the article the penalty rests on.
type violation struct {
	act      string // 违法行为类型
	duty     string // the provision violated
	basis    string // 处罚依据
	minFine  int64  // yuan
	maxFine  int64  // yuan
	person   bool   // committed by a natural person (a manager), not the unit
	accident bool   // a production-safety accident
	hazchem  bool   // only for units holding dangerous chemicals
}

const (
	lawWorkSafety = "《中华人民共和国安全生产法》"
	lawHazchem    = "《危险化学品安全管理条例》"
	lawFireworks  = "《烟花爆竹安全管理条例》"
)

var violations = []violation{
	{act: "未按照规定对从业人员进行安全生产教育和培训", duty: lawWorkSafety + "第二十八条第一款", basis: lawWorkSafety + "第九十七条第三项", minFine: 10000, maxFine: 100000},
	{act: "未如实记录安全生产教育和培训情况", duty: lawWorkSafety + "第二十八条第四款", basis: lawWorkSafety + "第九十七条第四项", minFine: 10000, maxFine: 50000},
	{act: "未将事故隐患排查治理情况如实记录或者未向从业人员通报", duty: lawWorkSafety + "第四十一条第二款", basis: lawWorkSafety + "第九十七条第五项", minFine: 10000, maxFine: 100000},
	{act: "未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志", duty: lawWorkSafety + "第三十五条", basis: lawWorkSafety + "第九十九条第一项", minFine: 10000, maxFine: 50000},
	{act: "安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准", duty: lawWorkSafety + "第三十六条第一款", basis: lawWorkSafety + "第九十九条第二项", minFine: 20000, maxFine: 200000},
	{act: "未对安全设备进行经常性维护、保养和定期检测", duty: lawWorkSafety + "第三十六条第二款", basis: lawWorkSafety + "第九十九条第三项", minFine: 10000, maxFine: 100000},
	{act: "未为从业人员提供符合国家标准或者行业标准的劳动防护用品", duty: lawWorkSafety + "第四十五条", basis: lawWorkSafety + "第九十九条第五项", minFine: 10000, maxFine: 50000},
	{act: "未按照规定制定生产安全事故应急救援预案或者未定期组织演练", duty: lawWorkSafety + "第八十一条", basis: lawWorkSafety + "第九十七条第六项", minFine: 10000, maxFine: 100000},
	{act: "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业", duty: lawWorkSafety + "第三十条第一款", basis: lawWorkSafety + "第九十七条第七项", minFine: 20000, maxFine: 100000},
	{act: "进行爆破、吊装、动火、临时用电以及国务院应急管理部门会同国务院有关部门规定的其他危险作业，未安排专门人员进行现场安全管理", duty: lawWorkSafety + "第四十三条", basis: lawWorkSafety + "第一百零一条第三项", minFine: 20000, maxFine: 100000},
	{act: "未建立安全风险分级管控制度或者未按照安全风险分级采取相应管控措施", duty: lawWorkSafety + "第四十一条第一款", basis: lawWorkSafety + "第一百零一条第四项", minFine: 50000, maxFine: 100000},
	{act: "生产经营场所和员工宿舍未设有符合紧急疏散需要、标志明显、保持畅通的出口、疏散通道", duty: lawWorkSafety + "第四十二条第二款", basis: lawWorkSafety + "第一百零五条第二项", minFine: 10000, maxFine: 50000},
	{act: "粉尘防爆安全设备未定期进行清理，作业场所积尘未及时规范清理", duty: "《工贸企业粉尘防爆安全规定》第十三条", basis: "《工贸企业粉尘防爆安全规定》第二十六条第一项", minFine: 10000, maxFine: 30000},
	{act: "未对有限空间作业进行辨识，未设置明显的安全警示标志", duty: "《工贸企业有限空间作业安全规定》第七条", basis: "《工贸企业有限空间作业安全规定》第二十一条第一项", minFine: 10000, maxFine: 50000},
	{act: "危险化学品未储存在专用仓库内，或者未按照相关技术标准规定的储存方法、储存数量储存", duty: lawHazchem + "第二十四条第一款", basis: lawHazchem + "第八十条第一款第五项", minFine: 50000, maxFine: 100000, hazchem: true},
	{act: "未对其铺设的危险化学品管道设置明显的标志或者未对危险化学品管道定期检查、检测", duty: lawHazchem + "第十三条第一款", basis: lawHazchem + "第七十八条第一款第一项", minFine: 10000, maxFine: 50000, hazchem: true},
	{act: "未经许可经营危险化学品", duty: lawHazchem + "第三十三条第一款", basis: lawHazchem + "第七十七条第三款", minFine: 100000, maxFine: 200000, hazchem: true},
	{act: "未经许可经营烟花爆竹", duty: lawFireworks + "第三条", basis: lawFireworks + "第三十六条第二款", minFine: 10000, maxFine: 50000},
	{act: "生产经营单位的主要负责人未履行安全生产管理职责", duty: lawWorkSafety + "第二十一条", basis: lawWorkSafety + "第九十四条第一款", minFine: 20000, maxFine: 50000, person: true},
	{act: "生产经营单位的安全生产管理人员未履行安全生产管理职责", duty: lawWorkSafety + "第二十五条", basis: lawWorkSafety + "第九十六条", minFine: 10000, maxFine: 30000, person: true},
	{act: "对生产安全事故的发生负有责任", duty: lawWorkSafety + "第四条", basis: lawWorkSafety + "第一百一十四条第一款第一项", minFine: 200000, maxFine: 500000, accident: true},
}

// coercions are measures of 行政强制 with the article they rest on.
var coercions = []struct{ content, basis string }{
	{"查封违法储存危险化学品的场所，查封期限三十日", lawWorkSafety + "第六十五条第一款第四项"},
	{"扣押不符合保障安全生产的国家标准或者行业标准的设施、设备、器材", lawWorkSafety + "第六十五条第一款第四项"},
	{"扣押违法生产、储存、使用、经营的危险物品", lawWorkSafety + "第六十五条第一款第四项"},
	{"查封存在重大事故隐患的生产装置，期限三十日", lawWorkSafety + "第六十五条第一款第三项"},
	{"通知供电企业停止供电，强制生产经营单位履行停产停业决定", lawWorkSafety + "第七十条第一款"},
	{"查封非法经营烟花爆竹的场所，扣押烟花爆竹", lawFireworks + "第三十八条"},
}

// inspections are outcomes of 行政监督检查.
var inspections = []struct {
	content string
	weight  int
}{
	{"检查未发现违法违规行为", 40},
	{"发现一般事故隐患2项，已当场责令改正", 20},
	{"发现一般事故隐患5项，责令限期整改", 15},
	{"发现重大事故隐患1项，责令停止使用相关设施、设备，限期整改", 5},
	{"发现安全生产违法行为，已移交立案查处", 8},
	{"复查整改情况：隐患已整改完毕", 12},
}

var inspectionNotes = []string{"“双随机、一公开”抽查", "专项执法检查", "复查", "举报核查", "节假日前安全检查", "危险化学品专项检查"}

// rewards are 行政奖励 for units and for people who reported hazards.
var rewards = []struct {
	content string
	person  bool
}{
	{"授予安全生产工作先进单位称号", false},
	{"授予安全生产标准化建设示范企业称号", false},
	{"授予安全文化建设示范企业称号", false},
	{"对举报重大事故隐患的举报人给予奖励人民币3000元", true},
	{"对举报非法违法生产经营行为的举报人给予奖励人民币1000元", true},
	{"对举报重大事故隐患的举报人给予奖励人民币5000元", true},
}

// licenceTypes are the certificates the bureaus issue.
type licenceType struct {
	cert     string // 许可证书名称
	docName  string // 许可决定文书名称
	years    int    // validity
	hazchem  bool   // for holders of dangerous chemicals
	shop     bool   // usually for 个体工商户
	contents []string
}

var licenceTypes = []licenceType{
	{cert: "安全生产许可证", docName: "安全生产许可证核发决定书", years: 3, hazchem: true, contents: []string{
		"危险化学品生产：甲醇、乙酸乙酯、甲苯",
		"危险化学品生产：盐酸、硫酸、氢氧化钠溶液",
		"危险化学品生产：丙烯酸树脂涂料、稀释剂",
		"危险化学品生产：氧［压缩的或液化的］、氮［压缩的或液化的］",
	}},
	{cert: "危险化学品经营许可证", docName: "危险化学品经营许可决定书", years: 3, hazchem: true, contents: []string{
		"批发（不带储存）：甲醇、乙醇、丙酮、甲苯、二甲苯",
		"批发（带储存）：液化石油气、丙烷",
		"零售（带储存）：汽油、柴油［闭杯闪点≤60℃］",
		"批发（不带储存）：硫酸、盐酸、硝酸、氢氧化钠",
	}},
	{cert: "烟花爆竹经营（零售）许可证", docName: "烟花爆竹经营（零售）许可决定书", years: 1, shop: true, contents: []string{
		"零售：烟花爆竹（C级、D级）",
		"零售：烟花爆竹（C级、D级），限量存放",
	}},
}

// rejectReasons are why the sharing platform refuses a record.
const (
	rejectUSCC  = "统一社会信用代码校验错误"
	rejectDocNo = "缺少决定书文号"
	rejectDates = "处罚决定日期晚于公示日期"
)
