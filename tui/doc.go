// Package tui is credwatch's full-screen terminal interface for duty
// officers, and the only importer of Bubble Tea. It shows four views of the
// cache: the data-sharing list (数据共享清单), sync status (同步状态), repair
// deadlines (修复期限) and the post-approval queues (注销队列).
//
// The TUI never touches the cache or the network itself: it calls
// Deps.Snapshot and Deps.SyncNow inside tea.Cmds, listens to the sync
// engine's Events, and computes every row in Update when a snapshot arrives
// (and on a 30-second tick that refreshes ages), so View only lays out text.
//
// Everything it draws is narrow in every terminal: status symbols are ASCII
// ("+", "!", "*", "-", ">" for the cursor, "~" for truncation), never
// East-Asian-ambiguous characters, and every state is written as text as well
// as coloured, so the screen reads the same with NO_COLOR.
package tui
