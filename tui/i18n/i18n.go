// Package i18n is the message catalogue of every text credwatch shows a
// person, in Chinese and English: the full-screen view's (tui), the
// commands' (cmd/credwatch), and the domain's own texts (credit.Text: the
// daily check's lines, data-quality issues and the like), which the domain
// names by key and this package words. It imports no terminal library.
//
// Domain terms (行政处罚, 一般/严重, stage names such as 待注销, department
// names) stay in Chinese in both languages: they are the names officers see
// in the agency systems.
//
// Every message must be narrow-only text: no East-Asian-ambiguous characters
// (TestMessagesHaveNoAmbiguousWidth).
package i18n

import (
	"fmt"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
)

// Catalog gives the messages in one language. The zero value is Chinese.
type Catalog struct{ en bool }

// New returns the catalogue of lang: "en" for English, anything else
// Chinese (the default).
func New(lang string) Catalog { return Catalog{en: lang == "en"} }

// English reports whether the catalogue is the English one.
func (c Catalog) English() bool { return c.en }

type message struct{ zh, en string }

// messages is keyed by a short identifier. The two languages' %-verbs must
// agree (TestCatalogueComplete).
var messages = map[string]message{
	"app": {"credwatch 信用信息值守", "credwatch"},

	// Tabs.
	"tab.sharing": {"数据共享清单", "Sharing list"},
	"tab.sync":    {"同步状态", "Sync status"},
	"tab.repair":  {"信用修复", "Credit repair"},
	"tab.queue":   {"修复后续", "After approval"},

	// Header.
	"day.working":      {"工作日", "working day"},
	"day.off":          {"休息日", "day off"},
	"day.holiday":      {"休息日 %s", "day off (%s)"},
	"day.adjusted":     {"调休上班", "adjusted working day"},
	"day.unknown":      {"日历未知", "calendar unknown"},
	"demo":             {"演示数据", "DEMO DATA"},
	"asof":             {"数据截至 %s", "data as of %s"},
	"state.sync":       {"同步中", "syncing"},
	"state.ok":         {"正常", "OK"},
	"state.errors":     {"%d个接口异常", "failing endpoints: %d"},
	"state.never":      {"未同步", "not synced"},
	"state.stale":      {"过期", "stale"},
	"state.incomplete": {"未完成", "incomplete"},
	"holder.stalled":   {"同步进程 %s（pid %d）已停滞：自 %s 起无进展，无法开始同步", "the syncing process %s (pid %d) is stalled: no progress since %s; no pass can start"},
	"holder.storeerr":  {"同步进程（pid %d）自 %s 起无法写入缓存：%s", "the syncing process (pid %d) cannot write the cache since %s: %s"},
	"ev.syncheld":      {"无法开始同步：%s", "no pass can start: %s"},
	"state.error":      {"异常", "failing"},
	"state.noeng":      {"无同步引擎", "no sync engine"},
	"warn.year": {"工作日日历缺少%d年节假日安排，该年的期限无法计算：请在配置 [calendar] 中补充",
		"working-day calendar lacks the %d holiday schedule; deadlines in that year cannot be computed: add it under [calendar] in the configuration"},

	// Ages.
	"age.never": {"从未", "never"},
	"age.now":   {"刚刚", "just now"},
	"age.sec":   {"%d秒前", "%ds ago"},
	"age.min":   {"%d分钟前", "%dm ago"},
	"age.hour":  {"%d小时前", "%dh ago"},
	"age.day":   {"%d天前", "%dd ago"},

	// Sharing list.
	"col.dept":       {"部门", "Dept"},
	"col.kind":       {"类别", "Kind"},
	"col.received":   {"归集", "Recv"},
	"col.disclosed":  {"已公示", "Discl"},
	"col.pending":    {"未公示", "Pending"},
	"col.rejected":   {"退回", "Rej"},
	"col.lastpush":   {"最近推送", "Last push"},
	"col.overdue":    {"逾期未公示", "Overdue"},
	"col.late":       {"逾期公示", "Late"},
	"sharing.sum":    {"未公示 %d  退回 %d  逾期未公示 %d  逾期公示 %d  超过1个工作日未推送的部门 %d", "pending %d  rejected %d  overdue %d  late %d  departments not pushed for over a working day %d"},
	"sharing.detail": {"%s %s：归集 %d，已公示 %d，未公示 %d，退回 %d；部门系统最近推送至共享清单 %s", "%s %s: received %d, disclosed %d, pending %d, rejected %d; the department's last push to the sharing list %s"},
	"sharing.rej":    {"；退回：%s", "; rejected: %s"},
	"sharing.nopush": {"（共享清单无此项）", "(not on the sharing list)"},
	"sharing.bad":    {"；工作日日历不全，无法判断公示时限", "; the working-day calendar is incomplete: timeliness cannot be judged"},

	// Sync status.
	"col.endpoint":    {"接口", "Endpoint"},
	"col.feeds":       {"数据", "Feeds"},
	"col.state":       {"状态", "State"},
	"col.lastok":      {"最近成功", "Last success"},
	"col.failures":    {"连续失败", "Failures"},
	"col.lasterr":     {"最近错误", "Last error"},
	"col.total":       {"合计", "Total"},
	"col.lastrecv":    {"最近收到", "Last received"},
	"col.lastattempt": {"最近尝试", "Last attempt"},
	"col.deptcode":    {"部门代码", "Dept code"},
	"col.pushstate":   {"推送状态", "Push state"},
	"col.eligibility": {"可申请状态", "Eligibility"},
	"col.ruleset":     {"规则集", "Rule set"},
	"sync.sum":        {"接口 %d 个，异常 %d 个  异常数据 %d 条（未通过校验，未入库）  缓存 %s", "%d endpoints, %d failing  quarantined %d (failed validation, not stored)  cache %s"},
	"sync.epdetail":   {"%[2]s：尝试 %[3]s，成功 %[4]s，累计 %[1]d 条", "%[2]s: attempt %[3]s, success %[4]s, %[1]d items"},
	"sync.errsince":   {"；自 %s 起失败：%s", "; failing since %s: %s"},
	"sync.retryat":    {"；%s 重试", "; next try %s"},
	"sync.retrycell":  {"%s重试 ", "retry %s: "},
	"sync.incomplete": {"；未完整同步：%s", "; never synced to the end: %s"},
	"sync.dept":       {"%s：缓存 %d 条，本机最近从接口收到 %s", "%s: %d cached, last received by credwatch from the endpoints %s"},
	"feed.sharing":    {"共享清单", "sharing list"},
	"feed.repair":     {"修复状态", "repair status"},

	// Repair deadlines.
	"col.name":       {"企业名称", "Enterprise"},
	"col.uscc":       {"统一社会信用代码", "USCC"},
	"col.docno":      {"文号", "Doc no."},
	"col.severity":   {"失信程度", "Tier"},
	"col.decided":    {"处罚决定日期", "Decided"},
	"col.decidedany": {"决定日期", "Decided"},
	"col.eligible":   {"可申请修复日", "Eligible from"},
	"col.remaining":  {"剩余", "Left"},
	"col.status":     {"状态", "Status"},
	"rep.norepair":   {"不可修复", "not repairable"},
	"rep.now":        {"已可申请", "eligible"},
	"rep.days":       {"%d天", "%dd"},
	"rep.reminded":   {"到期提醒已推送", "reminder pushed"},
	"rep.remind":     {"待跟进到期提醒", "follow up reminder"},
	"rep.calunknown": {"日历未知", "calendar?"},
	"rep.error":      {"无法计算", "error"},
	"rep.sum":        {"处罚 %d 条  %d天内可申请 %d  已可申请 %d（待跟进到期提醒 %d）  审核中 %d（超期 %d）  不可修复 %d", "%d penalties  due in %dd: %d  eligible %d (reminder due %d)  in review %d (overdue %d)  not repairable %d"},
	"rep.detail":     {"%s  处罚决定 %s  依据 %s：最迟公示日 %s，最短期满 %s，最长公示至 %s", "%s  decided %s  rule set %s: latest disclosure day %s, minimum period ends %s, disclosed until %s"},

	// Cancellation queues.
	"col.stage":      {"阶段", "Stage"},
	"col.since":      {"自", "Since"},
	"col.age":        {"工作日", "Days"},
	"col.due":        {"应完成", "Due"},
	"q.stuck":        {"超期", "overdue"},
	"q.ok":           {"正常", "on time"},
	"q.sum":          {"超期 %d 项  待注销 %d  待重算等级 %d  待国家企业信用信息公示系统修复 %d  审核超期 %d", "%d overdue  awaiting cancellation %d  awaiting regrade %d  awaiting national repair %d  review overdue %d"},
	"q.since":        {"自 %s 起 %d 个工作日，应于 %s 完成", "since %s, %d working days, due %s"},
	"q.review":       {"信用中国审核超过时限，请跟进", "Credit China's review is overdue: follow up"},
	"q.cancel":       {"企业需在常州市企业安全生产管理信息系统注销不良记录", "the enterprise must cancel the record in 常州市企业安全生产管理信息系统"},
	"q.regrade":      {"市系统应于注销次日重算信用等级", "the city system regrades the day after cancellation"},
	"q.national":     {"本局需在国家企业信用信息公示系统完成修复", "the bureau must repair it in 国家企业信用信息公示系统"},
	"q.norecord":     {"（缓存中无此处罚）", "(penalty not in cache)"},
	"empty":          {"（无数据）", "(no data)"},
	"empty.queue":    {"（队列为空）", "(queue is empty)"},
	"pos":            {"%d/%d", "%d/%d"},
	"sum.unfiltered": {"全部数据合计（不随筛选）：%s", "totals of all rows, not the filtered ones: %s"},
	"ev.page":        {"%s %s %s：收到 %d 条", "%s %s %s: received %d"},
	"ev.done":        {"%s %s：同步完成", "%s %s: sync done"},
	"ev.resync":      {"%s %s：游标已失效，重新获取%s", "%s %s: cursor expired, fetching %s anew"},
	"ev.action":      {"%s %s 记录操作 %s，待发送", "%s %s recorded %s, to be sent"},
	"ev.sent":        {"%s 操作已送达：%s", "%s action accepted: %s"},
	"ev.refused":     {"%s 操作被拒绝：%s（%s）", "%s action refused: %s (%s)"},
	"ev.other":       {"%s %s %s", "%s %s %s"},
	"ev.error":       {"%s %s：同步失败 %s，%s后重试", "%s %s: sync failed: %s; retry in %s"},
	"ev.closed":      {"同步引擎已停止", "sync engine stopped"},
	"ev.syncnow":     {"已请求立即同步", "sync requested"},
	"ev.loading":     {"正在读取缓存", "reading cache"},
	"ev.sorting":     {"正在排序", "sorting"},
	"ev.taken":       {"缓存读取于 %s", "cache read at %s"},
	"err.snapshot":   {"读取缓存失败（%s）：%s", "reading the cache failed (%s): %s"},
	"err.nosnap":     {"未配置缓存", "no cache configured"},
	"help.tab":       {"下一页", "next tab"},
	"help.prevtab":   {"上一页", "prev tab"},
	"help.jump":      {"跳到页", "go to tab"},
	"help.up":        {"上移", "up"},
	"help.down":      {"下移", "down"},
	"help.pgup":      {"上翻", "page up"},
	"help.pgdown":    {"下翻", "page down"},
	"help.top":       {"首行", "top"},
	"help.bottom":    {"末行", "bottom"},
	"help.sync":      {"立即同步", "sync now"},
	"help.help":      {"帮助", "help"},
	"help.helpless":  {"收起帮助", "less"},
	"help.quit":      {"退出", "quit"},
	// Daily check (每日核查).
	"tab.check":         {"每日核查", "Daily check"},
	"col.result":        {"结果", "Result"},
	"col.checkitem":     {"检查项", "Check"},
	"col.count":         {"数量", "Count"},
	"col.about":         {"涉及", "Concerns"},
	"col.date":          {"日期", "Date"},
	"col.officer":       {"值班人", "Officer"},
	"col.time":          {"时间", "Time"},
	"col.failed":        {"未通过", "Failed"},
	"col.note":          {"备注", "Note"},
	"chk.pass":          {"通过", "pass"},
	"chk.fail":          {"未通过", "FAIL"},
	"chk.warn":          {"注意", "warning"},
	"chk.counts":        {"未通过 %d  注意 %d  通过 %d", "failed %d  warnings %d  passed %d"},
	"chk.missed":        {"近%d个工作日漏签 %d 天", "last %d working days: %d not signed off"},
	"chk.signed":        {"已签核 %s %s", "signed off %s by %s"},
	"chk.unsigned":      {"今日尚未签核（s 签核）", "today not signed off (s to sign)"},
	"chk.holiday":       {"今天休息（%s），无需每日核查", "day off (%s): no daily check"},
	"chk.dayoff":        {"今天休息，无需每日核查", "day off: no daily check"},
	"chk.nostore":       {"每日核查需要缓存的读写接口（Store），未配置", "the daily check needs the cache store, which is not configured"},
	"chk.records":       {"%d条记录", "%d records"},
	"chk.openrecs":      {"enter 查看这 %d 条记录", "enter lists these %d records"},
	"chk.opendepts":     {"enter 查看这些部门的共享清单", "enter shows these departments' sharing rows"},
	"chk.opensync":      {"enter 查看同步状态", "enter shows the sync status"},
	"hist.signed":       {"已签核", "signed"},
	"hist.missed":       {"漏签", "MISSED"},
	"hist.today":        {"待签核", "to sign"},
	"hist.todaydetail":  {"今天尚未签核", "today is not signed off yet"},
	"hist.detail":       {"%s 已签核：%s %s，未通过 %d 项；%s", "%s signed off by %s at %s, %d failing; %s"},
	"hist.misseddetail": {"%s 未签核", "%s was not signed off"},
	"banner.unsigned":   {"今日核查尚未签核（1 查看，s 签核）", "today's check is not signed off (1 to view, s to sign)"},
	"readonly":          {"只读", "READ-ONLY"},

	// Repair sections.
	"col.section":      {"分组", "Section"},
	"sec.soon":         {"%d天内可申请", "due in %dd"},
	"sec.now":          {"已可申请", "eligible"},
	"sec.review":       {"审核中", "in review"},
	"sec.norepair":     {"不可修复", "not repairable"},
	"sec.later":        {"尚未到期", "later"},
	"sec.other":        {"审核完成", "review completed"},
	"sec.fulfil":       {"履行完毕即可申请", "on fulfilment"},
	"rep.onfulfil":     {"履行完毕即可申请", "on fulfilment"},
	"rep.early":        {"申请不符合条件", "application not eligible"},
	"rep.threedone":    {"已落实", "done"},
	"rep.threecount":   {"缺%d项", "%d missing"},
	"rep.threemissing": {"三同步未落实：%s", "three-in-step missing: %s"},
	"col.three":        {"三同步", "Three-in-step"},
	"sec.error":        {"无法计算", "error"},
	"rep.noremind":     {"未记录到期提醒", "no reminder recorded"},
	"rep.reviewlate":   {"已超期", "overdue"},
	"rep.stagedue":     {"%s应于 %s 完成", "%s due %s"},
	"rep.reminddate":   {"到期提醒 %s 已推送", "reminder pushed %s"},

	// Records and the detail view.
	// A record's fields in the detail view (national names where the
	// standard has them; .penalty and .licence where it names them apart).
	"field.kind":              {"信息类别", "Kind"},
	"field.record_key":        {"记录键", "Record key"},
	"field.dept":              {"部门", "Department"},
	"field.subject_name":      {"行政相对人名称", "Subject name"},
	"field.subject_kind":      {"行政相对人类别", "Subject kind"},
	"field.uscc":              {"统一社会信用代码", "Credit code (USCC)"},
	"field.legal_rep":         {"法定代表人", "Legal representative"},
	"field.doc_no":            {"决定书文号", "Document number"},
	"field.violation":         {"违法行为类型", "Violation type"},
	"field.facts":             {"违法事实", "Facts"},
	"field.basis":             {"处罚依据", "Legal basis"},
	"field.penalty_types":     {"处罚类别", "Penalty types"},
	"field.penalty_content":   {"处罚内容", "Penalty content"},
	"field.fine_wan":          {"罚款金额（万元）", "Fine (10k yuan)"},
	"field.severity":          {"失信程度", "Dishonesty tier"},
	"field.accident":          {"涉及生产安全事故", "Production-safety accident"},
	"field.valid_until":       {"处罚有效期", "Penalty valid until"},
	"field.publish_until":     {"公示截止期", "Publication ends"},
	"field.licence_category":  {"许可类别", "Licence category"},
	"field.cert_name":         {"许可证书名称", "Certificate"},
	"field.licence_no":        {"许可编号", "Licence number"},
	"field.licence_content":   {"许可内容", "Licence content"},
	"field.valid_from":        {"有效期自", "Valid from"},
	"field.valid_to":          {"有效期至", "Valid to"},
	"field.licence_status":    {"当前状态", "Licence status"},
	"field.decided":           {"决定日期", "Decision date"},
	"field.decided.penalty":   {"处罚决定日期", "Decision date"},
	"field.decided.licence":   {"许可决定日期", "Decision date"},
	"field.authority":         {"决定机关", "Authority"},
	"field.authority.penalty": {"处罚机关", "Authority"},
	"field.authority.licence": {"许可机关", "Authority"},
	"field.auth_code":         {"决定机关代码", "Authority code"},
	"field.auth_code.penalty": {"处罚机关代码", "Authority code"},
	"field.auth_code.licence": {"许可机关代码", "Authority code"},
	"field.source_unit":       {"数据来源单位", "Source unit"},
	"field.source_code":       {"数据来源单位代码", "Source unit code"},
	"field.content":           {"内容", "Content"},
	"field.note":              {"备注", "Note"},
	"field.disclosed":         {"公示日期", "Disclosed on"},
	"field.rejected":          {"平台退回原因", "Rejected because"},
	"field.yes":               {"是", "yes"},
	"field.no":                {"否", "no"},
	"col.disclosure":          {"公示", "Disclosure"},
	"col.issues":              {"问题", "Issues"},
	"col.field":               {"字段", "Field"},
	"col.value":               {"内容", "Value"},
	"col.source":              {"字段名/依据", "Field name / rules"},
	"view.checkrecs":          {"核查：%s", "Check: %s"},
	"view.checkdepts":         {"核查：%s", "Check: %s"},
	"view.deptrecs":           {"%s %s 的记录", "records of %s, %s"},
	"view.detail":             {"详情：%s", "Detail: %s"},
	"view.outbox":             {"待发送操作", "Outbox"},
	"name.detail":             {"记录详情", "Record detail"},
	"name.records":            {"记录列表", "Records"},
	"name.history":            {"签核记录", "Sign-off history"},
	"name.depts":              {"部门归集", "Departments"},

	// An export's facts (credit.Export.About).
	"about.view":        {"视图", "View"},
	"about.filter":      {"筛选", "Filter"},
	"about.dept":        {"部门筛选", "Department filter"},
	"about.sort":        {"排序", "Sort"},
	"about.asc":         {"升序", "ascending"},
	"about.desc":        {"降序", "descending"},
	"about.today":       {"业务日期", "Business date"},
	"about.officer":     {"值班人员", "Officer"},
	"about.rulesets":    {"规则集", "Rule sets"},
	"about.datatime":    {"数据截至", "Data as of"},
	"about.readat":      {"缓存读取时间", "Cache read at"},
	"det.fields":        {"记录字段", "Fields"},
	"help.report":       {"上月双公示月报(xlsx)", "last month's report (xlsx)"},
	"ev.report":         {"正在生成%s月报", "writing the report of %s"},
	"det.origin":        {"导入来源", "Imported from"},
	"det.ofile":         {"来源文件", "File"},
	"det.osheet":        {"工作表", "Sheet"},
	"det.orow":          {"行号", "Row"},
	"det.ohash":         {"内容哈希", "Content hash"},
	"det.oat":           {"导入时间", "Imported at"},
	"det.disclosure":    {"公示时限", "Disclosure"},
	"det.repair":        {"信用修复", "Credit repair"},
	"det.pipeline":      {"修复进度", "Repair steps"},
	"det.quality":       {"数据质量", "Data quality"},
	"det.three":         {"三同步", "Three-in-step"},
	"det.outbox":        {"待发送操作", "Actions not yet sent"},
	"det.discstate":     {"公示状态", "Disclosure state"},
	"det.rsource":       {"依据条款", "Source"},
	"det.tier":          {"按失信程度计算", "Tier applied"},
	"det.notdisclosed":  {"原则上不予公示（轻微失信）", "none: not disclosed in principle (minor)"},
	"det.onfulfil":      {"法定责任履行完毕即可申请（未记录履行）", "once the legal obligations are fulfilled (not recorded)"},
	"det.appissue":      {"修复申请", "Application"},
	"det.fulfilled":     {"法定责任履行完毕", "Obligations fulfilled"},
	"det.calunknown":    {"未知：日历缺少%s年节假日安排", "unknown: the calendar lacks %s"},
	"det.provisional":   {"（暂定：%s年节假日安排未经国务院通知核对）", "(provisional: the %s schedule is not checked against the notice)"},
	"det.discdue":       {"最迟公示日", "Latest disclosure day"},
	"det.lateby":        {"晚 %d 个工作日", "%d working days late"},
	"det.wd":            {"%d个工作日", "%d working days"},
	"det.ruleset":       {"依据规则", "Rule set"},
	"det.minend":        {"最短公示期满", "Minimum period ends"},
	"det.maxend":        {"最长公示至", "Disclosed until"},
	"det.reviewdue":     {"审核应完成", "Review due"},
	"det.indays":        {"（%d天后）", "(in %d days)"},
	"det.stage":         {"当前阶段", "Stage"},
	"det.since":         {"自 %s，%d 个工作日", "since %s, %d working days"},
	"det.due":           {"应于 %s 完成", "due %s"},
	"det.reminder":      {"到期提醒推送", "Reminder pushed"},
	"det.applied":       {"申请信用中国修复", "Applied to Credit China"},
	"det.reviewed":      {"信用中国审核", "Credit China review"},
	"det.approved":      {"通过", "approved"},
	"det.rejected":      {"未通过", "rejected"},
	"det.cancelled":     {"企业注销不良记录", "Cancelled by the enterprise"},
	"det.regraded":      {"重算信用等级", "Grade recalculated"},
	"det.national":      {"国家企业信用信息公示系统修复", "National repair"},
	"det.receipt":       {"回执 %s", "receipt %s"},
	"det.withdrawal":    {"企业要求撤销公示（第十一条）", "Enterprise asked for withdrawal (Art. 11)"},
	"det.noissues":      {"数据质量", "Data quality"},
	"det.ok":            {"无问题", "no issues"},
	"det.notapplicable": {"不适用：%s", "not applicable: %s"},
	"det.notice":        {"信用修复告知书", "Repair notice"},
	"det.education":     {"诚信教育/警示约谈", "Integrity education"},
	"det.reminderset":   {"修复提醒", "Repair reminder set up"},
	"det.done":          {"已完成", "done"},
	"det.notdone":       {"未完成", "missing"},
	"det.error":         {"无法计算", "error"},
	"det.usccbad":       {"信用代码校验", "Credit code check"},

	// The daily check's lines (credit.DailyCheck).
	"check.received":             {"自上一工作日起收到 许可%d 处罚%d 强制%d 奖励%d 检查%d", "received since the last working day: licence %d penalty %d coercion %d reward %d inspection %d"},
	"check.push-stale":           {"%d个部门超过1个工作日未推送数据", "%d departments have not pushed for over a working day"},
	"check.sharing-missing":      {"数据共享清单缺少%d条记录", "%d records missing from the sharing list"},
	"check.sharing-rejected":     {"数据共享清单退回%d条记录", "%d records rejected by the sharing platform"},
	"check.disclosure-overdue":   {"%d条记录超过7个工作日未公示", "%d records not disclosed within 7 working days"},
	"check.disclosure-late":      {"自上一工作日起%d条记录逾期公示", "%d records disclosed late since the last working day"},
	"check.quality":              {"%d条记录存在数据质量问题", "%d records with data-quality errors"},
	"check.three-in-step":        {"%d条一般行政处罚未落实三同步（上一工作日以来新作出%d条）", "%d general penalties with three-in-step incomplete (%d decided since the last working day)"},
	"check.pipeline-stuck":       {"%d项信用修复事项超期未办", "%d repair items stuck past their expected time"},
	"check.endpoints":            {"%d个接口同步异常", "%d endpoints failing"},
	"check.endpoints-incomplete": {"%d个接口同步异常（其中%d个尚未完整同步，数据可能不全）", "%d endpoints failing (%d never synced to the end: data may be partial)"},

	// Data-quality issues of a record (credit.Issue). A value the source
	// system sent is quoted “so” in Chinese, %q in English.
	"issue.bad-kind":                          {"信息类别“%s”无效", "unknown kind %q"},
	"issue.missing-subject-name":              {"行政相对人名称为空", "subject name (行政相对人名称) is missing"},
	"issue.missing-subject-kind":              {"行政相对人类别为空", "subject kind (行政相对人类别) is missing"},
	"issue.person-with-uscc":                  {"自然人不应填写统一社会信用代码", "a natural person (自然人) carries no unified social credit code"},
	"issue.missing-uscc":                      {"%s缺少统一社会信用代码", "unified social credit code is missing for a %s"},
	"issue.uscc-check":                        {"统一社会信用代码%s", "unified social credit code %s"},
	"issue.uscc-invalid":                      {"统一社会信用代码无效：%s", "%s"},
	"issue.missing-legal-rep":                 {"法人及非法人组织缺少法定代表人", "legal representative (法定代表人) is missing for a legal entity"},
	"issue.bad-subject-kind":                  {"行政相对人类别“%[1]s”无效", "subject kind %[1]q is not one of %[2]s, %[3]s, %[4]s"},
	"issue.missing-doc-no":                    {"决定书文号为空", "document number (决定书文号) is missing"},
	"issue.missing-decision-date":             {"决定日期为空", "decision date is missing"},
	"issue.future-decision":                   {"决定日期%s晚于今天%s", "decision date %s is after today %s"},
	"issue.missing-authority":                 {"决定机关为空", "deciding authority is missing"},
	"issue.missing-source-unit":               {"数据来源单位为空", "source unit (数据来源单位) is missing"},
	"issue.disclosed-before-decision":         {"公示日期%s早于决定日期%s", "disclosed %s before the decision %s"},
	"issue.missing-violation":                 {"违法行为类型为空", "violation type (违法行为类型) is missing"},
	"issue.missing-facts":                     {"违法事实为空", "facts (违法事实) are missing"},
	"issue.missing-basis":                     {"处罚依据为空", "legal basis (处罚依据) is missing"},
	"issue.missing-content.penalty":           {"处罚内容为空", "penalty content (处罚内容) is missing"},
	"issue.missing-penalty-type":              {"处罚类别为空", "penalty type (处罚类别) is missing"},
	"issue.bad-penalty-type":                  {"处罚类别“%s”不在国家标准中", "penalty type %q is not a national 处罚类别"},
	"issue.missing-severity":                  {"失信严重程度为空", "severity (一般/严重失信) is missing"},
	"issue.bad-severity":                      {"失信严重程度“%s”无效", "unknown severity %q"},
	"issue.accident-graded-below-serious":     {"涉及生产安全事故但失信程度为%[2]s，应为严重失信（第八条），日期按严重失信计算", "involves a production-safety accident but is graded %[1]s: it is serious (Art. 8); dates use the serious tier"},
	"issue.valid-until-before-decision":       {"处罚有效期%s早于处罚决定日期%s", "处罚有效期 (CF_YXQ) %s is before the decision date %s"},
	"issue.three-in-step-missing":             {"三同步未落实：%s", "三同步 not complete: missing %s"},
	"issue.negative-fine":                     {"罚款金额%d元为负数", "fine %d yuan is negative"},
	"issue.missing-fine":                      {"处罚类别含罚款但罚款金额为空", "penalty type 罚款 without a fine amount"},
	"issue.missing-licence-category":          {"许可类别为空", "licence category (许可类别) is missing"},
	"issue.bad-licence-category":              {"许可类别“%[1]s”无效", "licence category %[1]q is not one of %[2]s"},
	"issue.missing-content.licence":           {"许可内容为空", "licence content (许可内容) is missing"},
	"issue.missing-validity.from":             {"有效期自为空", "validity start (有效期自) is missing"},
	"issue.missing-validity.to":               {"有效期至为空", "validity end (有效期至) is missing"},
	"issue.bad-validity":                      {"有效期至%s早于有效期自%s", "validity ends %s before it starts %s"},
	"issue.duplicate-doc-no":                  {"决定书文号%s与%s重复", "document number %s is also used by %s"},
	"issue.applied-not-repairable":            {"%s申请信用修复，但该处罚在%s下不予修复", "applied on %s for a penalty that is not repairable under %s"},
	"issue.applied-before-fulfilment":         {"%s申请信用修复，但未记录法定责任履行完毕", "applied on %s, but fulfilment of the legal obligations is not recorded"},
	"issue.applied-before-eligible":           {"%s申请信用修复，早于可申请日%s（最短公示期未满）", "applied on %s, before eligibility on %s"},
	"issue.serious-type-graded-below-serious": {"失信程度为%[2]s，但处罚类别属严重失信（%[3]s），日期按严重失信计算", "%[1]s; dates use the serious tier"},
	"issue.publish-until-mismatch":            {"公示截止期%s与%s规定的最长公示期截止日%s不符", "公示截止期 (CF_GSJZQ) %s, but the longest disclosure under %s ends %s"},

	// Why a unified social credit code is invalid (credit.USCCError).
	"uscc.empty":        {"为空", "empty"},
	"uscc.invalid-text": {"含非法字符", "not valid text"},
	"uscc.length":       {"长度为%d位，应为18位", "has %d characters, want 18"},
	"uscc.non-ascii":    {"含全角或非ASCII字符", "contains non-ASCII characters"},
	"uscc.lower-case":   {"第%d位“%c”为小写字母", "character %d %q is lower case"},
	"uscc.bad-char":     {"第%d位“%c”不是允许的字符", "character %d %q is not allowed (I, O, Z, S, V and symbols never occur)"},
	"uscc.division":     {"第3-8位行政区划码应为数字，第%d位为“%c”", "characters 3-8 must be a division code of digits, character %d is %q"},
	"uscc.org-check":    {"组织机构代码校验位（第17位）为“%c”，应为“%c”", "organisation code check character (17) is %q, want %q"},
	"uscc.check":        {"校验位（第18位）为“%c”，应为“%c”", "check character (18) is %q, want %q"},

	// 三同步 (credit.ThreeInStep): the steps, and why it does not apply.
	"three.notice":       {"信用告知", "repair notice"},
	"three.education":    {"诚信教育", "integrity education"},
	"three.reminder":     {"修复提醒", "repair reminder"},
	"three.why.kind":     {"仅适用于行政处罚", "only penalties"},
	"three.why.severity": {"%[2]s失信，仅适用于一般行政处罚", "%[1]s penalty: only general ones"},
	"three.why.accident": {"涉及生产安全事故，属严重失信", "involves a production-safety accident: serious"},
	"three.why.special":  {"%s属特定严重失信", "specially serious penalty type %s"},

	// Actions and the outbox.
	"act.signoff":      {"每日核查签核", "daily check sign-off"},
	"act.reminder":     {"到期提醒已推送", "reminder pushed"},
	"act.national":     {"国家企业信用信息公示系统修复完成", "national repair done"},
	"act.withdrawal":   {"要求撤销公示", "withdrawal requested"},
	"col.seq":          {"序号", "Seq"},
	"col.feed":         {"数据", "Feed"},
	"col.reason":       {"原因", "Reason"},
	"view.quarantine":  {"异常数据：%s（未通过校验，未入库）", "Quarantined: %s (failed validation, not stored)"},
	"col.action":       {"操作", "Action"},
	"col.object":       {"对象", "Concerns"},
	"col.attempts":     {"尝试", "Tries"},
	"ob.pending":       {"待发送", "pending"},
	"ob.failed":        {"发送失败", "failed"},
	"ob.sum":           {"待发送 %d  发送失败 %d  已发送 %d", "pending %d  failed %d  sent %d"},
	"ob.next":          {"，下次 %s", ", next try %s"},
	"ob.headpending":   {"待发送 %d", "outbox %d"},
	"ob.headfailed":    {"发送失败 %d", "send failed %d"},
	"form.officer":     {"值班人", "Officer"},
	"form.note":        {"备注", "Note"},
	"form.receipt":     {"回执编号", "Receipt no."},
	"form.website":     {"网站", "Website"},
	"form.hint":        {"enter 确认  esc 取消  tab 下一项", "enter confirm  esc cancel  tab next field"},
	"form.required":    {"请填写%s", "%s is required"},
	"form.signoff":     {"签核 %s 每日核查（未通过 %d 项）", "Sign off the daily check of %s (%d failing)"},
	"form.remind":      {"记录到期提醒已由信用常州推送：%s %s", "Record that the city credit centre pushed the reminder: %s %s"},
	"form.national":    {"记录国家企业信用信息公示系统修复完成：%s %s", "Record the repair in 国家企业信用信息公示系统: %s %s"},
	"form.withdraw":    {"记录企业要求撤销公示（第十一条）：%s %s", "Record the enterprise's withdrawal request (Art. 11): %s %s"},
	"done.reminder":    {"已保存：到期提醒已推送 %s，待发送", "saved: reminder pushed to %s; queued to send"},
	"done.national":    {"已保存：国家企业信用信息公示系统修复完成 %s 回执 %s，待发送", "saved: national repair of %s, receipt %s; queued to send"},
	"done.withdrawal":  {"已保存：要求撤销公示 %s（%s），待发送", "saved: withdrawal of %s requested (%s); queued to send"},
	"done.export":      {"已导出 %s", "exported %s"},
	"ssh.export":       {"SSH 会话不在服务器上写文件；在本机终端运行上面的命令导出", "an SSH session writes no file on the server; run the command above on your machine"},
	"err.action":       {"%s未保存：%s", "%s not saved: %s"},
	"err.export":       {"导出失败：%s", "export failed: %s"},
	"err.records":      {"读取记录失败：%s", "reading records failed: %s"},
	"err.readonly":     {"只读模式：不能记录操作", "read-only: actions cannot be recorded"},
	"sort.on":          {"排序：%s %s", "sorted by %s %s"},
	"sort.asc":         {"升序", "ascending"},
	"sort.desc":        {"降序", "descending"},
	"table.nomatch":    {"（没有符合筛选的行）", "(no rows match the filter)"},
	"filter.on":        {"筛选：%s（esc 清除）", "filter: %s (esc clears)"},
	"filter.dept":      {"部门：%s（esc 清除）", "department: %s (esc clears)"},
	"cmd.dept":         {"已筛选部门 %s", "showing department %s"},
	"cmd.notfound":     {"未找到：%s", "not found: %s"},
	"help.open":        {"打开", "open"},
	"help.back":        {"返回", "back"},
	"help.filter":      {"筛选", "filter"},
	"help.command":     {"命令", "command"},
	"help.sortprev":    {"上一排序列", "sort column back"},
	"help.sortnext":    {"下一排序列", "sort column"},
	"help.sortdir":     {"升降序", "sort order"},
	"help.export":      {"导出CSV", "export CSV"},
	"help.exportdir":   {"导出目录：%s（配置 export_dir）", "exports go to %s (export_dir in the configuration)"},
	"help.exportjson":  {"导出JSON", "export JSON"},
	"help.exportxlsx":  {"导出Excel", "export Excel"},
	"err.exportformat": {"无法导出为 %s：可选 %s", "cannot export as %s: choose %s"},
	"help.outbox":      {"待发送", "outbox"},
	"help.signoff":     {"签核", "sign off"},
	"help.remind":      {"记到期提醒已推送", "reminder pushed"},
	"help.national":    {"记国家公示系统修复", "national repair done"},
	"help.withdraw":    {"记要求撤销公示", "withdrawal requested"},
	"help.fulfil":      {"记履行完毕", "obligations fulfilled"},
	"form.fulfil":      {"记录法定责任已履行完毕（今日起可申请修复）：%s %s", "Record the legal obligations fulfilled (repairable from today): %s %s"},
	"done.fulfil":      {"已保存：%s 法定责任履行完毕 %s，待发送", "saved: obligations of %s fulfilled %s; queued to send"},
	"act.fulfil":       {"法定责任履行完毕", "obligations fulfilled"},
	"help.retry":       {"重试发送", "retry"},
	"help.submit":      {"确认", "confirm"},
	"help.cancel":      {"取消", "cancel"},
	"help.nextfield":   {"下一项", "next field"},
	"help.prevfield":   {"上一项", "previous field"},
	// What credwatch serve says to officers (tui/serve).
	"serve.bye.shutdown":   {"credwatch: 服务器正在关闭，会话已结束。请稍后重新连接。", "credwatch: the server is shutting down; session ended. Connect again later."},
	"serve.bye.idle":       {"credwatch: 超过 %s 无操作，会话已结束。", "credwatch: no key pressed for %s; session ended."},
	"serve.refused.key":    {"credwatch: 此密钥已被撤销。", "credwatch: this key is no longer authorised."},
	"serve.refused.full":   {"credwatch: 会话已达上限（%d），请稍后再试。", "credwatch: the server has its maximum of %d sessions; try again later."},
	"serve.refused.perkey": {"credwatch: 此密钥已有 %d 个会话，请先关闭其中一个。", "credwatch: this key already has %d sessions open; close one first."},
	"serve.refused.audit":  {"credwatch: 审计记录仅限管理员查看。", "credwatch: the audit trail is for admins only."},
	"serve.bye.revoked":    {"credwatch: 此密钥已被撤销，会话已结束。", "credwatch: this key was revoked; session ended."},
	"serve.bye.changed":    {"credwatch: 此密钥的权限已变更，会话已结束。请重新连接。", "credwatch: this key's rights changed; session ended. Connect again."},
	"serve.bye.keys":       {"credwatch: 服务器的授权密钥文件不可用，会话已结束。请联系管理员。", "credwatch: the server's keys file is unusable; session ended. Tell the administrator."},
	"serve.warn.keys":      {"授权密钥文件不可用，仍沿用上次加载的密钥（keep_keys_on_error），请尽快修复：%s", "the keys file is unusable; the keys loaded before stay in force (keep_keys_on_error); fix it: %s"},
	"serve.bye.idlecmd":    {"credwatch: 超过 %s 无输出，命令已结束。", "credwatch: nothing written for %s; command ended."},
	"serve.usage": {`credwatch serve: 不带终端时可执行的命令 / commands without a terminal:
  status [--json]                                  health of the cache and endpoints
  check [--json]                                   the daily check (每日核查)
  tail [-f] [-n N] [--json]                        the event log; -f follows it
  export --view check|sharing|sync|repair|queue [--format csv|json]
         [--filter TEXT] [--dept ID] [--sort COLUMN [--desc]]
  audit [--since 2026-11-01] [--json]              the audit trail (admins only)
  report [--month YYYY-MM] [--format xlsx|text|csv|json]   the monthly 合规率 / 迟报率 report (> 11月.xlsx)
全屏界面 / the full-screen view: ssh -t (a terminal, no command)
`, `credwatch serve: 不带终端时可执行的命令 / commands without a terminal:
  status [--json]                                  health of the cache and endpoints
  check [--json]                                   the daily check (每日核查)
  tail [-f] [-n N] [--json]                        the event log; -f follows it
  export --view check|sharing|sync|repair|queue [--format csv|json]
         [--filter TEXT] [--dept ID] [--sort COLUMN [--desc]]
  audit [--since 2026-11-01] [--json]              the audit trail (admins only)
  report [--month YYYY-MM] [--format xlsx|text|csv|json]   the monthly 合规率 / 迟报率 report (> 11月.xlsx)
全屏界面 / the full-screen view: ssh -t (a terminal, no command)
`},
	// What the commands say (cmd/credwatch).
	"cli.legacyconsole": {"全屏界面无法在旧版控制台中运行。请在命令提示符窗口标题栏上右键 >「属性」>「选项」，\n" +
		"取消勾选「使用旧版控制台」，关闭并重新打开窗口；或改用 Windows 终端（Windows Terminal）。\n" +
		"不用全屏界面时可以使用 credwatch status、credwatch check、credwatch tail -f。",
		"the full-screen view cannot run in the legacy console. Right-click the Command Prompt\n" +
			"window's title bar > Properties > Options, clear \"Use legacy console\", then close and reopen\n" +
			"the window; or use Windows Terminal. Without the full-screen view: credwatch status,\n" +
			"credwatch check, credwatch tail -f."},
	// English singulars (Catalog.F picks key.one when the count is 1).
	"check.push-stale.one":         {"%d个部门超过1个工作日未推送数据", "%d department has not pushed for over a working day"},
	"check.sharing-missing.one":    {"数据共享清单缺少%d条记录", "%d record missing from the sharing list"},
	"check.sharing-rejected.one":   {"数据共享清单退回%d条记录", "%d record rejected by the sharing platform"},
	"check.disclosure-overdue.one": {"%d条记录超过7个工作日未公示", "%d record not disclosed within 7 working days"},
	"check.disclosure-late.one":    {"自上一工作日起%d条记录逾期公示", "%d record disclosed late since the last working day"},
	"check.quality.one":            {"%d条记录存在数据质量问题", "%d record with data-quality errors"},
	"check.pipeline-stuck.one":     {"%d项信用修复事项超期未办", "%d repair item stuck past its expected time"},
	"check.endpoints.one":          {"%d个接口同步异常", "%d endpoint failing"},
	"check.three-in-step.one":      {"%d条一般行政处罚未落实三同步（上一工作日以来新作出%d条）", "%d general penalty with three-in-step incomplete (%d decided since the last working day)"},
	"chk.records.one":              {"%d条记录", "%d record"},
	"det.lateby.one":               {"晚 %d 个工作日", "%d working day late"},
	"serve.refused.perkey.one":     {"credwatch: 此密钥已有 %d 个会话，请先关闭其中一个。", "credwatch: this key already has %d session open; close it first."},
}

