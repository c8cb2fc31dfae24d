package worker

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteStatus writes the table of `relwatch worker --status`: a row per
// host job (round, host, state, attempts, the workers that took it, when
// it finished, its last error), or a line saying no worker has run.
func WriteStatus(out io.Writer, jobs []HostJob) error {
	if len(jobs) == 0 {
		_, err := fmt.Fprintln(out, "no worker has run on this archive yet")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROUND\tHOST\tSTATE\tATTEMPTS\tWORKERS\tFINISHED\tLAST ERROR")
	for _, j := range jobs {
		finished := "-"
		if j.Finished != nil {
			finished = j.Finished.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", j.Round.Format(time.RFC3339), j.Host, j.State, j.Attempts,
			strings.Join(j.Workers, ", "), finished, j.LastError)
	}
	return tw.Flush()
}
