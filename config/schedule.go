package config

import (
	"fmt"
	"time"

	cron "github.com/netresearch/go-cron"
)

// Schedule gives the time of the next run after t.
type Schedule func(t time.Time) time.Time

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
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("--cron %q: %v", spec, err)
	}
	next := func(t time.Time) time.Time { return sched.Next(t.UTC()) }
	if next(time.Now()).IsZero() {
		return nil, fmt.Errorf("--cron %q: this schedule never fires", spec)
	}
	return next, nil
}