// add merges an area's messages into the catalogue; areas keep their texts
// in files of their own (msg_*.go) and call it from init. A key defined twice
// is a programming error and panics at start, so no text silently shadows
// another.
func add(area map[string]message) {
	for k, m := range area {
		if _, dup := messages[k]; dup {
			panic("i18n: message " + k + " defined twice")
		}
		messages[k] = m
	}
}

// T returns the message of key; an unknown key is returned as it is, so a
// missing message shows rather than hides.
func (c Catalog) T(key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if c.en {
		return m.en
	}
	return m.zh
}

// F formats the message of key with args (fmt verbs).
//
// In English a message whose first argument is the count 1 takes its
// singular form, key+".one", where the catalogue has one ("1 record", not
// "1 records"); Chinese has no plural.
func (c Catalog) F(key string, args ...any) string {
	return fmt.Sprintf(c.T(c.number(key, args)), args...)
}

// number is key, or its singular key+".one" when the language is English,
// the first of args is the int 1 and the catalogue has that form.
func (c Catalog) number(key string, args []any) string {
	if !c.en || len(args) == 0 {
		return key
	}
	if n, ok := args[0].(int); ok && n == 1 {
		if _, ok := messages[key+".one"]; ok {
			return key + ".one"
		}
	}
	return key
}

