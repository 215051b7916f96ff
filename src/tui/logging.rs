//! Logging while the dashboard owns the terminal: tracing events go to the Log tab's buffer,
//! never to stderr (which would scribble over the screen).

use std::fmt::Write as _;

use chrono::Utc;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

use super::data::{push_log, LogBuf, LogLine};

struct BufLayer {
    buf: LogBuf,
    max: Level,
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for BufLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let level = *event.metadata().level();
        if level > self.max {
            return;
        }
        let mut m = Message(String::new());
        event.record(&mut m);
        push_log(
            &self.buf,
            LogLine {
                at: Utc::now(),
                level: level.to_string(),
                text: m.0,
            },
        );
    }
}

/// Sends tracing events at `info` and above (`-v`: debug) to `buf`. Returns false when a
/// subscriber was already installed.
pub fn init(buf: LogBuf, verbose: u8) -> bool {
    let max = if verbose >= 2 {
        Level::DEBUG
    } else {
        Level::INFO
    };
    let filter = tracing_subscriber::filter::LevelFilter::from_level(max);
    tracing_subscriber::registry()
        .with(BufLayer { buf, max }.with_filter(filter))
        .try_init()
        .is_ok()
}
