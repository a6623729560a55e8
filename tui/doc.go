// Package tui is credwatch's full-screen terminal interface for duty
// officers, and the only importer of Bubble Tea. It has five tabs: the daily
// check (每日核查, Art. 6) with its sign-off and history, the data-sharing
// list (数据共享清单), sync status (同步状态), credit repair (信用修复) and
// the post-approval queues (修复后续). Views open over the tabs and close
// with esc: a records list (drill-down), a record's detail (every field,
// its computed dates and the rule set behind them, quality issues, 三同步,
// each dated repair step) and the outbox: the actions not yet accepted,
// then the history of those the agencies accepted, with their receipts.
//
// The TUI never touches the cache or the network itself: it calls the
// Store (or Deps.Snapshot) and Deps.SyncNow inside tea.Cmds, listens to the
// sync engine's Events, and computes rows in those commands (or in Update on
// the 30-second age tick), so View only lays out text. Officers' actions
// (sign-off, 到期提醒, national repair, withdrawal request) go to
// Store.RecordAction, which stores them durably for the sync engine to send;
// the screen confirms an action only after the Store accepted it. With
// Deps.ReadOnly no action key is offered and Model.canAct refuses them all.
//
// The cache is read through Store.LoadScreen (store.LoadScreen decides
// which reads a screen needs); the TUI gives it the last Screen it applied
// and builds rows from what comes back. Start-up and measurement callbacks
// are Hooks (Model.WithHooks), not Deps.
//
// Each tab is one type (tab: checkPage, sharingPage, syncPage, repairPage,
// queuePage, in tab_*.go) holding its tables: it takes its rows from a
// build, sizes and draws them, moves through them, gives the summary and
// detail lines, names its own action keys and what it exports; the root
// Model keeps one of each, routes keys, size and drawing to the active
// one (tabAt), and passes them a common value (catalogue, styles, table
// keys) rather than globals. The views opened over the tabs (records,
// detail, outbox, quarantine and the check's drill-downs) are not tabs:
// they are stackViews (views.go), one table each.
//
// The tables are package tui/table's, which knows nothing of credwatch's
// data. The tabs declare each column once, header, layout, search role,
// cell, sort key and export value side by side (tabColumn: checkTab,
// historyTab, sharingTab, endpointTab, deptTab, repairTab, queueTab):
// adding a column is one entry there (and, where the cell shows text the
// row builder works out, a field of the row's line struct).
//
// Everything it draws is narrow in every terminal: status symbols are ASCII
// ("+", "!", "*", "-", "~", ">" for the cursor, "~" also for truncation),
// never East-Asian-ambiguous characters, and every state is written as text
// as well as coloured, so the screen reads the same with NO_COLOR.
package tui
