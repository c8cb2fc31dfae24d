//go:build !unix

package scraper

import "time"

func processCPU() time.Duration { return 0 }
