//! The `classbridge` binary's library: configuration, the command line, and the server's start and stop, so that
//! tests build the very server the binary runs.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod listen;
pub mod spool;
pub mod telemetry;

pub use app::Application;
pub use config::Config;
