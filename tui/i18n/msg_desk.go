package i18n

// The officer's desk (issue 17): the outbox's history and the flash
// messages that name actions and records in words.
func init() {
	add(map[string]message{
		"ob.sent":           {"已送达", "accepted"},
		"ob.line":           {"#%d %s %s：%s %s 提交", "#%d %s, %s: by %s at %s"},
		"ob.tries":          {"，尝试 %d 次", ", %d tries"},
		"ob.tries.one":      {"，尝试 %d 次", ", %d try"},
		"ob.accepted":       {"%s 已送达", "accepted at %s"},
		"ob.sep":            {"；", "; "},
		"ob.receipt":        {"，回执 %s", ", receipt %s"},
		"ob.receivedat":     {"；对方 %s 接收", "; received at %s"},
		"col.sentat":        {"送达时间", "Accepted"},
		"col.receipt":       {"回执", "Receipt"},
		"col.receivedat":    {"接收时间", "Received at"},
		"col.actiontype":    {"操作代码", "Action code"},
		"col.recordkey":     {"记录键", "Record key"},
		"done.retry":        {"已重新排队发送：%s", "queued to send again: %s"},
		"err.retry":         {"重新发送%s失败：%s", "could not queue %s again: %s"},
		"ev.resyncdone":     {"%[2]s %[3]s：%[4]s重新获取完成，移除 %[1]d 条不再提供的记录", "%[2]s %[3]s: %[4]s fetched anew; %[1]d records no longer served were removed"},
		"ev.resyncdone.one": {"%[2]s %[3]s：%[4]s重新获取完成，移除 %[1]d 条不再提供的记录", "%[2]s %[3]s: %[4]s fetched anew; %[1]d record no longer served was removed"},
		"wait.sec":          {"%d 秒", "%d seconds"},
		"wait.sec.one":      {"%d 秒", "%d second"},
		"wait.min":          {"%d 分钟", "%d minutes"},
		"wait.min.one":      {"%d 分钟", "%d minute"},
		"wait.hour":         {"%d 小时 %d 分钟", "%d h %d min"},
		// English singulars (Catalog.F takes key.one for a count of 1).
		"sync.epdetail.one":              {"%[2]s：尝试 %[3]s，成功 %[4]s，累计 %[1]d 条", "%[2]s: attempt %[3]s, success %[4]s, %[1]d item"},
		"sync.sum.one":                   {"接口 %d 个，异常 %d 个  异常数据 %d 条（未通过校验，未入库）  缓存 %s", "%d endpoint, %d failing  quarantined %d (failed validation, not stored)  cache %s"},
		"rep.sum.one":                    {"处罚 %d 条  %d天内可申请 %d  已可申请 %d（待跟进到期提醒 %d）  审核中 %d（超期 %d）  不可修复 %d", "%d penalty  due in %dd: %d  eligible %d (reminder due %d)  in review %d (overdue %d)  not repairable %d"},
		"chk.missed.one":                 {"近%d个工作日漏签 %d 天", "last %d working day: %d not signed off"},
		"chk.openrecs.one":               {"enter 查看这 %d 条记录", "enter lists the %d record"},
		"det.wd.one":                     {"%d个工作日", "%d working day"},
		"det.indays.one":                 {"（%d天后）", "(in %d day)"},
		"check.endpoints-incomplete.one": {"%d个接口同步异常（其中%d个尚未完整同步，数据可能不全）", "%d endpoint failing (%d never synced to the end: data may be partial)"},
		"uscc.length.one":                {"长度为%d位，应为18位", "has %d character, want 18"},
		"serve.refused.full.one":         {"credwatch: 会话已达上限（%d），请稍后再试。", "credwatch: the server has its maximum of %d session; try again later."},
		// A list of feeds in a cell: 处罚,强制 / 处罚, 强制.
		"feeds.sep": {",", ", "},
		// An action's name in a column (act.* is the full name).
		"act.short.signoff":               {"签核", "sign-off"},
		"act.short.reminder_sent":         {"到期提醒", "reminder"},
		"act.short.national_repair_done":  {"国家系统修复", "national repair"},
		"act.short.withdrawal_requested":  {"要求撤销", "withdrawal"},
		"act.short.obligations_fulfilled": {"履行完毕", "fulfilled"},
	})
}
