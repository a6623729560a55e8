package main

import (
	"errors"
	"testing"
)

// Every kind of mistake names the file, the line, the key and, inside an
// array of tables, the entry by its name; misspellings get the nearest key.
func TestConfigErrorMessages(t *testing.T) {
	const ep = "[[endpoint]]\nname = \"武进\"\nbase_url = \"http://x\"\nfeeds = [\"penalty\"]\n"
	const ep2 = "[[endpoint]]\nname = \"金坛\"\nbase_url = \"http://y\"\nfeeds = [\"licence\"]\n"
	for _, tc := range []struct {
		name, toml, want, key string
	}{
		{"unknown top-level key", "lang = \"zh\"\nlnag = \"en\"\n",
			`cw.toml:2: key "lnag": unknown key (did you mean "lang"?); config.toml.example lists every key`, "lnag"},
		{"unknown key, no near one", "officer = \"王\"\ncolour = \"red\"\n",
			`cw.toml:2: key "colour": unknown key; config.toml.example lists every key`, "colour"},
		{"several unknown keys", "lnag = \"en\"\n[serve]\nlisen = \"x:1\"\n",
			`cw.toml:1: key "lnag": unknown key (did you mean "lang"?); also unknown: serve.lisen (line 3, did you mean "listen"?); config.toml.example lists every key`, "lnag"},
		{"unknown table", "[colours]\nred = 1\n",
			`cw.toml:1: key "colours": unknown key; config.toml.example lists every key`, "colours"},
		{"unknown key in the second endpoint", ep + ep2 + "intervall = \"30s\"\n",
			`cw.toml:9: endpoint "金坛" (line 5): key "intervall": unknown key (did you mean "interval"?); config.toml.example lists every key`, "endpoint[1].intervall"},
		{"unknown key in a source", "[[source]]\nname = \"u\"\nkind = \"folder\"\npaht = \"/x\"\n",
			`cw.toml:4: source "u" (line 1): key "paht": unknown key (did you mean "path"?); config.toml.example lists every key`, "source[0].paht"},
		{"unknown key in calendar", "[calendar]\nyear = [2030]\n",
			`cw.toml:2: key "calendar.year": unknown key (did you mean "years"?); config.toml.example lists every key`, "calendar.year"},
		{"unknown key in a calendar day", "[calendar]\n[[calendar.day]]\ndate = \"2026-01-01\"\nworkin = true\n",
			`cw.toml:4: key "calendar.day[0].workin": unknown key (did you mean "working"?); config.toml.example lists every key`, "calendar.day[0].workin"},
		{"unknown key in serve", "[serve]\nmax_session = 3\n",
			`cw.toml:2: key "serve.max_session": unknown key (did you mean "max_sessions"?); config.toml.example lists every key`, "serve.max_session"},
		{"unknown key in pipeline", "[pipeline]\nregrade = 1\n",
			`cw.toml:2: key "pipeline.regrade": unknown key; config.toml.example lists every key`, "pipeline.regrade"},
		{"unknown key in a department", "[[department]]\nid = \"x\"\nname = \"某局\"\nowsn = [\"penalty\"]\n",
			`cw.toml:4: department "x" (line 1): key "owsn": unknown key (did you mean "owns"?); config.toml.example lists every key`, "department[0].owsn"},
		{"wrong type, top level", "departments = \"320412\"\n",
			`cw.toml:1: key "departments": want a list ([...]), got a string ("...")`, "departments"},
		{"wrong type in the first of two endpoints", "[[endpoint]]\nname = \"武进\"\nbase_url = \"http://x\"\nfeeds = \"penalty\"\n" + ep2,
			`cw.toml:4: endpoint "武进" (line 1): key "feeds": want a list ([...]), got a string ("...")`, "endpoint[0].feeds"},
		{"wrong type in serve", "[serve]\nmax_sessions = \"many\"\n",
			`cw.toml:2: key "serve.max_sessions": want a whole number, got a string ("...")`, "serve.max_sessions"},
		{"invalid duration in the first of two endpoints", ep + "interval = \"soon\"\n" + ep2 + "interval = \"30s\"\n",
			`cw.toml:5: endpoint "武进" (line 1): key "interval": invalid duration "soon" (examples: 30s, 5m)`, "endpoint[0].interval"},
		{"invalid URL", ep + ep2 + "[[endpoint]]\nname = \"溧阳\"\nbase_url = \"ftp://z\"\nfeeds = [\"penalty\"]\n",
			`cw.toml:11: endpoint "溧阳" (line 9): key "base_url": must start with http:// or https://, got "ftp://z"`, "endpoint[2].base_url"},
		{"endpoint without a name", ep + "[[endpoint]]\nbase_url = \"http://z\"\n",
			`cw.toml:5: endpoint #2 (line 5): key "name": every endpoint needs a name`, "endpoint[1].name"},
		{"missing key reported on its table", "[[endpoint]]\nname = \"武进\"\nbase_url = \"http://x\"\n",
			`cw.toml:1: endpoint "武进" (line 1): key "feeds": endpoint "武进" serves no feeds`, "endpoint[0].feeds"},
		{"invalid date", "today = \"2026-02-30\"\n",
			`cw.toml:1: key "today": invalid date "2026-02-30": want YYYY-MM-DD`, "today"},
		{"invalid lang", "officer = \"王\"\nlang = \"fr\"\n",
			`cw.toml:2: key "lang": must be "zh" or "en", not "fr"`, "lang"},
		{"invalid calendar day", "[calendar]\n[[calendar.day]]\ndate = \"2026-01-01\"\n[[calendar.day]]\ndate = \"2026-13-01\"\n",
			`cw.toml:5: key "calendar.day[1].date": invalid date "2026-13-01": want YYYY-MM-DD`, "calendar.day[1].date"},
		{"invalid network in serve", "[serve]\nbackoff_exempt = [\"10.0.0.0/33\"]\n",
			`cw.toml:2: key "serve.backoff_exempt": want networks such as "10.1.2.0/24", got "10.0.0.0/33"`, "serve.backoff_exempt"},
		{"syntax error", "lang = \"zh\"\nofficer = \n",
			`cw.toml:2: key "officer": expected value but found '\n' instead`, "officer"},
		{"multi-line values do not shift lines", "officer = \"\"\"\n王\n[not a table]\n\"\"\"\ndepartments = [\n  \"320412\",\n]\nlnag = \"zh\"\n",
			`cw.toml:8: key "lnag": unknown key (did you mean "lang"?); config.toml.example lists every key`, "lnag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig("cw.toml", []byte(tc.toml))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is not a *ConfigError", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
			if ce.Key != tc.key {
				t.Errorf("key %q, want %q", ce.Key, tc.key)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"lnag", "lang", 1}, {"lang", "lang", 0}, {"", "abc", 3}, {"base_ur", "base_url", 1}, {"listen", "lisen", 1}, {"kitten", "sitting", 3}, {"部门", "部分", 1}} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
