package config

import (
	"fmt"
	"time"

	cron "github.com/netresearch/go-cron"
)

// Schedule gives the time of the next run after t.
type Schedule func(t time.Time) time.Time

// Next is the schedule's first time after t (worker.Schedule).
func (s Schedule) Next(t time.Time) time.Time { return s(t) }

// ScheduleSpec is a schedule as written: every Every, or at the times of
// the cron expression Cron. The zero value is no schedule.
type ScheduleSpec struct {
	Every time.Duration
	Cron  string
}

// IsZero reports whether no schedule is given.
func (s ScheduleSpec) IsZero() bool { return s.Every == 0 && s.Cron == "" }

// String is the schedule as the config's schedule: key writes it.
func (s ScheduleSpec) String() string {
	if s.Cron != "" {
		return s.Cron
	}
	if s.Every != 0 {
		return s.Every.String()
	}
	return ""
}

// parseScheduleKey reads the config's schedule: key: a Go duration ("6h")
// is every that long, anything else a cron expression, as --every and
// --cron take them.
func parseScheduleKey(v string) (ScheduleSpec, error) {
	if d, err := time.ParseDuration(v); err == nil {
		if d <= 0 {
			return ScheduleSpec{}, fmt.Errorf("%q: want a positive duration like 6h, or a cron expression like \"0 */6 * * *\"", v)
		}
		return ScheduleSpec{Every: d}, nil
	}
	spec := ScheduleSpec{Cron: v}
	if _, err := parseCron(v); err != nil {
		return ScheduleSpec{}, fmt.Errorf("%q is neither a duration like 6h nor a cron expression: %v", v, err)
	}
	return spec, nil
}

// ScheduleOf is the schedule watch and worker run on: the flags' when
// they give one (flags override the config), else the config's
// schedule: key. The error says what to give when there is neither.
func (c Config) ScheduleOf(flags ScheduleSpec) (ScheduleSpec, Schedule, error) {
	if flags.IsZero() && !c.Schedule.IsZero() {
		next, err := ParseSchedule(c.Schedule.Every, c.Schedule.Cron)
		if err != nil { // Parse checked it; a hand-made Config may not be
			return ScheduleSpec{}, nil, fmt.Errorf("config %s: field schedule: %v", c.Source, err)
		}
		return c.Schedule, next, nil
	}
	if flags.IsZero() {
		return ScheduleSpec{}, nil, fmt.Errorf("give a schedule: --every DURATION or --cron EXPRESSION, or schedule: in the config")
	}
	next, err := ParseSchedule(flags.Every, flags.Cron)
	return flags, next, err
}

// ParseSchedule reads the schedule flags watch and worker share: every
// DURATION, or a standard five-field cron expression (in UTC unless it
// starts with CRON_TZ=ZONE). A cron expression that never fires (0 0 31 2 *)
// is refused, as it would otherwise make a run follow a run at once.
func ParseSchedule(every time.Duration, spec string) (Schedule, error) {
	switch {
	case every != 0 && spec != "":
		return nil, fmt.Errorf("give --every or --cron, not both")
	case every == 0 && spec == "":
		return nil, fmt.Errorf("give a schedule: --every DURATION or --cron EXPRESSION")
	case spec == "":
		if every <= 0 {
			return nil, fmt.Errorf("--every %v: want a positive duration", every)
		}
		return func(t time.Time) time.Time { return t.Add(every) }, nil
	}
	next, err := parseCron(spec)
	if err != nil {
		return nil, fmt.Errorf("--cron %q: %v", spec, err)
	}
	return next, nil
}

// parseCron reads a cron expression, refusing one that never fires.
func parseCron(spec string) (Schedule, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, err
	}
	next := func(t time.Time) time.Time { return sched.Next(t.UTC()) }
	if next(time.Now()).IsZero() {
		return nil, fmt.Errorf("this schedule never fires")
	}
	return next, nil
}

// Period is the time between two runs of the schedule: Every, or for a
// cron expression the gap between its next two times after now.
func (s ScheduleSpec) Period(next Schedule, now time.Time) time.Duration {
	if s.Cron == "" {
		return s.Every
	}
	first := next(now)
	return next(first).Sub(first)
}
