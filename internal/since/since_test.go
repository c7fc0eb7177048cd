package since

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	utc := time.UTC
	now := time.Date(2026, 12, 1, 15, 30, 0, 0, utc)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, utc) }
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2024-01-31", day(2024, 1, 31)},
		{"2024/01/31", day(2024, 1, 31)},
		{"2024.01.31", day(2024, 1, 31)},
		{"2024-01-31 12:00", time.Date(2024, 1, 31, 12, 0, 0, 0, utc)},
		{"2024-01-31T12:00:00+02:00", time.Date(2024, 1, 31, 10, 0, 0, 0, utc)},
		{"2024-01-31t12:00:00z", time.Date(2024, 1, 31, 12, 0, 0, 0, utc)},
		{"30d", now.AddDate(0, 0, -30)},
		{"2w", now.AddDate(0, 0, -14)},
		{"6mo", now.AddDate(0, -6, 0)},
		{"1y", now.AddDate(-1, 0, 0)},
		{"720h", now.Add(-720 * time.Hour)},
		{"90m", now.Add(-90 * time.Minute)},
		{"2 weeks ago", now.AddDate(0, 0, -14)},
		{"2.weeks.ago", now.AddDate(0, 0, -14)},
		{"1 week ago", now.AddDate(0, 0, -7)},
		{"3 days", now.AddDate(0, 0, -3)},
		{"6 Months Ago", now.AddDate(0, -6, 0)},
		{"10 minutes ago", now.Add(-10 * time.Minute)},
		{"yesterday", day(2026, 11, 30)},
		{"today", day(2026, 12, 1)},
		{"last week", now.AddDate(0, 0, -7)},
	} {
		got, err := Parse(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "soon", "30", "-2w", "0d", "2 fortnights ago", "2024-13-01", "31/01/2024"} {
		_, err := Parse(bad, now)
		if !errors.Is(err, ErrBad) {
			t.Errorf("Parse(%q): err %v, want ErrBad", bad, err)
			continue
		}
		// The error shows what is accepted, never Go's reference date.
		if msg := err.Error(); strings.Contains(msg, "2006") || strings.Contains(msg, "15:04") || !strings.Contains(msg, "2 weeks ago") {
			t.Errorf("Parse(%q): %v", bad, err)
		}
	}
}
