package sim

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/czyj/credwatch/credit"
)

// kindShare is each kind's share of the initial records, in percent;
// inspections take the remainder.
var kindShare = []struct {
	kind    credit.Kind
	percent int
}{
	{credit.Licence, 14}, {credit.Penalty, 30}, {credit.Coercion, 7}, {credit.Reward, 9},
}

var idPrefix = map[credit.Kind]string{
	credit.Licence: "XK", credit.Penalty: "CF", credit.Coercion: "QZ", credit.Reward: "JL", credit.Inspection: "JC",
}

// Full names under which departments decide; city divisions act in the
// bureau's name.
var authorityNames = map[string]string{
	"320412": "常州市武进区应急管理局",
	"320411": "常州市新北区应急管理局",
	"320481": "溧阳市应急管理局",
	"320413": "常州市金坛区应急管理局",
	"320402": "常州市天宁区应急管理局",
	"320404": "常州市钟楼区应急管理局",
	"czjk":   "常州经济技术开发区政法和应急管理局",
}

const cityBureauName = "常州市应急管理局"

// generate builds the initial data set and its change logs. start is the
// simulated time at New; nothing generated is later than start.
func (s *Sim) generate(start time.Time) {
	r := s.rng
	today := s.opts.Today

	s.depts = credit.DefaultDepartments()
	for _, d := range s.depts {
		name, code := authorityNames[d.ID], d.Code
		if name == "" {
			name = cityBureauName
		}
		if code == "" {
			code = credit.CityBureauCode
		}
		s.authName[d.ID] = name
		s.authCode[d.ID] = authorityCode(r, code)
	}

	// One district stopped pushing to the sharing platform a few days ago.
	s.stale = areas[r.IntN(len(areas))].dept
	staleDay := today.AddDays(-between(r, 3, 6))
	s.staleAt = staleDay.Time().Add(17*time.Hour + time.Duration(between(r, 0, 59))*time.Minute)

	// The subjects: enterprises, a few cooperatives and 个体工商户, per area.
	s.subjects = make([][]subject, len(areas))
	pool := max(60, s.opts.Records/4)
	seen := make(map[string]bool, pool)
	for i := 0; i < pool; i++ {
		a := pickArea(r)
		var sub subject
		for try := 0; try < 5; try++ {
			switch x := r.Float64(); {
			case x < 0.06:
				sub = newShop(r, a)
			case x < 0.08:
				sub = newCooperative(r, a)
			default:
				sub = newEnterprise(r, a)
			}
			if !seen[sub.name] {
				break
			}
		}
		seen[sub.name] = true
		ai := areaIndex(a)
		s.subjects[ai] = append(s.subjects[ai], sub)
	}
	for ai := range areas {
		if len(s.subjects[ai]) == 0 {
			s.subjects[ai] = append(s.subjects[ai], newEnterprise(r, &areas[ai]))
		}
	}

	// The records, a few of which are later withdrawn.
	withdrawn := max(1, s.opts.Records/500)
	total := s.opts.Records + withdrawn
	all := make([]*rec, 0, total)
	s.live = make([]*rec, 0, total)
	s.recs = make(map[string]*rec, total)
	left := total
	for _, ks := range kindShare {
		n := total * ks.percent / 100
		for i := 0; i < n; i++ {
			all = append(all, s.newRecord(ks.kind, s.decisionDay()))
		}
		left -= n
	}
	for i := 0; i < left; i++ {
		all = append(all, s.newRecord(credit.Inspection, s.decisionDay()))
	}
	// Numbers follow the order of decisions.
	slices.SortStableFunc(all, func(a, b *rec) int { return cmp.Compare(a.Decided, b.Decided) })
	for _, x := range all {
		s.number(x)
		s.disclose(x, today)
		x.UpdatedAt = stamp(r, latest(x.Decided, x.Disclosed), start)
	}
	// Withdraw some, then log the rest in the order they last changed.
	gone := make(map[*rec]bool, withdrawn)
	for len(gone) < withdrawn {
		gone[all[r.IntN(len(all))]] = true
	}
	var kept, dropped []*rec
	for _, x := range all {
		if gone[x] {
			dropped = append(dropped, x)
		} else {
			kept = append(kept, x)
		}
	}
	slices.SortStableFunc(kept, func(a, b *rec) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	for _, x := range kept {
		s.add(x)
	}
	for _, x := range dropped {
		s.logs[string(x.Kind)].remove(x.ID)
	}

	// Repairs of eligible penalties, logged in the order they last changed.
	for _, x := range all {
		if !gone[x] && x.Kind == credit.Penalty && chance(r, 0.55) {
			if rp := s.newRepair(x, today, start); rp != nil {
				s.repairs[rp.RecordKey] = rp
				s.repairList = append(s.repairList, rp)
			}
		}
	}
	byTime := append([]*credit.Repair(nil), s.repairList...)
	slices.SortStableFunc(byTime, func(a, b *credit.Repair) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	for _, rp := range byTime {
		s.logs["repair"].upsert(rp.RecordKey, rp)
	}

	// The sharing list: one row per department and kind it owns, logged in
	// the order the rows last changed.
	var rows []*credit.SharingEntry
	for _, d := range s.depts {
		for _, k := range credit.Kinds {
			if !d.OwnsKind(k) {
				continue
			}
			e := &credit.SharingEntry{Dept: d.ID, Kind: k}
			if d.ID == s.stale {
				e.LastPush = s.staleAt
			} else {
				e.LastPush = start.Add(-time.Duration(between(r, 2, 55)) * time.Minute)
			}
			e.UpdatedAt = e.LastPush
			key := e.Key()
			s.sharing[key] = e
			s.sharingKeys = append(s.sharingKeys, key)
			s.recount(key)
			rows = append(rows, e)
		}
	}
	slices.SortStableFunc(rows, func(a, b *credit.SharingEntry) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	for _, e := range rows {
		s.logs["sharing"].upsert(e.Key(), e)
	}
}

func areaIndex(a *area) int {
	for i := range areas {
		if &areas[i] == a {
			return i
		}
	}
	return 0
}

// decisionDay returns a day in the three years up to today, mostly a
// weekday, now and then today itself.
func (s *Sim) decisionDay() credit.Date {
	r := s.rng
	today := s.opts.Today
	if chance(r, 0.004) {
		return today
	}
	y, m, d := today.YMD()
	first := credit.NewDate(y-3, m, d+1)
	span := int(today - first + 1)
	var day credit.Date
	for try := 0; try < 4; try++ {
		day = first.AddDays(r.IntN(span))
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			break
		}
	}
	return day
}

// newRecord makes a record of kind k decided on day, without its ID and
// document number (see number) and without disclosure (see disclose).
func (s *Sim) newRecord(k credit.Kind, day credit.Date) *rec {
	r := s.rng
	dept, a := s.pickDept(k)
	x := &rec{area: a, pushed: true}
	x.Kind, x.Dept, x.Decided = k, dept, day
	x.Authority, x.AuthCode = s.authName[dept], s.authCode[dept]
	x.SourceUnit, x.SourceCode = x.Authority, x.AuthCode

	var sub subject
	switch k {
	case credit.Licence:
		s.fillLicence(x, &sub)
	case credit.Penalty:
		s.fillPenalty(x, &sub)
	case credit.Coercion:
		sub = s.pickSubject(a, func(sb subject) bool { return sb.kind != credit.SubjectPerson })
		c := pick(r, coercions)
		x.Content, x.Basis = c.content, c.basis
		x.Facts = "经查，" + sub.name + "存在" + pick(r, violations[:12]).act + "的情形，依法采取行政强制措施。"
	case credit.Reward:
		rw := pick(r, rewards)
		if rw.person {
			sub = newPerson(r, a)
		} else {
			sub = s.pickSubject(a, nil)
		}
		x.Content = rw.content
	case credit.Inspection:
		sub = s.pickSubject(a, nil)
		x.Content = pickInspection(r)
		x.Note = pick(r, inspectionNotes)
	}
	x.SubjectName, x.SubjectKind, x.USCC, x.LegalRep = sub.name, sub.kind, sub.uscc, sub.legalRep
	if x.USCC != "" && chance(r, 0.01) {
		x.USCC = corruptUSCC(r, x.USCC)
		if chance(r, 0.4) {
			x.Rejected = rejectUSCC
		}
	}
	switch {
	case x.Rejected != "":
	case chance(r, 0.0015):
		x.Rejected = rejectDocNo
	case k == credit.Penalty && chance(r, 0.001):
		x.Rejected = rejectDates
	}
	return x
}

// pickDept picks the deciding department of a record of kind k: the owning
// city division now and then, otherwise a district weighted by its size.
// The area is where the subject is registered.
func (s *Sim) pickDept(k credit.Kind) (string, *area) {
	a := pickArea(s.rng)
	if chance(s.rng, 0.1) {
		for _, d := range s.depts {
			if d.Level == credit.CityDivision && d.OwnsKind(k) {
				return d.ID, a
			}
		}
	}
	return a.dept, a
}

// pickSubject picks a subject registered in a, preferring one that ok accepts.
func (s *Sim) pickSubject(a *area, ok func(subject) bool) subject {
	list := s.subjects[areaIndex(a)]
	var sub subject
	for try := 0; try < 8; try++ {
		sub = list[s.rng.IntN(len(list))]
		if ok == nil || ok(sub) {
			break
		}
	}
	return sub
}

func pickInspection(r *rand.Rand) string {
	total := 0
	for _, in := range inspections {
		total += in.weight
	}
	n := r.IntN(total)
	for _, in := range inspections {
		if n < in.weight {
			return in.content
		}
		n -= in.weight
	}
	return inspections[0].content
}

func (s *Sim) fillPenalty(x *rec, sub *subject) {
	r := s.rng
	serious := chance(r, 0.2)
	var v violation
	switch {
	case chance(r, 0.03):
		*sub = newPerson(r, x.area)
		v = pickViolation(r, func(v violation) bool { return v.person })
	default:
		*sub = s.pickSubject(x.area, func(sb subject) bool { return sb.kind != credit.SubjectPerson })
		if serious && chance(r, 0.4) {
			v = pickViolation(r, func(v violation) bool { return v.accident })
		} else {
			hz := sub.ind.hazardous
			v = pickViolation(r, func(v violation) bool { return !v.person && !v.accident && (hz || !v.hazchem) })
		}
	}
	x.Violation, x.Basis = v.act, v.basis
	if v.accident {
		x.Accident = true
		serious = true
		y, m, d := x.Decided.AddDays(-between(r, 60, 150)).YMD()
		x.Facts = fmt.Sprintf("经调查，%s对%d年%d月%d日发生的一起%s事故（死亡1人）负有责任，违反了%s的规定。",
			sub.name, y, int(m), d, pick(r, []string{"机械伤害", "物体打击", "高处坠落", "起重伤害", "中毒和窒息", "火灾"}), v.duty)
	} else {
		x.Facts = "经查，" + sub.name + v.act + "，违反了" + v.duty + "的规定。"
	}
	x.Severity = credit.General
	if serious {
		x.Severity = credit.Serious
	}

	var types []string
	switch p := r.Float64(); {
	case !serious && p < 0.10:
		types = []string{"警告"}
	case !serious && p < 0.20:
		types = []string{"警告", "罚款"}
	case !serious:
		types = []string{"罚款"}
	case p < 0.45:
		types = []string{"罚款"}
	case p < 0.75:
		types = []string{"罚款", "责令停产停业"}
	case p < 0.85:
		types = []string{"责令停产停业"}
	case p < 0.95:
		types = []string{"罚款", "吊销许可证件"}
	default:
		types = []string{"罚款", "没收违法所得"}
	}
	x.PenaltyTypes = types

	var parts []string
	for _, t := range types {
		switch t {
		case "警告":
			parts = append(parts, "警告")
		case "罚款":
			lo, hi := v.minFine, v.maxFine
			if sub.kind != credit.SubjectLegal {
				hi = min(hi, 50000)
				lo = min(lo, hi)
			}
			fine := (lo + r.Int64N(hi-lo+1)) / 1000 * 1000
			x.FineYuan = max(10000, min(500000, fine))
			parts = append(parts, "罚款人民币"+yuanText(x.FineYuan))
		case "责令停产停业":
			parts = append(parts, fmt.Sprintf("责令停产停业整顿%d日", pick(r, []int{15, 30, 60, 90})))
		case "吊销许可证件":
			parts = append(parts, "吊销"+pick(r, []string{"安全生产许可证", "危险化学品经营许可证"}))
		case "没收违法所得":
			parts = append(parts, fmt.Sprintf("没收违法所得人民币%d元", between(r, 2, 60)*500))
		}
	}
	x.Content = strings.Join(parts, "；")

	s.fillPublication(x)

	// 三同步 applies to general penalties only; most have all three done.
	if !serious {
		x.NoticeGiven, x.EducationDone, x.ReminderSet = true, true, true
		if chance(r, 0.15) {
			switch r.IntN(4) {
			case 0:
				x.NoticeGiven = false
			case 1:
				x.EducationDone = false
			case 2:
				x.ReminderSet = false
			default:
				x.NoticeGiven, x.EducationDone, x.ReminderSet = false, false, false
			}
		}
	}
}

func pickViolation(r *rand.Rand, ok func(violation) bool) violation {
	var c []violation
	for _, v := range violations {
		if ok(v) {
			c = append(c, v)
		}
	}
	return pick(r, c)
}

func (s *Sim) fillLicence(x *rec, sub *subject) {
	r := s.rng
	var lt licenceType
	if x.area != nil && x.Dept != x.area.dept { // a city division: production and storage licences
		lt = licenceTypes[r.IntN(2)]
	} else if chance(r, 0.45) {
		lt = licenceTypes[2]
	} else {
		lt = licenceTypes[1]
	}
	switch {
	case lt.shop:
		*sub = s.pickSubject(x.area, func(sb subject) bool { return sb.kind == credit.SubjectIndividual })
	case lt.hazchem:
		*sub = s.pickSubject(x.area, func(sb subject) bool { return sb.ind.hazardous })
	}
	x.CertName = lt.cert
	x.LicenceCategory = "普通"
	x.Content = pick(r, lt.contents)
	x.Note = lt.docName
	y, m, d := x.Decided.YMD()
	x.ValidFrom = x.Decided
	x.ValidTo = credit.NewDate(y+lt.years, m, d-1)
	switch {
	case chance(r, 0.02):
		x.LicenceStatus = "注销"
	case x.ValidTo.Before(s.opts.Today):
		x.LicenceStatus = "过期"
	default:
		x.LicenceStatus = "有效"
	}
}

// number gives a record its ID and document numbers; records are numbered in
// the order they are decided.
func (s *Sim) number(x *rec) {
	y := x.Decided.Year()
	ik := fmt.Sprintf("%s%d", idPrefix[x.Kind], y)
	s.idSeq[ik]++
	x.ID = fmt.Sprintf("%s%06d", ik, s.idSeq[ik])

	city := x.Dept != x.area.dept
	abbr := x.area.abbr
	var prefix string
	switch x.Kind {
	case credit.Penalty, credit.Coercion, credit.Inspection:
		word := map[credit.Kind]string{credit.Penalty: "应急罚", credit.Coercion: "应急强", credit.Inspection: "应急检记"}[x.Kind]
		if city {
			prefix = "（苏常）" + word
		} else {
			prefix = abbr + word
		}
	case credit.Licence:
		if city {
			prefix = "常应急许"
		} else {
			prefix = abbr + "应急许"
		}
	case credit.Reward:
		if city {
			prefix = "常应急"
		} else {
			prefix = abbr + "应急"
		}
	}
	dk := fmt.Sprintf("%s〔%d〕", prefix, y)
	s.docSeq[dk]++
	x.DocNo = fmt.Sprintf("%s%d号", dk, s.docSeq[dk])
	if x.Rejected == rejectDocNo {
		x.DocNo = ""
	}

	if x.Kind == credit.Licence {
		lk := x.CertName + fmt.Sprint(y)
		s.docSeq[lk]++
		n := s.docSeq[lk]
		tag := strings.TrimPrefix(abbr, "常")
		switch x.CertName {
		case licenceTypes[0].cert:
			x.LicenceNo = fmt.Sprintf("（苏）WH安许证字〔%d〕%06d", y, 400+n)
		case licenceTypes[1].cert:
			if city {
				tag = ""
			}
			x.LicenceNo = fmt.Sprintf("苏常%s危化经字〔%d〕%06d", tag, y, n)
		default:
			x.LicenceNo = fmt.Sprintf("（苏常）%sYH零许证字〔%d〕%05d", tag, y, n)
		}
	}
}

// disclose sets what the sharing platform did with a record by today:
// disclosed within a few weekdays (7 working days, approximated), late now
// and then, not yet for some recent ones, never for rejected ones and for
// those the stale department has not pushed.
func (s *Sim) disclose(x *rec, today credit.Date) {
	r := s.rng
	if x.Dept == s.stale && x.Decided.After(credit.DateOf(s.staleAt)) {
		x.pushed = false
		x.Rejected = ""
		return
	}
	if x.Rejected != "" {
		return
	}
	var d credit.Date
	switch p := r.Float64(); {
	case p < 0.06:
		d = x.Decided.AddDays(between(r, 10, 20))
	case p < 0.35:
		d = addWeekdays(x.Decided, between(r, 5, 7))
	default:
		d = addWeekdays(x.Decided, between(r, 1, 4))
	}
	switch {
	case d.After(today):
		return
	case int(today-x.Decided) <= 20 && chance(r, 0.12):
		return
	case chance(r, 0.002): // lost on the way; an officer should notice
		return
	}
	x.Disclosed = d
}

// addWeekdays moves d forward by n days that are not Saturday or Sunday.
func addWeekdays(d credit.Date, n int) credit.Date {
	for n > 0 {
		d++
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

// subWeekdays moves d back by n weekdays.
func subWeekdays(d credit.Date, n int) credit.Date {
	for n > 0 {
		d--
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

func latest(ds ...credit.Date) credit.Date {
	var m credit.Date
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// stamp returns a time during office hours on day d, but never after limit.
func stamp(r *rand.Rand, d credit.Date, limit time.Time) time.Time {
	t := d.Time().Add(8*time.Hour + time.Duration(r.IntN(9*3600))*time.Second)
	if t.After(limit) {
		t = limit.Add(-time.Duration(1+r.IntN(3600)) * time.Second)
	}
	return t
}

// add makes x a live record and logs it.
func (s *Sim) add(x *rec) {
	x.pos = len(s.live)
	s.live = append(s.live, x)
	s.recs[x.Key()] = x
	sk := credit.SharingKey(x.Dept, x.Kind)
	s.groups[sk] = append(s.groups[sk], x)
	s.logs[string(x.Kind)].upsert(x.ID, &x.Record)
	s.reindex(x)
}

// recount sets a sharing row's counts from the records the platform holds.
func (s *Sim) recount(key string) {
	e := s.sharing[key]
	if e == nil {
		return
	}
	e.Received, e.Disclosed, e.Rejected, e.Rejections = 0, 0, 0, nil
	for _, x := range s.groups[key] {
		if !x.pushed {
			continue
		}
		e.Received++
		if !x.Disclosed.IsZero() {
			e.Disclosed++
		}
		if x.Rejected != "" {
			e.Rejected++
			e.Rejections = append(e.Rejections, credit.Rejection{RecordID: x.ID, Reason: x.Rejected})
		}
	}
}

// simRules are the rules the simulated source systems apply.
var simRules = sync.OnceValue(credit.DefaultRules)

// fillPublication sets 公示截止期 (CF_GSJZQ) and 处罚有效期 (CF_YXQ) as the
// source system would: the end of the longest disclosure under the rules in
// force, the same day for the validity. One record in 40 (chosen by a hash
// of its content, so the random stream is not disturbed) still carries the
// end under the city's 2022 periods, a mismatch credwatch reports.
func (s *Sim) fillPublication(x *rec) {
	rd, err := simRules().Repair(credit.PenaltyFacts{Decided: x.Decided, Severity: x.Severity, PenaltyTypes: x.PenaltyTypes, Accident: x.Accident})
	if err != nil {
		return
	}
	x.PublishUntil = rd.MaxDisclosureEnd
	h := fnv.New32a()
	h.Write([]byte(x.Facts + x.Content + x.Decided.String()))
	if h.Sum32()%40 == 0 {
		months := 12
		if x.Severity == credit.Serious {
			months = 36
		}
		x.PublishUntil = credit.AddMonths(x.Decided, months)
	}
	x.ValidUntil = x.PublishUntil
}
