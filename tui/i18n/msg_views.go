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
