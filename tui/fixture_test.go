package tui

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
)

// The fixture day: Monday 2026-11-30, 09:30 in Changzhou.
var (
	fxToday = credit.MustDate("2026-11-30")
	fxNow   = time.Date(2026, 11, 30, 9, 30, 0, 0, credit.ChinaZone)
)

func fxClock() time.Time { return fxNow }

func uscc(prefix16 string) string {
	s, ok := credit.CompleteUSCC(prefix16)
	if !ok {
		panic("bad USCC prefix " + prefix16)
	}
	return s
}

func penalty(id, dept, name, code, doc, decided, disclosed string, sev credit.Severity, types ...string) credit.Record {
	r := credit.Record{
		Kind: credit.Penalty, ID: id, Dept: dept, SubjectName: name, SubjectKind: credit.SubjectLegal,
		USCC: uscc(code), DocNo: doc, Decided: credit.MustDate(decided), Severity: sev,
		PenaltyTypes: types, Authority: "常州市应急管理局", SourceUnit: "市安全生产监察支队",
		NoticeGiven: true, EducationDone: true, ReminderSet: true, // 三同步 done
	}
	if len(types) == 0 {
		r.PenaltyTypes = []string{"罚款"}
	}
	if disclosed != "" {
		r.Disclosed = credit.MustDate(disclosed)
	}
	return r
}

// noReminder is r without the 三同步 repair reminder set up.
func noReminder(r credit.Record) credit.Record {
	r.ReminderSet = false
	return r
}

// penaltySum is penalty's summary.
func penaltySum(id, dept, name, code, doc, decided, disclosed string, sev credit.Severity, types ...string) credit.PenaltySummary {
	r := penalty(id, dept, name, code, doc, decided, disclosed, sev, types...)
	return credit.Summarize(&r)
}

func d(s string) credit.Date {
	if s == "" {
		return 0
	}
	return credit.MustDate(s)
}

// fixtureSnapshot is a hand-built cache covering every state the views show:
// disclosure on time, late and overdue; repairable now, later and never;
// every pipeline stage, stuck and not; endpoints healthy, failing and never
// synced; a stale push and rejections on the sharing list.
func fixtureSnapshot() *credit.Snapshot {
	pens := summaries(fixturePenalties())
	return fixtureSnapshotOf(pens)
}

// summaries returns the penalties' summaries, as Store.Snapshot holds them.
func summaries(recs []credit.Record) []credit.PenaltySummary {
	out := make([]credit.PenaltySummary, len(recs))
	for i := range recs {
		out[i] = credit.Summarize(&recs[i])
	}
	return out
}

// fixturePenalties are the fixture's penalties as full records.
func fixturePenalties() []credit.Record {
	return []credit.Record{
		// Eligible since 11-11, approved 11-13, not cancelled: stuck in 待注销.
		penalty("CF-2026-0801", "city-zd", "常州恒泰化工有限公司", "9132040071234560", "常应急罚〔2026〕81号", "2026-08-10", "2026-08-14", credit.General),
		// Decided 11-18, due 11-27, not disclosed: 逾期未公示; 三同步 reminder not set up.
		noReminder(penalty("WJ-2026-1118", "320412", "武进区鑫达金属制品厂", "9132041273456780", "武应急罚〔2026〕118号", "2026-11-18", "", credit.General)),
		// Serious, disclosed late.
		penalty("XB-2026-0601", "320411", "新北区龙城物流有限公司", "9132041176543210", "新应急罚〔2026〕61号", "2026-06-01", "2026-06-15", credit.Serious, "罚款", "警告"),
		// 责令停产停业 decided under changzhou-2022 (527): not repairable. (Under
		// NDRC Orders No. 58 and No. 36 it would be.)
		penalty("TN-2023-0302", "320402", "天宁区华宇机械有限公司", "9132040268901230", "天应急罚〔2023〕32号", "2023-03-02", "2023-03-07", credit.General, "责令停产停业"),
		// Regraded 9-21, national repair long overdue.
		penalty("ZL-2026-0520", "320404", "钟楼区新城建材有限公司", "9132040455667780", "钟应急罚〔2026〕52号", "2026-05-20", "2026-05-22", credit.General),
		// Under review, not yet overdue; reminder sent.
		penalty("LY-2026-0701", "320481", "溧阳市天目湖旅游用品厂", "9132048112345670", "溧应急罚〔2026〕71号", "2026-07-01", "2026-07-03", credit.General),
		// Cancelled today: awaiting regrade, on time.
		penalty("JT-2026-0803", "320413", "金坛区东方纺织有限公司", "9132041366778890", "坛应急罚〔2026〕83号", "2026-08-03", "2026-08-05", credit.General),
		// Eligible since 11-21, nothing done, no reminder: 待发到期提醒.
		penalty("JK-2026-0820", "czjk", "常州经开区宏远电子有限公司", "9132040188990010", "经开应急罚〔2026〕20号", "2026-08-20", "2026-08-26", credit.General),
		// Serious under changzhou-2022; applied 11-02, review overdue.
		penalty("CF-2025-1015", "city-zd", "常州金诺精细化工有限公司", "9132040012312310", "常应急罚〔2025〕215号", "2025-10-15", "2025-10-20", credit.Serious),
		// Repair done.
		penalty("WJ-2026-0110", "320412", "武进区汇丰五金厂", "9232041245645640", "武应急罚〔2026〕10号", "2026-01-10", "2026-01-14", credit.General),
		// Review rejected.
		penalty("XB-2026-0205", "320411", "新北区安达仓储有限公司", "9132041178978970", "新应急罚〔2026〕25号", "2026-02-05", "2026-02-10", credit.General),
	}
}

