package credit

import "testing"

func TestDirectoryNames(t *testing.T) {
	d := NewDirectory([]Department{{ID: "320402", Name: "天宁区应急管理局", Short: "天宁"}})
	cases := []struct{ name, id, full, short string }{
		{"known", "320402", "天宁区应急管理局", "天宁"},
		{"unknown stays visible", "x-unit", "x-unit", "x-unit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := d.FullName(c.id); got != c.full {
				t.Errorf("FullName(%q) = %q, want %q", c.id, got, c.full)
			}
			if got := d.ShortName(c.id); got != c.short {
				t.Errorf("ShortName(%q) = %q, want %q", c.id, got, c.short)
			}
		})
	}
}
