package credit

import (
	"regexp"
	"testing"
)

func TestNewActionID(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewActionID()
		if !uuid.MatchString(id) {
			t.Fatalf("NewActionID() = %q, not a version-4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("NewActionID() repeated %q", id)
		}
		seen[id] = true
	}
}
