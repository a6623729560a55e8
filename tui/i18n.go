package tui

import (
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
)

// catalog is the message catalogue of one language. Domain terms (行政处罚,
// 一般/严重, stage names such as 待注销, department names) stay in Chinese in
// both languages: they are the names officers see in the agency systems.
//
// Every message must be narrow-only text: no East-Asian-ambiguous characters
// (see TestMessagesHaveNoAmbiguousWidth).
type catalog struct{ en bool }

func newCatalog(lang string) catalog { return catalog{en: lang == "en"} }

type message struct{ zh, en string }

// messages is keyed by a short identifier. A %-verb count must agree between
// the two languages (checked by TestCatalogueComplete).
var messages = map[string]message{
	"app": {"credwatch 信用信息值守", "credwatch"},

	// Tabs.
	"tab.sharing": {"数据共享清单", "Sharing list"},
	"tab.sync":    {"同步状态", "Sync status"},
	"tab.repair":  {"修复期限", "Repair deadlines"},
	"tab.queue":   {"注销队列", "Cancellation queues"},

	// Header.
	"day.working":  {"工作日", "working day"},
	"day.off":      {"休息日", "day off"},
	"day.holiday":  {"休息日 %s", "day off (%s)"},
	"day.adjusted": {"调休上班", "adjusted working day"},
	"day.unknown":  {"日历未知", "calendar unknown"},
	"demo":         {"演示数据", "DEMO DATA"},
	"asof":         {"数据截至 %s", "data as of %s"},
	"state.sync":   {"同步中", "syncing"},
	"state.ok":     {"正常", "OK"},
	"state.errors": {"%d个接口异常", "failing endpoints: %d"},
	"state.never":  {"未同步", "not synced"},
	"state.error":  {"异常", "failing"},
	"state.noeng":  {"无同步引擎", "no sync engine"},
	"warn.year": {"工作日日历缺少%d年节假日安排，该年的期限无法计算：请在配置 [calendar] 中补充",
		"working-day calendar lacks the %d holiday schedule; deadlines in that year cannot be computed: add it under [calendar] in the configuration"},

	// Ages.
	"age.never": {"从未", "never"},
	"age.now":   {"刚刚", "just now"},
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
	"sharing.sum":    {"未公示 %d  退回 %d  逾期未公示 %d  逾期公示 %d  推送超过1个工作日 %d", "pending %d  rejected %d  overdue %d  late %d  push older than 1 working day %d"},
	"sharing.detail": {"%s %s：归集 %d，已公示 %d，未公示 %d，退回 %d；最近推送 %s", "%s %s: received %d, disclosed %d, pending %d, rejected %d; last push %s"},
	"sharing.rej":    {"；退回：%s", "; rejected: %s"},
	"sharing.nopush": {"（共享清单无此项）", "(not on the sharing list)"},
	"sharing.bad":    {"；%d 条处罚无法判断公示时限", "; %d penalties could not be judged"},

	// Sync status.
	"col.endpoint":  {"接口", "Endpoint"},
	"col.feeds":     {"数据", "Feeds"},
	"col.state":     {"状态", "State"},
	"col.lastok":    {"最近成功", "Last success"},
	"col.failures":  {"连续失败", "Failures"},
	"col.lasterr":   {"最近错误", "Last error"},
	"col.total":     {"合计", "Total"},
	"col.lastrecv":  {"最近收到", "Last received"},
	"sync.sum":      {"接口 %d 个，异常 %d 个  隔离数据 %d 条（未通过校验，未入库）  缓存 %s", "%d endpoints, %d failing  quarantined %d (failed validation, not stored)  cache %s"},
	"sync.epdetail": {"%s：尝试 %s，成功 %s，累计 %d 条", "%s: attempt %s, success %s, %d items"},
	"sync.errsince": {"；自 %s 起失败：%s", "; failing since %s: %s"},
	"sync.dept":     {"%s：缓存 %d 条，最近收到 %s", "%s: %d cached, last received %s"},
	"feed.sharing":  {"共享清单", "sharing list"},
	"feed.repair":   {"修复状态", "repair status"},

	// Repair deadlines.
	"col.name":       {"企业名称", "Enterprise"},
	"col.uscc":       {"统一社会信用代码", "USCC"},
	"col.docno":      {"文号", "Doc no."},
	"col.severity":   {"程度", "Tier"},
	"col.decided":    {"决定日期", "Decided"},
	"col.eligible":   {"可申请修复日", "Eligible from"},
	"col.remaining":  {"剩余", "Left"},
	"col.status":     {"状态", "Status"},
	"rep.norepair":   {"不可修复", "不可修复"},
	"rep.now":        {"已可申请", "eligible"},
	"rep.days":       {"%d天", "%dd"},
	"rep.reminded":   {"到期提醒已发", "到期提醒已发"},
	"rep.remind":     {"待发到期提醒", "待发到期提醒"},
	"rep.calunknown": {"日历未知", "calendar?"},
	"rep.error":      {"无法计算", "error"},
	"rep.sum":        {"处罚 %d 条  已可申请 %d  30天内可申请 %d  不可修复 %d  待发到期提醒 %d", "%d penalties  eligible %d  within 30 days %d  not repairable %d  reminder due %d"},
	"rep.detail":     {"%s  决定 %s  依据 %s：公示截止 %s，最短期满 %s，最长公示至 %s", "%s  decided %s  rule set %s: disclose by %s, minimum period ends %s, disclosed until %s"},

	// Cancellation queues.
	"col.stage":     {"阶段", "Stage"},
	"col.since":     {"自", "Since"},
	"col.age":       {"工作日", "WD"},
	"col.due":       {"应完成", "Due"},
	"q.stuck":       {"超期", "overdue"},
	"q.ok":          {"正常", "on time"},
	"q.sum":         {"超期 %d 项  待注销 %d  待重算等级 %d  待国家系统修复 %d  审核超期 %d", "%d overdue  待注销 %d  待重算等级 %d  待国家系统修复 %d  review overdue %d"},
	"q.since":       {"自 %s 起 %d 个工作日，应于 %s 完成", "since %s, %d working days, due %s"},
	"q.review":      {"信用中国审核超过时限，请跟进", "Credit China's review is overdue: follow up"},
	"q.cancel":      {"企业需在常州市企业安全生产管理信息系统注销不良记录", "the enterprise must cancel the record in 常州市企业安全生产管理信息系统"},
	"q.regrade":     {"市系统应于注销次日重算信用等级", "the city system regrades the day after cancellation"},
	"q.national":    {"本局需在国家企业信用信息公示系统完成修复", "the bureau must repair it in 国家企业信用信息公示系统"},
	"q.norecord":    {"（缓存中无此处罚）", "(penalty not in cache)"},
	"empty":         {"（无数据）", "(no data)"},
	"empty.queue":   {"（队列为空）", "(queue is empty)"},
	"pos":           {"%d/%d", "%d/%d"},
	"ev.page":       {"%s %s %s：收到 %d 条", "%s %s %s: received %d"},
	"ev.done":       {"%s %s：同步完成", "%s %s: sync done"},
	"ev.error":      {"%s %s：同步失败 %s，%s 后重试", "%s %s: sync failed: %s; retry in %s"},
	"ev.closed":     {"同步引擎已停止", "sync engine stopped"},
	"ev.syncnow":    {"已请求立即同步", "sync requested"},
	"ev.loading":    {"正在读取缓存", "reading cache"},
	"ev.taken":      {"缓存读取于 %s", "cache read at %s"},
	"err.snapshot":  {"读取缓存失败（%s）：%s", "reading the cache failed (%s): %s"},
	"err.nosnap":    {"未配置缓存", "no cache configured"},
	"help.tab":      {"下一页", "next tab"},
	"help.prevtab":  {"上一页", "prev tab"},
	"help.jump":     {"跳到页", "go to tab"},
	"help.up":       {"上移", "up"},
	"help.down":     {"下移", "down"},
	"help.pgup":     {"上翻", "page up"},
	"help.pgdown":   {"下翻", "page down"},
	"help.top":      {"首行", "top"},
	"help.bottom":   {"末行", "bottom"},
	"help.sync":     {"立即同步", "sync now"},
	"help.help":     {"帮助", "help"},
	"help.helpless": {"收起帮助", "less"},
	"help.quit":     {"退出", "quit"},
}

