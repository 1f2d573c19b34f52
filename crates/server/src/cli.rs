//! The command line: `classbridge <command>`, each with `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::FlagOverrides;

#[derive(Debug, Parser)]
#[command(
    name = "classbridge",
    version,
    about = "The server of a learning platform for schools: the partner API \
    (Jusoor-compatible), the ClassIn-compatible scheduling API, single sign-on and the web pages.",
    after_help = "Configuration: defaults → classbridge.toml → CLASSBRIDGE_* environment → flags.\n\
    Exit codes: 0 success, 1 failure (the message says why), 2 wrong usage."
)]
pub struct Cli {
    /// A configuration file (default: ./classbridge.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Folder of the embedded database and the master key [default: ./data].
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); without it the embedded SQLite database is used.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a `demo` tenant with a partner and a ClassIn credential (or reuse them), print them, and serve.
    Quickstart(ServeArgs),
    /// Serve the APIs and web pages (and run job workers unless --workers 0).
    Serve(ServeArgs),
    /// Run job workers only, for scaled-out deployments on PostgreSQL.
    Worker(WorkerArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage partner-API credentials (tokens).
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// Manage ClassIn-API credentials (SID and SECRET).
    #[command(subcommand, name = "classin-credential")]
    ClassinCredential(ClassinCredentialCommand),
}

#[derive(Debug, Args, Clone, Default)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Job workers in this process (0: none).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Serve tenants at {slug}.DOMAIN and check the Host against the token's tenant.
    #[arg(long, value_name = "DOMAIN")]
    pub base_domain: Option<String>,
    /// The public address for links the server gives out (default: http:// + the bound address).
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct WorkerArgs {
    /// Concurrent job workers.
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant.
    Create {
        /// The slug: [a-z0-9][a-z0-9-]{0,62}, the tenant's subdomain.
        slug: String,
        /// A display name (default: the slug).
        #[arg(long)]
        name: Option<String>,
    },
    /// List tenants.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Disable a tenant: its credentials are refused from the next request on.
    Disable { slug: String },
    /// Enable a disabled tenant again.
    Enable { slug: String },
    /// Set where the tenant's lessons take place: a video-room URL template naming {lesson_id} (and optionally
    /// {tenant} and {course_id}), e.g. https://meet.example.org/{tenant}-{lesson_id}.
    #[command(name = "video-room")]
    VideoRoom {
        slug: String,
        /// The URL template.
        #[arg(required_unless_present = "clear", conflicts_with = "clear")]
        template: Option<String>,
        /// Remove the template: entering a lesson then only records attendance.
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Create a partner credential; its token is printed once.
    Create {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        /// The origin partner calls carry in `referer`, e.g. https://sis.example.org.
        #[arg(long)]
        referer: String,
        /// A name to recognise it by.
        #[arg(long, default_value = "partner")]
        name: String,
        /// Limit the credential to one branch (the partner's branch id).
        #[arg(long, value_name = "BRANCH_ID")]
        branch: Option<i64>,
        /// Requests per minute (0: unlimited; default: the server's setting).
        #[arg(long, value_name = "N")]
        rate_limit: Option<i64>,
    },
    /// List credentials (never their tokens).
    List {
        /// Only this tenant's.
        #[arg(long)]
        tenant: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a credential: refused from the next request on.
    Revoke { id: i64 },
    /// Give a credential a new token (printed once); the old one is refused from now on.
    Rotate { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum ClassinCredentialCommand {
    /// Create a ClassIn credential; its SECRET is printed once.
    Create {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        /// A name to recognise it by.
        #[arg(long, default_value = "classin")]
        name: String,
        /// Use this SID (a positive integer) instead of the next free one.
        #[arg(long)]
        sid: Option<i64>,
    },
    /// List ClassIn credentials (never their secrets).
    List {
        /// Only this tenant's.
        #[arg(long)]
        tenant: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a ClassIn credential by its SID.
    Revoke { sid: i64 },
    /// Set the school's receiving URL for pushes (ClassIn's data subscription): http://… (this build sends over
    /// plain HTTP; put a TLS-terminating proxy in front of an https receiver).
    #[command(name = "push-url")]
    PushUrl {
        sid: i64,
        /// The receiving URL.
        #[arg(required_unless_present = "clear", conflicts_with = "clear")]
        url: Option<String>,
        /// Stop pushing to this SID (messages already waiting stay pending).
        #[arg(long)]
        clear: bool,
    },
    /// The push queues, per SID: receiving URL, pending messages, the oldest pending, delivered, last error.
    Pushes {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

impl Cli {
    /// The flags that override configuration for this command.
    pub fn flag_overrides(&self) -> FlagOverrides {
        let mut flags = FlagOverrides {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            ..Default::default()
        };
        match &self.command {
            Command::Quickstart(serve) | Command::Serve(serve) => {
                flags.bind = serve.bind.clone();
                flags.workers = serve.workers;
                flags.base_domain = serve.base_domain.clone();
                flags.public_url = serve.public_url.clone();
            }
            Command::Worker(worker) => flags.workers = worker.workers,
            _ => {}
        }
        flags
    }
}