func fixtureSnapshotOf(pens []credit.PenaltySummary) *credit.Snapshot {
	rep := func(key string, r credit.Repair) credit.Repair { r.RecordKey = key; return r }
	repairs := map[string]credit.Repair{}
	add := func(r credit.Repair) { repairs[r.RecordKey] = r }
	add(rep("penalty/CF-2026-0801", credit.Repair{ReminderSent: d("2026-11-11"), Applied: d("2026-11-12"), Reviewed: d("2026-11-13"), Outcome: credit.OutcomeApproved}))
	add(rep("penalty/ZL-2026-0520", credit.Repair{ReminderSent: d("2026-08-21"), Applied: d("2026-09-01"), Reviewed: d("2026-09-10"), Outcome: credit.OutcomeApproved, Cancelled: d("2026-09-20"), Regraded: d("2026-09-21")}))
	add(rep("penalty/LY-2026-0701", credit.Repair{ReminderSent: d("2026-10-08"), Applied: d("2026-11-20")}))
	add(rep("penalty/JT-2026-0803", credit.Repair{ReminderSent: d("2026-11-04"), Applied: d("2026-11-05"), Reviewed: d("2026-11-20"), Outcome: credit.OutcomeApproved, Cancelled: d("2026-11-30")}))
	add(rep("penalty/CF-2025-1015", credit.Repair{Applied: d("2026-11-02")}))
	add(rep("penalty/WJ-2026-0110", credit.Repair{ReminderSent: d("2026-04-11"), Applied: d("2026-04-15"), Reviewed: d("2026-04-28"), Outcome: credit.OutcomeApproved, Cancelled: d("2026-05-06"), Regraded: d("2026-05-07"), NationalDone: d("2026-05-12")}))
	add(rep("penalty/XB-2026-0205", credit.Repair{ReminderSent: d("2026-05-06"), Applied: d("2026-05-10"), Reviewed: d("2026-05-20"), Outcome: credit.OutcomeRejected}))

	ago := func(dur time.Duration) time.Time { return fxNow.Add(-dur) }
	sharing := []credit.SharingEntry{
		{Dept: "320412", Kind: credit.Penalty, Received: 12, Disclosed: 10, Rejected: 0, LastPush: ago(5 * time.Hour)},
		{Dept: "city-zd", Kind: credit.Penalty, Received: 40, Disclosed: 36, Rejected: 1, LastPush: ago(2 * time.Hour),
			Rejections: []credit.Rejection{{RecordID: "CF-2026-0911", Reason: "统一社会信用代码校验位错误"}}},
		{Dept: "city-zd", Kind: credit.Coercion, Received: 6, Disclosed: 6, LastPush: ago(2 * time.Hour)},
		{Dept: "city-zd", Kind: credit.Inspection, Received: 130, Disclosed: 128, LastPush: ago(26 * time.Hour)},
		{Dept: "city-whp", Kind: credit.Licence, Received: 85, Disclosed: 85, LastPush: ago(3*24*time.Hour + 2*time.Hour)},
		{Dept: "city-whp", Kind: credit.Reward, Received: 3, Disclosed: 3, LastPush: ago(30 * time.Minute)},
		{Dept: "320411", Kind: credit.Penalty, Received: 9, Disclosed: 9, LastPush: ago(1 * time.Hour)},
		{Dept: "320402", Kind: credit.Penalty, Received: 4, Disclosed: 4, LastPush: ago(50 * time.Minute)},
		{Dept: "320404", Kind: credit.Penalty, Received: 7, Disclosed: 7, LastPush: ago(3 * time.Hour)},
		{Dept: "czjk", Kind: credit.Penalty, Received: 5, Disclosed: 3, Rejected: 2, LastPush: ago(10 * 24 * time.Hour),
			Rejections: []credit.Rejection{{RecordID: "JK-2026-1101", Reason: "处罚决定日期为空"}, {RecordID: "JK-2026-1102", Reason: "文号重复"}}},
	}
	endpoints := []credit.EndpointStatus{
		{Name: "law-enforcement", Feeds: []string{"penalty", "coercion", "inspection", "repair"}, LastAttempt: ago(10 * time.Minute),
			LastSuccess: ago(10 * time.Minute), Items: 1234, FeedsDone: walked(ago(10*time.Minute), "penalty", "coercion", "inspection", "repair")},
		{Name: "gov-service", Feeds: []string{"licence", "reward"}, LastAttempt: ago(2 * time.Minute), LastSuccess: ago(3 * time.Hour),
			LastError:  "GET https://10.32.4.18/api/v1/licence?cursor=abc: dial tcp 10.32.4.18:443: connect: connection refused",
			ErrorSince: ago(2*time.Hour + 40*time.Minute), Failures: 3, Items: 88, FeedsDone: walked(ago(3*time.Hour), "licence", "reward")},
	}
	depts := []credit.DeptStats{
		{Dept: "city-zd", Records: map[credit.Kind]int{credit.Penalty: 3, credit.Coercion: 6, credit.Inspection: 130}, LastReceived: ago(10 * time.Minute)},
		{Dept: "city-whp", Records: map[credit.Kind]int{credit.Licence: 85, credit.Reward: 3}, LastReceived: ago(3 * time.Hour)},
		{Dept: "320412", Records: map[credit.Kind]int{credit.Penalty: 2}, LastReceived: ago(5 * time.Hour)},
		{Dept: "czjk", Records: map[credit.Kind]int{credit.Penalty: 1}, LastReceived: ago(10 * 24 * time.Hour)},
	}
	return &credit.Snapshot{
		Sharing: sharing, Endpoints: endpoints, Depts: depts, Penalties: credittest.Penalties(pens...), Repairs: credittest.Repairs(slices.Collect(maps.Values(repairs))...),
		Quarantine: 2, Counts: map[credit.Kind]int{credit.Penalty: len(pens)}, TakenAt: fxNow,
	}
}

