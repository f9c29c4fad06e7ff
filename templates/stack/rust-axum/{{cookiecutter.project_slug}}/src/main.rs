//! The server binary: `server serve` (the API), `server migrate` (the embedded migrations) and
//! `server healthcheck URL` (the container's probe: the runtime image has no curl). Bad settings stop it
//! with one line and exit status 1.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use server::config::Settings;
use server::model::Model;
use server::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => serve().await,
        Some("migrate") => migrate().await,
        Some("healthcheck") => {
            healthcheck(
                args.get(1)
                    .map_or("http://127.0.0.1:8080/health/live", String::as_str),
            )
            .await
        }
        _ => Err("usage: server serve | migrate | healthcheck [URL]".to_owned()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// JSON logs on stdout at LOG_LEVEL (an EnvFilter directive: info, debug, `server=debug,info`).
fn init_logs(level: &str) {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .init();
}

async fn serve() -> Result<(), String> {
    let settings = Settings::from_env()?;
    init_logs(&settings.log_level);
    let address = format!("{}:{}", settings.host, settings.port);
    let (app, router) = server::build(settings).await?;
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .map_err(|error| format!("cannot listen on {address}: {error}"))?;
    tracing::info!(address = %address, "listening");
    let stopping = Arc::clone(&app);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        stopping.stopping.store(true, Ordering::Relaxed);
        tracing::info!("shutting down: finishing the requests in flight");
    })
    .await
    .map_err(|error| error.to_string())
}

/// SIGTERM (the container runtime) or Ctrl-C.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// Applies the migrations: needs DATABASE_URL only.
async fn migrate() -> Result<(), String> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set".to_owned())?;
    let model = Model::load()?;
    let store = Store::connect(&url, !model.cookie_sessions()).await?;
    store.migrate().await?;
    println!("migrations applied");
    Ok(())
}

/// Exit 0 when GET `url` (http://host:port/path) answers 200 within 3 seconds.
async fn healthcheck(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("healthcheck takes an http:// URL")?;
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let probe = async {
        let mut stream = TcpStream::connect(authority)
            .await
            .map_err(|error| error.to_string())?;
        let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|error| error.to_string())?;
        let mut head = [0_u8; 12];
        stream
            .read_exact(&mut head)
            .await
            .map_err(|error| error.to_string())?;
        if head.starts_with(b"HTTP/1.1 200") {
            Ok(())
        } else {
            Err(format!("{url}: {}", String::from_utf8_lossy(&head)))
        }
    };
    tokio::time::timeout(Duration::from_secs(3), probe)
        .await
        .map_err(|_| format!("{url}: no answer within 3 s"))?
}
