package credit

import "testing"

func TestAddMonths(t *testing.T) {
	for _, tc := range []struct {
		name string
		from string
		n    int
		want string
	}{
		{"worked example: 31 January + 3", "2024-01-31", 3, "2024-04-30"},
		{"31 January + 1, leap year", "2024-01-31", 1, "2024-02-29"},
		{"31 January + 1, common year", "2023-01-31", 1, "2023-02-28"},
		{"30 January + 1, common year", "2023-01-30", 1, "2023-02-28"},
		{"29 January + 1, leap year", "2024-01-29", 1, "2024-02-29"},
		{"31 August + 6 into leap February", "2023-08-31", 6, "2024-02-29"},
		{"31 August + 6 into common February", "2024-08-31", 6, "2025-02-28"},
		{"29 February + 12", "2024-02-29", 12, "2025-02-28"},
		{"29 February + 48", "2024-02-29", 48, "2028-02-29"},
		{"29 February + 36", "2024-02-29", 36, "2027-02-28"},
		{"28 February + 12 keeps the day", "2023-02-28", 12, "2024-02-28"},
		{"mid-month", "2024-01-15", 3, "2024-04-15"},
		{"31 March + 1", "2024-03-31", 1, "2024-04-30"},
		{"31 May + 1", "2024-05-31", 1, "2024-06-30"},
		{"31 December + 1 across the year", "2024-12-31", 1, "2025-01-31"},
		{"30 November + 3 across the year", "2024-11-30", 3, "2025-02-28"},
		{"1 October + 12", "2024-10-01", 12, "2025-10-01"},
		{"serious: 36 months", "2023-06-30", 36, "2026-06-30"},
		{"zero months", "2024-01-31", 0, "2024-01-31"},
		{"negative", "2024-03-31", -1, "2024-02-29"},
		{"negative across the year", "2024-01-31", -2, "2023-11-30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AddMonths(MustDate(tc.from), tc.n); got.String() != tc.want {
				t.Errorf("AddMonths(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
			}
		})
	}
	t.Run("zero date stays zero", func(t *testing.T) {
		if got := AddMonths(0, 3); !got.IsZero() {
			t.Errorf("AddMonths(0, 3) = %s", got)
		}
	})
}
