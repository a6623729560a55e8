package tui

import (
	"slices"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
)

// actionMsg is the Store's answer to RecordAction.
type actionMsg struct {
	act  credit.Action
	item credit.OutboxItem
	err  error
}

// retryMsg is the Store's answer to RetryAction.
type retryMsg struct {
	seq uint64
	err error
}

// canAct reports whether the officer may record actions: there is a Store
// to record them in and the TUI is not read-only. Every path that leads to
// Store.RecordAction or Store.RetryAction checks it, whatever the keys say.
func (m *Model) canAct() bool { return m.d.Store != nil && !m.d.ReadOnly }

// officerField is the form field for the officer's name, prefilled.
func (m *Model) officerField() FormField {
	return FormField{Name: "officer", Label: m.cat.t("form.officer"), Required: true, Input: newTextInput(m.officer, 40)}
}

// openForm shows an action form completing act.
func (m *Model) openForm(title string, fields []FormField, act credit.Action) {
	m.form = NewForm(title, fields, m.keys.Form, m.cat.t("form.hint"), m.cat.t("form.required"))
	m.form.SetWidth(m.width)
	m.act = act
	m.mode = modeForm
	m.resize()
}

// openSignoff opens the sign-off form of today's check.
func (m *Model) openSignoff() {
	if !m.canAct() || !m.view.check.unsigned() {
		return
	}
	title := m.cat.f("form.signoff", m.today(), m.view.check.failed)
	fields := []FormField{{Name: "note", Label: m.cat.t("form.note"), Input: newTextInput("", 200)}}
	if m.d.Officer == "" { // a configured officer (or SSH user) is not typed in
		fields = append([]FormField{m.officerField()}, fields...)
	}
	depts := slices.Clone(m.d.OfficerDepts)
	if len(depts) == 0 { // all departments: say which
		for _, d := range m.d.Depts.All() {
			depts = append(depts, d.ID)
		}
	}
	m.openForm(title, fields, credit.Action{Type: credit.ActionSignoff, Date: m.today(), Depts: depts, Failed: m.view.check.failed})
}

// openTargetAction opens the form of m, n or w for the current penalty.
func (m *Model) openTargetAction(msg tea.KeyMsg) {
	tg, ok := m.currentTarget()
	if !m.canAct() || !ok {
		return
	}
	act := credit.Action{RecordKey: tg.key, Date: m.today()}
	var title string
	var fields []FormField
	k := m.keys
	switch {
	case key.Matches(msg, k.Remind) && tg.remind:
		act.Type = credit.ActionReminder
		title = m.cat.f("form.remind", tg.name, tg.doc)
	case key.Matches(msg, k.National) && tg.national:
		act.Type = credit.ActionNationalDone
		title = m.cat.f("form.national", tg.name, tg.doc)
		fields = append(fields, FormField{Name: "receipt", Label: m.cat.t("form.receipt"), Required: true, Input: newTextInput("", 64)})
	case key.Matches(msg, k.Fulfil) && tg.fulfil:
		act.Type = credit.ActionFulfilled
		title = m.cat.f("form.fulfil", tg.name, tg.doc)
	case key.Matches(msg, k.Withdraw) && tg.withdraw:
		act.Type = credit.ActionWithdrawal
		title = m.cat.f("form.withdraw", tg.name, tg.doc)
		fields = append(fields,
			FormField{Name: "website", Label: m.cat.t("form.website"), Required: true, Input: newTextInput("", 200)},
			FormField{Name: "note", Label: m.cat.t("form.note"), Input: newTextInput("", 200)})
	default:
		return
	}
	if m.officer == "" {
		fields = append(fields, m.officerField())
	}
	m.openForm(title, fields, act)
}

// formKey handles a key while a form is open.
func (m Model) formKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	var res formResult
	m.form, res = m.form.Update(msg)
	switch res {
	case formCancelled:
		m.mode = modeNormal
		m.resize()
	case formSubmitted:
		return m, m.submit()
	}
	return m, nil
}

// submit completes the form's action and hands it to the Store in a
// command. The confirmation waits for the Store's answer (handleAction).
func (m *Model) submit() tea.Cmd {
	if !m.canAct() {
		m.form.SetError(m.cat.t("err.readonly"))
		return nil
	}
	a := m.act
	a.ID = m.d.NewActionID()
	a.At = m.d.Now()
	a.Officer = m.officer
	if v := m.form.Value("officer"); v != "" {
		a.Officer = v
	}
	a.Note = m.form.Value("note")
	a.Receipt = m.form.Value("receipt")
	a.Website = m.form.Value("website")
	st := m.d.Store
	return func() tea.Msg {
		item, err := st.RecordAction(a)
		return actionMsg{act: a, item: item, err: err}
	}
}

