//! The command line (clap derive). The interface contract lives in DESIGN.md; keep them in step.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "sm-board",
    version,
    about = "A terminal kanban board for GitLab triage workflows built on scoped labels",
    long_about = "A terminal kanban board for GitLab triage workflows built on scoped labels.\n\n\
        With no GitLab configured, `sm-board` opens the demo board."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Accepted before or after the subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Config file [default: <config dir>/sm-board/config.toml]
    #[arg(long, global = true, env = "SM_BOARD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Cache database [default: <data dir>/sm-board/<host>/<group-or-project>.sqlite3]
    #[arg(long, global = true, env = "SM_BOARD_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// GitLab base URL [env: SM_BOARD_GITLAB_URL]
    #[arg(long, global = true, env = "SM_BOARD_GITLAB_URL", value_name = "URL")]
    pub gitlab_url: Option<String>,
    /// GitLab group path (issues of all its projects) [env: SM_BOARD_GROUP]
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "project")]
    pub group: Option<String>,
    /// GitLab project path [env: SM_BOARD_PROJECT]
    #[arg(long, global = true, value_name = "PATH")]
    pub project: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the board on demo data, in a throwaway cache (or --db FILE to keep it)
    Demo {
        /// Generate N synthetic requests instead of the bundled board
        #[arg(long, value_name = "N")]
        issues: Option<usize>,
        /// Seed for --issues
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Start with the demo's GitLab unreachable: edits queue, as on a train
        #[arg(long)]
        offline: bool,
    },
    /// Push queued edits, then pull changes; exit 0 only when everything is in step
    Sync {
        /// Fetch every issue and drop those GitLab no longer lists
        #[arg(long)]
        full: bool,
    },
    /// Settle a conflict or a refused edit: keep yours (push it again) or take GitLab's version
    Resolve {
        reference: String,
        /// Keep your edit (it is pushed, replacing GitLab's value)
        #[arg(long, conflicts_with = "theirs", required_unless_present = "theirs")]
        mine: bool,
        /// Take GitLab's version (your edit is dropped)
        #[arg(long)]
        theirs: bool,
    },
    /// Standup summary from the cache (offline, never touches the network)
    Status {
        #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
        format: StatusFormat,
        /// What "moved since" covers: a date (2026-11-20), an RFC 3339 time, or 3d / 36h ago;
        /// default: the start of the previous working day
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Show confidential requests' titles in markdown too (left out by default, as
        /// markdown is made to be pasted elsewhere)
        #[arg(long)]
        include_confidential: bool,
    },
    /// Print the board once, as text, with the TUI's own renderer
    Board {
        #[arg(long, value_name = "W")]
        width: Option<u16>,
        #[arg(long, value_name = "H")]
        height: Option<u16>,
    },
    /// Queue a move of a request to another state (REF: 12, #12, group/proj#12 or URL)
    Move {
        reference: String,
        state: String,
        /// Confirm an unusual move without asking
        #[arg(long, short = 'y')]
        yes: bool,
        /// Team label, when the target state needs one
        #[arg(long, value_name = "TEAM")]
        team: Option<String>,
        /// Assignee username, when the target state needs one
        #[arg(long, value_name = "USER")]
        assignee: Option<String>,
        /// Milestone title, when no single current-quarter milestone exists
        #[arg(long, value_name = "TITLE")]
        milestone: Option<String>,
    },
    /// Serve a fake GitLab (tests, benchmarks, trying things out); prints its URL on stdout
    FakeGitlab {
        /// Address to listen on (port 0 picks a free port)
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
        listen: std::net::SocketAddr,
        /// Generate N synthetic requests instead of the bundled board
        #[arg(long, value_name = "N")]
        issues: Option<usize>,
        /// Seed for --issues
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Seed from a JSON array of issues in GitLab's API shape
        #[arg(long, value_name = "FILE", conflicts_with = "issues")]
        data: Option<PathBuf>,
        /// Delay every API response by L milliseconds
        #[arg(long, value_name = "L", default_value_t = 0)]
        latency_ms: u64,
        /// The token clients must send (PRIVATE-TOKEN or Bearer)
        #[arg(long, value_name = "T", default_value = crate::fake_gitlab::DEFAULT_TOKEN)]
        token: String,
        /// Failures for the first API requests, in order: 500, 502, 503, 429, 429:SECS, drop
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        faults: Vec<String>,
        /// Fraction (0..1) of API requests that fail with a random 500/502/503
        #[arg(long, value_name = "R")]
        error_rate: Option<f64>,
        /// Also accept this OAuth access token (only as `Authorization: Bearer`, as GitLab does)
        #[arg(long, value_name = "T")]
        oauth_token: Vec<String>,
        /// Behave like `gitlab.com` (RateLimit-* headers only on the 429) or `self-managed`
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// Requests allowed per minute before a 429 (default 2000; 0: no limit)
        #[arg(long, value_name = "N")]
        rate_limit: Option<u64>,
        /// Serve HTTPS with this PEM certificate chain (needs --tls-key)
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key for --tls-cert
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Queue label changes: `p::1` replaces any other p:: label; remove with --remove NAME
    /// (or `-NAME` after `--`)
    Label {
        reference: String,
        #[arg(value_name = "LABEL")]
        labels: Vec<String>,
        /// A label to remove (repeatable)
        #[arg(long, value_name = "NAME")]
        remove: Vec<String>,
    },
}
