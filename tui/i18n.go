package tui

import (
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/i18n"
)

// catalog is the view's handle on the message catalogue (package i18n),
// which holds every text in Chinese and English.
type catalog struct {
	i18n.Catalog
	en bool
}

func newCatalog(lang string) catalog {
	c := i18n.New(lang)
	return catalog{Catalog: c, en: c.English()}
}

func (c catalog) t(key string) string              { return c.T(key) }
func (c catalog) f(key string, args ...any) string { return c.F(key, args...) }

// text words a domain text (credit.Text) in the view's language.
func (c catalog) text(t credit.Text) string { return c.Text(t) }

// dateWeekday formats a day as "2026-11-30 周一" (zh) or "2026-11-30 Mon" (en).
func (c catalog) dateWeekday(d credit.Date) string { return c.DateWeekday(d) }

// age says how long ago t was, as of now: "2小时前", "3天前".
func (c catalog) age(now, t time.Time) string { return c.Age(now, t) }

// clock formats t as HH:MM in China time, with the month and day in front
// when t is not on today.
func clock(t time.Time, today credit.Date) string {
	t = t.In(credit.ChinaZone)
	if credit.DateOf(t) != today {
		return t.Format("01-02 15:04")
	}
	return t.Format("15:04")
}

// stage names a repair stage: Chinese, or English in the English
// interface.
func (c catalog) stage(s credit.Stage) string { return c.Stage(s) }

// feedLabel names a feed: a kind's Chinese name, or the sharing list / repair
// status feeds.
func (c catalog) feedLabel(feed string) string { return c.FeedLabel(feed) }

// wait words a wait ("30 秒", "2 minutes"), rounded to seconds under a
// minute, to minutes (up) under an hour.
func (c catalog) wait(d time.Duration) string {
	switch {
	case d < time.Minute:
		return c.f("wait.sec", int((d+time.Second/2)/time.Second))
	case d < time.Hour:
		return c.f("wait.min", int((d+time.Minute-1)/time.Minute))
	}
	m := int((d + time.Minute - 1) / time.Minute)
	return c.f("wait.hour", m/60, m%60)
}