// walked is FeedsDone for feeds whose walks all ended at t.
func walked(t time.Time, feeds ...string) map[string]time.Time {
	m := map[string]time.Time{}
	for _, f := range feeds {
		m[f] = t
	}
	return m
}

func fixtureEndpoints() []EndpointInfo {
	return []EndpointInfo{
		{Name: "law-enforcement", Feeds: []string{"penalty", "coercion", "inspection", "repair"}, Interval: 5 * time.Minute},
		{Name: "gov-service", Feeds: []string{"licence", "reward"}, Interval: 5 * time.Minute},
		{Name: "credit-platform", Feeds: []string{"sharing"}},
	}
}

// fixtureDeps returns Deps over the fixture snapshot. snap may replace the
// snapshot function.
func fixtureDeps(t testing.TB, lang string) Deps {
	t.Helper()
	s := fixtureSnapshot()
	return Deps{
		Snapshot:  func() (*credit.Snapshot, error) { return s, nil },
		SyncNow:   func() error { return nil },
		Rules:     credit.DefaultRules(),
		Depts:     credit.NewDirectory(credit.DefaultDepartments()),
		Endpoints: fixtureEndpoints(),
		Today:     fxToday,
		Now:       fxClock,
		Lang:      lang,
		Demo:      true,
		CachePath: "/var/lib/credwatch/cache.db",
	}
}
