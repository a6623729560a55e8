package i18n

// The officer's desk (issue 17): the outbox's history and the flash
// messages that name actions and records in words.
func init() {
	add(map[string]message{
		"ob.sent":           {"已送达", "accepted"},
		"ob.line":           {"#%d %s %s：%s %s 提交", "#%d %s, %s: by %s at %s"},
		"ob.tries":          {"，尝试 %d 次", ", %d tries"},
		"ob.tries.one":      {"，尝试 %d 次", ", %d try"},
		"ob.accepted":       {"；%s 已送达", "; accepted at %s"},
		"ob.receipt":        {"，回执 %s", ", receipt %s"},
		"ob.receivedat":     {"（对方 %s 接收）", " (received at %s)"},
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
