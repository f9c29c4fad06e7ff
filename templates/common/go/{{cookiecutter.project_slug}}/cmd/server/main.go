// Command server runs the API: `server serve` (the default), `server migrate` (applies the database
// migrations) and `server healthcheck URL` (exit 0 when URL answers 200: the container's HEALTHCHECK, the
// runtime image having no curl). Settings come from the environment (internal/config).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"{{ cookiecutter.project_slug }}/internal/config"
	"{{ cookiecutter.project_slug }}/internal/model"
	"{{ cookiecutter.project_slug }}/internal/server"
	"{{ cookiecutter.project_slug }}/internal/service"
	"{{ cookiecutter.project_slug }}/internal/store"
	"{{ cookiecutter.project_slug }}/internal/web"
)

func main() {
	command := "serve"
	if len(os.Args) > 1 {
		command = os.Args[1]
	}
	var err error
	switch command {
	case "serve":
		err = serve()
	case "migrate":
		err = migrate()
	case "healthcheck":
		err = healthcheck(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (serve, migrate, healthcheck URL)", command)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", strings.ReplaceAll(err.Error(), "\n", "; "))
		os.Exit(1)
	}
}

func logger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: l}))
}

func migrate() error {
	databaseURL := os.Getenv("DATABASE_URL")
	if databaseURL == "" {
		return errors.New("DATABASE_URL is not set")
	}
	m, err := model.Load()
	if err != nil {
		return err
	}
	st, err := store.Open(databaseURL, m)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.Migrate(context.Background())
}

func serve() error {
	settings, err := config.FromEnvironment()
	if err != nil {
		return err
	}
	log := logger(settings.LogLevel)
	slog.SetDefault(log)
	m, err := model.Load()
	if err != nil {
		return err
	}
	st, err := store.Open(settings.DatabaseURL, m)
	if err != nil {
		return err
	}
	defer st.Close()
	api, err := service.New(settings, m, st, log)
	if err != nil {
		return err
	}
	var metrics *web.Metrics
	if m.Metrics {
		metrics = web.NewMetrics()
	}
	srv := &http.Server{
		Addr:              net.JoinHostPort(settings.Host, strconv.Itoa(settings.Port)),
		Handler:           web.Wrap(server.New(api, metrics), log, metrics),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	failed := make(chan error, 1)
	go func() {
		log.Info("listening", "address", srv.Addr)
		if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			failed <- err
		}
		close(failed)
	}()
	select {
	case err := <-failed:
		return err
	case <-ctx.Done():
	}
	// graceful shutdown: stop accepting, let the requests in flight finish (at most 20 s)
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func healthcheck(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: server healthcheck URL")
	}
	client := &http.Client{Timeout: 3 * time.Second}
	response, err := client.Get(args[0])
	if err != nil {
		return err
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", args[0], response.StatusCode)
	}
	return nil
}
