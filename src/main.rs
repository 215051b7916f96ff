//! The `obsmon` binary: argument parsing and dispatch. The work is in the library.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Stable exit codes (README.md "Exit codes").
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// Some files failed to index (the rest are indexed).
    pub const SOME_FAILED: u8 = 1;
    /// Usage or database error: nothing was written.
    pub const ERROR: u8 = 2;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dashboard = commands::wants_dashboard(&cli);
    let log = obsmon::tui::data::LogBuf::default();
    if dashboard {
        // The screen belongs to the dashboard: events go to its Log tab.
        obsmon::tui::logging::init(log.clone(), cli.verbose);
    } else {
        init_logging(
            cli.verbose,
            matches!(cli.command, Some(Command::Watch { .. })),
        );
    }
    let config = match obsmon::config::Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("obsmon: {e}");
            return ExitCode::from(exit::ERROR);
        }
    };
    obsmon::ingest::scan::set_extra_ignores(config.watch.ignore.clone());
    let db = config.db_path(cli.db.clone());
    let cfg = &config;
    let result = match cli.command {
        _ if cli.index_only => commands::index(cfg, &db, &cli.dirs, &cli.index),
        None if !cli.dirs.is_empty() => {
            commands::tui(cfg, &db, &cli.dirs, None, cli.tui.clone(), cli.serve, log)
        }
        None if dashboard => commands::demo_tui(cfg, 1024, 3.0, cli.tui.clone(), cli.serve, log),
        None => commands::demo(8, 1024),
        Some(Command::Tui { dirs, flags, tui }) => {
            let serve = flags.serve;
            commands::tui(cfg, &db, &dirs, Some(flags), tui, serve, log)
        }
        Some(Command::Demo {
            size, cadence, tui, ..
        }) if dashboard => commands::demo_tui(cfg, size, cadence, tui, None, log),
        Some(Command::Index { dirs, flags }) => commands::index(cfg, &db, &dirs, &flags),
        Some(Command::Watch { dirs, flags }) => commands::watch(cfg, &db, &dirs, flags),
        Some(Command::Serve { addr }) => commands::serve(cfg, &db, addr),
        Some(Command::Health { json }) => commands::health(cfg, &db, json),
        Some(Command::Stats { json }) => commands::stats(&db, json),
        Some(Command::Runs { json, limit }) => commands::runs(cfg, &db, json, limit),
        Some(Command::Metrics) => commands::metrics(cfg, &db),
        Some(Command::Config { default }) => commands::config(cfg, default),
        Some(Command::Images {
            json,
            csv,
            limit,
            since,
            kind,
            field,
            missing,
        }) => commands::images(&db, json, csv, limit, since, kind, field, missing),
        Some(Command::Jobs { state, json, limit }) => commands::jobs(&db, state, json, limit),
        Some(Command::Show { target, json }) => commands::show(&db, &target, json),
        Some(Command::Sources {
            json,
            csv,
            cone,
            variable,
            min_detections,
            sort,
            limit,
        }) => commands::sources(&db, json, csv, cone, variable, min_detections, sort, limit),
        Some(Command::Lightcurve { source, json, csv }) => {
            commands::lightcurve(&db, &source, json, csv)
        }
        Some(Command::Detections { image, json }) => commands::detections(&db, &image, json),
        Some(Command::Synth {
            dir,
            count,
            size,
            seed,
            sources,
        }) => commands::synth(&dir, count, size, seed, sources),
        Some(Command::Demo { count, size, .. }) => commands::demo(count, size),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "obsmon", &mut std::io::stdout());
            Ok(exit::OK)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(exit::OK),
        Err(e) => {
            eprintln!("obsmon: {e:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// `obsmon images | head` closes the pipe early: not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Quiet by default (cron mails whatever is printed): errors only, unless -v or RUST_LOG.
/// `watch` logs warnings by default (a service's journal), other commands only errors.
fn init_logging(verbose: u8, watching: bool) {
    let default = match verbose {
        0 if watching => "warn",
        0 => "error",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
