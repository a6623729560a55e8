package main

import (
	"slices"
	"testing"
)

func TestConfigKeys(t *testing.T) {
	cases := []struct {
		name, toml string
		want       string // the error; "" for none
		keys       map[string][]string
	}{
		{name: "valid", toml: "lang = \"zh\"\n[keys]\nsync = [\"ctrl+r\", \"F\"]\nquit = [\"x\"]\nactivity = [\"ctrl+l\"]\n",
			keys: map[string][]string{"sync": {"ctrl+r", "F"}, "quit": {"x"}, "activity": {"ctrl+l"}}},
		{name: "swap two keys", toml: "[keys]\nsync = [\"q\"]\nquit = [\"r\"]\n",
			keys: map[string][]string{"sync": {"q"}, "quit": {"r"}}},
		{name: "space and alt", toml: "[keys]\npage_down = [\"space\", \"alt+j\"]\n",
			keys: map[string][]string{"page_down": {"space", "alt+j"}}},
		{name: "unknown action", toml: "lang = \"zh\"\n\n[keys]\nsnyc = [\"r\"]\n",
			want: `cw.toml:4: key "keys.snyc": unknown action (did you mean "sync"?)`},
		{name: "unknown action far from any", toml: "[keys]\nlaunch_rockets = [\"r\"]\n",
			want: `cw.toml:2: key "keys.launch_rockets": unknown action; the actions are activity, bottom, command, copy, copy_row, down, export, export_json, filter, fulfil, help, national, next_tab, outbox, page_down, page_up, prev_tab, quit, remind, report, retry, sort_dir, sort_next, sort_prev, sync, top, up, withdraw`},
		{name: "misspelt key name", toml: "[keys]\nsync = [\"ctlr+r\"]\n",
			want: `cw.toml:2: key "keys.sync": "ctlr+r" is not a key (did you mean "ctrl+r"?)`},
		{name: "bad key name", toml: "[keys]\nsync = [\"r\", \"hyper+meta+r\"]\n",
			want: `cw.toml:2: key "keys.sync": "hyper+meta+r" is not a key: give one character ("r") or a key name such as "ctrl+r", "f5", "pgdown"`},
		{name: "no keys", toml: "[keys]\nsync = []\n",
			want: `cw.toml:2: key "keys.sync": give at least one key, e.g. sync = ["x"]`},
		{name: "two configured actions on one key", toml: "[keys]\nsync = [\"x\"]\n# export too\nexport = [\"x\"]\n",
			want: `cw.toml:4: key "keys.export": "x" is also the key of sync (line 2)`},
		{name: "a default key taken", toml: "[keys]\nsync = [\"q\"]\n",
			want: `cw.toml:2: key "keys.sync": "q" is already the key of quit: give quit another key too`},
		{name: "a fixed key", toml: "[keys]\nhelp = [\"enter\"]\n",
			want: `cw.toml:2: key "keys.help": "enter" cannot be bound: it is always open`},
		{name: "a tab number", toml: "[keys]\nsync = [\"3\"]\n",
			want: `cw.toml:2: key "keys.sync": "3" cannot be bound: it is always jump_tab`},
		{name: "the sign-off key", toml: "[keys]\nremind = [\"s\"]\n",
			want: `cw.toml:2: key "keys.remind": "s" cannot be bound: it is always signoff`},
		{name: "signoff is not configurable", toml: "[keys]\nsignoff = [\"S\"]\n",
			want: `cw.toml:2: key "keys.signoff": unknown action; the actions are activity, bottom, command, copy, copy_row, down, export, export_json, filter, fulfil, help, national, next_tab, outbox, page_down, page_up, prev_tab, quit, remind, report, retry, sort_dir, sort_next, sort_prev, sync, top, up, withdraw`},
		{name: "not a list", toml: "[keys]\nsync = \"r\"\n",
			want: `cw.toml:2: key "keys.sync": want a list ([...]), got a string ("...")`},
		{name: "the first mistake in the file", toml: "[keys]\nzz = [\"r\"]\nsync = [\"ctlr+r\"]\n",
			want: `cw.toml:2: key "keys.zz": unknown action; the actions are activity, bottom, command, copy, copy_row, down, export, export_json, filter, fulfil, help, national, next_tab, outbox, page_down, page_up, prev_tab, quit, remind, report, retry, sort_dir, sort_next, sort_prev, sync, top, up, withdraw`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseConfig("cw.toml", []byte(tc.toml))
			if tc.want != "" {
				if err == nil || err.Error() != tc.want {
					t.Fatalf("error\n got %v\nwant %s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.keys {
				if !slices.Equal(c.Keys[k], v) {
					t.Errorf("keys.%s = %v, want %v", k, c.Keys[k], v)
				}
			}
		})
	}
}
