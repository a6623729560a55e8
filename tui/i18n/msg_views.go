package i18n

// The remembered and named views (issue 21 item 4), the activity log
// (item 5) and the configured keys (item 6).
func init() {
	add(map[string]message{
		"views.bad":      {"已保存的视图无法读取，本次从默认视图开始：%s", "the saved views cannot be read; starting from the default views: %s"},
		"views.savefail": {"视图未能保存：%s", "the views were not saved: %s"},
		"views.nostore":  {"本次运行不保存视图", "views are not kept in this run"},
		"views.noname":   {"请给出视图名称，如 :%s 武进逾期", "give the view a name, e.g. :%s overdue"},
		"views.long":     {"视图名称最多 %d 个字", "a view name has at most %d characters"},
		"views.saved":    {"已保存视图 %s", "view %s saved"},
		"views.loaded":   {"已载入视图 %s", "view %s loaded"},
		"views.deleted":  {"已删除视图 %s", "view %s deleted"},
		"views.unknown":  {"没有名为 %s 的视图", "no view named %s"},
		"views.none":     {"尚未保存视图（:save 名称）", "no saved views yet (:save NAME)"},
		"views.list":     {"已保存的视图：%s", "saved views: %s"},
		"views.sep":      {"，", ", "},
		"views.help":     {":save 名称 保存当前视图  :load 名称 载入（tab 补全）  :delete 名称  已保存：%s", ":save NAME saves the view  :load NAME loads it (tab completes)  :delete NAME  saved: %s"},
		"views.helpnone": {":save 名称 保存当前视图（标签页、排序、筛选）  :load 名称 载入  :delete 名称 删除", ":save NAME saves the view (tab, sort, filter)  :load NAME loads it  :delete NAME deletes it"},
	})
}

func init() {
	add(map[string]message{
		"keys.sshnoexport":  {"此表无法通过 SSH 导出；各标签页的表格可以（在其上按 %s）", "this table cannot be exported over SSH; the tabs' tables can (press %s there)"},
		"help.activity":     {"活动记录", "activity"},
		"view.activity":     {"今日活动记录", "Today's activity"},
		"col.actkind":       {"事件", "Event"},
		"col.actwho":        {"接口/人员", "Endpoint/officer"},
		"col.actwhat":       {"内容", "What"},
		"act.page":          {"收到数据", "received"},
		"act.done":          {"同步完成", "pass done"},
		"act.error":         {"同步失败", "failed"},
		"act.resync":        {"重新同步", "resync"},
		"act.resync-done":   {"重新同步完成", "resync done"},
		"act.action":        {"记录操作", "action"},
		"act.action-sent":   {"操作已送达", "accepted"},
		"act.action-failed": {"操作被拒绝", "refused"},
		"act.pagewhat":      {"%s：%d 条", "%s: %d"},
		"act.bad":           {"，异常 %d 条", ", %d quarantined"},
		"act.errwhat":       {"%s；%s 后重试", "%s; retry in %s"},
		"act.refwhat":       {"%s（%s）", "%s (%s)"},
		"act.donewhat":      {"各数据已同步至最新", "every feed up to date"},
		"act.sum":           {"今日 %d 条  同步失败 %d  被拒绝 %d  本人操作 %d", "today %d  failures %d  refused %d  own actions %d"},
	})
}
