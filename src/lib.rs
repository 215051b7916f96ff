//! obsmon: index and monitor the FITS images of a radio imaging pipeline.
//!
//! The data flow: discovery ([`ingest::scan`]) -> workers that read each file
//! ([`ingest::worker`], [`fits`], [`analysis`]) -> one redb store ([`store`]) -> readers (the CLI
//! queries). See README.md for the commands.

#![warn(missing_docs)]

pub mod analysis;
pub mod api;
pub mod config;
pub mod fits;
pub mod health;
pub mod ingest;
pub mod metrics;
pub mod output;
pub mod sky;
pub mod stats;
pub mod store;
pub mod synth;
pub mod tui;
