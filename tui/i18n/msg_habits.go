package i18n

// The habits of issue 21 items 1-3 and 9: copying (y, Y), marking what
// newly fails, the mouse.
func init() {
	add(map[string]message{
		"help.copy":     {"复制当前格", "copy cell"},
		"help.copyrow":  {"复制整行", "copy row"},
		"help.mousekey": {"点击", "click"},
		"help.mouse":    {"选页/行/排序", "pick/sort"},
		"copy.done":     {"已复制%s：%s", "Copied%s: %s"},
		"copy.row":      {"已复制整行%s：%s", "Copied row%s: %s"},
		"copy.osc52":    {"（本机无剪贴板，经 OSC 52）", " (no system clipboard: via OSC 52)"},
		"copy.failed":   {"复制失败：%s", "copy failed: %s"},
		"alert.mark":    {"新", "N "},
		"alert.count":   {"新情况 %d 项", "%d new"},
	})
}