func (c catalog) t(key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if c.en {
		return m.en
	}
	return m.zh
}

func (c catalog) f(key string, args ...any) string { return fmt.Sprintf(c.t(key), args...) }

var weekdaysZh = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// dateWeekday formats a day as "2026-11-30 周一" (zh) or "2026-11-30 Mon" (en).
func (c catalog) dateWeekday(d credit.Date) string {
	if c.en {
		return d.String() + " " + d.Weekday().String()[:3]
	}
	return d.String() + " " + weekdaysZh[d.Weekday()]
}

// age says how long ago t was, as of now: "2小时前", "3天前".
func (c catalog) age(now, t time.Time) string {
	if t.IsZero() {
		return c.t("age.never")
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return c.t("age.now")
	case d < time.Hour:
		return c.f("age.min", int(d/time.Minute))
	case d < 24*time.Hour:
		return c.f("age.hour", int(d/time.Hour))
	}
	return c.f("age.day", int(d/(24*time.Hour)))
}

// clock formats t as HH:MM in China time, with the month and day in front
// when t is not on today.
func clock(t time.Time, today credit.Date) string {
	t = t.In(credit.ChinaZone)
	if credit.DateOf(t) != today {
		return t.Format("01-02 15:04")
	}
	return t.Format("15:04")
}

// feedLabel names a feed: a kind's Chinese name, or the sharing list / repair
// status feeds.
func (c catalog) feedLabel(feed string) string {
	switch feed {
	case credit.FeedSharing:
		return c.t("feed.sharing")
	case credit.FeedRepair:
		return c.t("feed.repair")
	}
	if k := credit.Kind(feed); k.Valid() {
		return k.Chinese()
	}
	return feed
}
