package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/store/audit"
	"github.com/czyj/credwatch/tui"
	"github.com/czyj/credwatch/tui/serve"
)

// runServe runs the SSH server (docs/serve.md): one sync engine and one
// cache shared by every officer who logs in with an authorised key, each
// seeing their departments and acting only as their role allows. It runs
// until SIGINT or SIGTERM, then tells every session goodbye and closes.
func (a *app) runServe(args []string) int {
	fs := newFlags("serve")
	listen := fs.String("listen", "", "flag.serve.listen")
	hostKey := fs.String("host-key", "", "flag.serve.host-key")
	authKeys := fs.String("authorized-keys", "", "flag.serve.authorized-keys")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	favourInput() // background.go
	if fs.NArg() > 0 {
		usageError(&env{stderr: a.stderr}, "serve", "unexpected argument %q", fs.Arg(0))
		return 2
	}
	cfg, err := a.cfg.Serve.withDefaults()
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 2
	}
	cfg.Listen = firstNonEmpty(*listen, cfg.Listen)
	cfg.HostKey = firstNonEmpty(*hostKey, cfg.HostKey)
	cfg.AuthorizedKeys = firstNonEmpty(*authKeys, cfg.AuthorizedKeys)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	db, err := a.openCache(false)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 1
	}
	defer db.Close()
	limit := setServeMemory(db)
	a.log.Debug("serve memory", "limit_mb", limit>>20)
	al, err := audit.Open(auditDir(cfg, db.Path()), cfg.AuditRetentionDays)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 1
	}
	defer al.Close()
	s, err := serve.New(a.serveConfig(db, al, cfg))
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 1
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				s.Reload()
			}
		}
	}()
	if err := s.ListenAndServe(ctx); err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 1
	}
	return 0
}

// serveConfig wires the server (tui/serve) to this configuration: the
// [serve] table cfg, the cache db and its sync role, the audit trail al,
// the plain-text commands, the view's settings and the logger.
func (a *app) serveConfig(db *store.DB, al *audit.Log, cfg ServeConfig) serve.Config {
	auditPath := auditDir(cfg, db.Path())
	log := a.log.With("cmd", "serve")
	cmds := map[string]serve.Command{
		"status": func(_ context.Context, inv serve.Invocation) int { return a.session(inv).runStatus(inv.Args) },
		"check":  func(_ context.Context, inv serve.Invocation) int { return a.session(inv).runCheck(inv.Args) },
		"tail":   func(ctx context.Context, inv serve.Invocation) int { return a.session(inv).tail(ctx, inv.Args) },
		"export": func(_ context.Context, inv serve.Invocation) int { return a.session(inv).runExport(inv.Args) },
		"report": func(_ context.Context, inv serve.Invocation) int { return a.session(inv).runReport(inv.Args) },
		"audit": func(ctx context.Context, inv serve.Invocation) int {
			return a.session(inv).readAudit(ctx, auditPath, inv.Args)
		},
	}
	return serve.Config{
		Listen: cfg.Listen, HostKey: cfg.HostKey, AuthorizedKeys: cfg.AuthorizedKeys,
		IdleTimeout: cfg.IdleTimeout.Duration, MaxSessions: cfg.MaxSessions, MaxSessionsPerKey: cfg.MaxSessionsPerKey,
		HandshakeTimeout: cfg.HandshakeTimeout.Duration, MaxUnauthenticated: cfg.MaxUnauthenticated,
		BackoffExempt: cfg.BackoffExempt, KeepKeysOnError: cfg.KeepKeysOnError,
		DB: db, Audit: al, Depts: a.depts, Lang: a.lang, Version: version,
		Sync: serveSyncer{&syncer{a: a, db: db, command: "credwatch serve", log: log.With("role", "sync")}},
		View: func(scope credit.Scope) tui.Deps {
			d := a.withScope(io.Discard, io.Discard, scope).tuiDeps(db.Path())
			// Each key's officer's views, in the server's state directory.
			d.Views = viewStore(scope.Officer, a.demo)
			d.Keys = a.cfg.Keys
			scoped := db.Scoped(scope)
			d.Activity = func(since time.Time) ([]credit.Event, error) { return scoped.EventsSince(since, activityLimit) }
			return d
		},
		Warnings: a.cfg.warnings,
		Commands: cmds, FollowEvery: followEvery,
		Pace:   true,
		Logger: log,
	}
}

// session is the app as one SSH session's command sees it: its output,
// the key's officer, departments and role, and the events it may show.
func (a *app) session(inv serve.Invocation) *app {
	sa := a.withScope(inv.Stdout, inv.Stderr, inv.Scope)
	sa.eventFilter = inv.Visible
	return sa
}

// withScope is a copy of a writing to out and errOut, for scope.
func (a *app) withScope(out, errOut io.Writer, scope credit.Scope) *app {
	sa := *a
	sa.stdout, sa.stderr, sa.scope = out, errOut, scope
	sa.binStdout = nil // out is the session's, not re-encoded
	return &sa
}

// serveSyncer gives the server the sync role (serve.Syncer).
type serveSyncer struct{ *syncer }

func (s serveSyncer) Run(ctx context.Context) { s.run(ctx) }

// auditDir is where the server keeps its audit trail: audit_dir, else
// "audit" next to the cache.
func auditDir(cfg ServeConfig, cachePath string) string {
	if cfg.AuditDir != "" {
		return cfg.AuditDir
	}
	return filepath.Join(filepath.Dir(cachePath), "audit")
}
