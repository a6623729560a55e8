package sqlsource

import (
	"context"
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
)

// TableReport is what Probe found out about one kind's table.
type TableReport struct {
	Kind     credit.Kind
	Table    string
	Mapped   int      // fields with a column
	Missing  []string // fields without one (empty in every record)
	Rows     int64    // rows with a change value: what a sync reads
	NoChange int64    // rows whose change column is NULL: never read
	Read     int      // rows of the first page read
	Refused  int      // of those, quarantined by the same checks a sync applies
	Reason   string   // the first refusal's reason
	Writable bool     // PostgreSQL: the account may INSERT, UPDATE or DELETE here
	Err      error    // the table could not be read (redacted)
}

// Probe connects, and reads every table as a sync's first page would,
// without storing anything: for `credwatch source test`. It fails only if
// the database cannot be reached; each table's own problem is in its
// report.
func (s *Source) Probe(ctx context.Context, sample int) (time.Duration, []TableReport, error) {
	start := time.Now()
	pctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	err := s.db.PingContext(pctx)
	cancel()
	if err != nil {
		return 0, nil, s.redactErr(err)
	}
	took := time.Since(start)
	var out []TableReport
	for _, k := range s.Kinds() {
		rep := TableReport{Kind: k, Table: s.cfg.Tables[k].Name}
		tq, err := s.table(ctx, k)
		if err != nil {
			rep.Err = s.redactErr(err)
			out = append(out, rep)
			continue
		}
		rep.Mapped, rep.Missing = len(tq.fields), tq.missing
		count := func(where string, n *int64) error {
			return s.query(ctx, "SELECT COUNT(*) FROM "+tq.table.Name+" WHERE "+s.dia.quote(tq.chgCol)+where, nil, func(_ []string, v []any) error {
				_, err := fmt.Sscan(cell{v[0]}.text(), n)
				return err
			})
		}
		if err = count(" IS NOT NULL", &rep.Rows); err == nil {
			err = count(" IS NULL", &rep.NoChange)
		}
		if err != nil {
			rep.Err = s.redactErr(err)
			out = append(out, rep)
			continue
		}
		if s.dia.name == Postgres {
			_ = s.query(ctx, "SELECT has_table_privilege($1, 'INSERT') OR has_table_privilege($1, 'UPDATE') OR has_table_privilege($1, 'DELETE')",
				[]any{tq.table.Name}, func(_ []string, v []any) error {
					rep.Writable, _ = v[0].(bool)
					return nil
				})
		}
		sp, err := s.readPage(ctx, k, "", sample)
		if err != nil {
			rep.Err = s.redactErr(err)
			out = append(out, rep)
			continue
		}
		rep.Read = len(sp.Items)
		for i := range sp.Items {
			if _, q := credsync.CheckSourceItem(s.cfg.Name, string(k), &sp.Items[i], time.Now()); q != nil {
				rep.Refused++
				if rep.Reason == "" {
					rep.Reason = q.Key + ": " + q.Reason
				}
			}
		}
		out = append(out, rep)
	}
	return took, out, nil
}