func (m Model) handleAction(msg actionMsg) (Model, tea.Cmd) {
	a := msg.act
	if msg.err != nil {
		text := m.cat.f("err.action", actionLabel(m.cat, a.Type), cleanText(msg.err.Error()))
		if m.mode == modeForm {
			m.form.SetError(text)
		}
		m.flash, m.flashBad = text, true
		return m, nil
	}
	if m.mode == modeForm {
		m.mode = modeNormal
	}
	if a.Officer != "" {
		m.officer = a.Officer
	}
	switch a.Type {
	case credit.ActionSignoff:
		sig := make(map[credit.Date]credit.Signoff, len(m.signoffs)+1)
		for d, s := range m.signoffs {
			sig[d] = s
		}
		sig[a.Date] = credit.Signoff{Date: a.Date, Officer: a.Officer, Depts: a.Depts, Note: a.Note, At: a.At,
			Failed: m.view.check.failed, ActionID: a.ID}
		m.signoffs = sig
		m.flash = m.cat.f("chk.signed", clock(a.At, m.today()), cleanText(a.Officer))
	case credit.ActionReminder:
		m.flash = m.cat.f("done.reminder", recordPhrase(m.snap, a.RecordKey))
	case credit.ActionNationalDone:
		m.flash = m.cat.f("done.national", recordPhrase(m.snap, a.RecordKey), cleanText(a.Receipt))
	case credit.ActionWithdrawal:
		m.flash = m.cat.f("done.withdrawal", recordPhrase(m.snap, a.RecordKey), cleanText(a.Website))
	case credit.ActionFulfilled:
		m.flash = m.cat.f("done.fulfil", recordPhrase(m.snap, a.RecordKey), a.Date)
	}
	m.flash = symOK + " " + m.flash
	// Show the action at once (in the outbox, the sign-off) and reload for
	// the repair the Store has overlaid it on and the header's counts.
	if msg.item.Seq != 0 && !slices.ContainsFunc(m.outbox, func(it credit.OutboxItem) bool { return it.Seq == msg.item.Seq }) {
		m.outbox = append([]credit.OutboxItem{msg.item}, m.outbox...)
	}
	m.refreshActions()
	return m, m.requestLoad()
}

// refreshActions recomputes what an officer's action changes at once: the
// check tab (sign-off, history), the outbox, and open views showing them.
// The repair and queue rows change with the reload the action requests,
// built off the UI goroutine; rebuilding every tab here would stall keys on
// a large cache.
func (m *Model) refreshActions() {
	in := m.input()
	m.view.check = buildCheck(in)
	m.view.outbox, m.view.outboxSum, _, _ = buildOutbox(in)
	m.check.apply(&m.view)
	m.refreshStack()
	m.resize()
}

// retryCmd puts the selected failed outbox item back to pending.
func (m *Model) retryCmd() tea.Cmd {
	it, failed := m.selectedFailedOutbox()
	if !m.canAct() || !failed {
		return nil
	}
	st, seq := m.d.Store, it.Seq
	return func() tea.Msg { return retryMsg{seq: seq, err: st.RetryAction(seq)} }
}

func (m Model) handleRetry(msg retryMsg) (Model, tea.Cmd) {
	what := m.outboxWords(msg.seq)
	if msg.err != nil {
		m.flash, m.flashBad = m.cat.f("err.retry", what, cleanText(msg.err.Error())), true
		return m, nil
	}
	m.flash, m.flashBad = symOK+" "+m.cat.f("done.retry", what), false
	return m, m.requestLoad()
}

// outboxWords names the outbox item seq in words: the action and its
// record (or the day signed off); "#seq" if it is no longer listed.
func (m *Model) outboxWords(seq uint64) string {
	for i := range m.outbox {
		if it := &m.outbox[i]; it.Seq == seq {
			if it.Action.RecordKey == "" {
				return actionLabel(m.cat, it.Action.Type) + " " + it.Action.Date.String()
			}
			return actionLabel(m.cat, it.Action.Type) + " " + recordPhrase(m.snap, it.Action.RecordKey)
		}
	}
	return "#" + strconv.FormatUint(seq, 10)
}