// Text words a domain text: its key's message formatted with its
// arguments. An argument that is a credit.Text is worded in the same
// language first; a []credit.Text or []string is a list, joined as the
// language joins lists (、 in Chinese, ", " in English).
func (c Catalog) Text(t credit.Text) string {
	if len(t.Args) == 0 {
		return c.T(t.Key)
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch a := a.(type) {
		case credit.Text:
			args[i] = c.Text(a)
		case []credit.Text:
			parts := make([]string, len(a))
			for j := range a {
				parts[j] = c.Text(a[j])
			}
			args[i] = c.list(parts)
		case []string:
			args[i] = c.list(a)
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(c.T(c.number(t.Key, args)), args...)
}

func (c Catalog) list(parts []string) string {
	if c.en {
		return strings.Join(parts, ", ")
	}
	return strings.Join(parts, "、")
}

var weekdaysZh = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// DateWeekday formats a day as "2026-11-30 周一" (zh) or "2026-11-30 Mon" (en).
func (c Catalog) DateWeekday(d credit.Date) string {
	if c.en {
		return d.String() + " " + d.Weekday().String()[:3]
	}
	return d.String() + " " + weekdaysZh[d.Weekday()]
}

// Age says how long ago t was, as of now: "2小时前", "3天前".
func (c Catalog) Age(now, t time.Time) string {
	if t.IsZero() {
		return c.T("age.never")
	}
	d := now.Sub(t)
	switch {
	case d < 10*time.Second:
		return c.T("age.now")
	case d < time.Minute:
		return c.F("age.sec", int(d/time.Second))
	case d < time.Hour:
		return c.F("age.min", int(d/time.Minute))
	case d < 24*time.Hour:
		return c.F("age.hour", int(d/time.Hour))
	}
	return c.F("age.day", int(d/(24*time.Hour)))
}

// Stage names a repair stage: Chinese, or English in the English
// catalogue.
func (c Catalog) Stage(s credit.Stage) string {
	if c.en {
		return s.String()
	}
	return s.Chinese()
}

// FeedLabel names a feed: a kind's Chinese name, or the sharing list /
// repair status feeds.
func (c Catalog) FeedLabel(feed string) string {
	switch feed {
	case credit.FeedSharing:
		return c.T("feed.sharing")
	case credit.FeedRepair:
		return c.T("feed.repair")
	}
	if k := credit.Kind(feed); k.Valid() {
		return k.Chinese()
	}
	return feed
}
