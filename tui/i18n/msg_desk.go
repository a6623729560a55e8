package i18n

// The officer's desk (issue 17): the outbox's history and the flash
// messages that name actions and records in words.
func init() {
	add(map[string]message{
		"ob.sent":        {"已送达", "accepted"},
		"ob.line":        {"#%d %s %s：%s %s 提交", "#%d %s, %s: by %s at %s"},
		"ob.tries":       {"，尝试 %d 次", ", %d tries"},
		"ob.tries.one":   {"，尝试 %d 次", ", %d try"},
		"ob.accepted":    {"；%s 已送达", "; accepted at %s"},
		"ob.receipt":     {"，回执 %s", ", receipt %s"},
		"ob.receivedat":  {"（对方 %s 接收）", " (received at %s)"},
		"col.sentat":     {"送达时间", "Accepted"},
		"col.receipt":    {"回执", "Receipt"},
		"col.receivedat": {"接收时间", "Received at"},
		"col.actiontype": {"操作代码", "Action code"},
		"col.recordkey":  {"记录键", "Record key"},
		// An action's name in a column (act.* is the full name).
		"act.short.signoff":               {"签核", "sign-off"},
		"act.short.reminder_sent":         {"到期提醒", "reminder"},
		"act.short.national_repair_done":  {"国家系统修复", "national repair"},
		"act.short.withdrawal_requested":  {"要求撤销", "withdrawal"},
		"act.short.obligations_fulfilled": {"履行完毕", "fulfilled"},
	})
}
