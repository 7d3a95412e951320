//! The command line (clap derive). The interface contract lives in DESIGN.md; keep them in step.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// Subcommands that read no config, cache or GitLab settings: their help leaves the global
/// flags out (they are still accepted, so a flag in a shell alias does no harm).
const WITHOUT_GLOBAL_FLAGS: [&str; 3] = ["fake-gitlab", "completions", "man"];
/// The ids of `GlobalArgs`' flags.
const GLOBAL_FLAGS: [&str; 5] = ["config", "db", "gitlab_url", "group", "project"];

/// The command line as parsed and as documented (help, completions, man page).
pub fn command() -> clap::Command {
    let command = Cli::command();
    // A subcommand's own hidden copy of a flag keeps the global one out of its help.
    let hidden: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|arg| GLOBAL_FLAGS.contains(&arg.get_id().as_str()))
        .map(|arg| arg.clone().global(false).hide(true))
        .collect();
    WITHOUT_GLOBAL_FLAGS.iter().fold(command, |command, name| {
        if command.find_subcommand(name).is_none() {
            return command; // fake-gitlab is not in a build without the fake-gitlab feature
        }
        command.mut_subcommand(name, |sub| sub.args(hidden.iter().cloned()))
    })
}

/// Parses the process's arguments (exits with clap's message on an error, as `Cli::parse`).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit())
}

#[derive(Debug, Parser)]
#[command(
    name = "sm-board",
    version,
    about = "A terminal kanban board for GitLab triage workflows built on scoped labels",
    long_about = "A terminal kanban board for GitLab triage workflows built on scoped labels.\n\n\
        With no GitLab configured, `sm-board` opens the demo board.",
    after_help = "The token comes from GITLAB_TOKEN, GITLAB_ACCESS_TOKEN or OAUTH_TOKEN, else \
        `token` under [gitlab] in the config file, else glab's login for the same host.\n\
        The config file is <config dir>/sm-board/config.toml (~/.config/sm-board/config.toml on \
        Linux); assets/config.example.toml lists every setting."
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
    #[arg(
        long,
        global = true,
        env = "SM_BOARD_CONFIG",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    /// Cache database [default: <data dir>/sm-board/<host>/<group-or-project>.sqlite3]
    #[arg(
        long,
        global = true,
        env = "SM_BOARD_DB",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub db: Option<PathBuf>,
    /// GitLab base URL
    #[arg(
        long,
        global = true,
        env = "SM_BOARD_GITLAB_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub gitlab_url: Option<String>,
    /// GitLab group path (issues of all its projects); SM_BOARD_GROUP when neither --group nor
    /// --project is given
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "project")]
    pub group: Option<String>,
    /// GitLab project path; SM_BOARD_PROJECT when neither --group nor --project is given
    #[arg(long, global = true, value_name = "PATH")]
    pub project: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Table,
    Markdown,
    Json,
}

/// How a list is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the board on demo data, in a throwaway cache (or --db FILE to keep it)
    #[cfg(feature = "fake-gitlab")]
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
        /// The request: 12, #12, group/project#12 or its URL
        #[arg(value_name = "REFERENCE")]
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
        /// table (coloured on a terminal), markdown (to paste into a doc or an issue) or json
        /// (for scripts)
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
    /// Suggest the team, use case, priority and other fields of a request, learned offline
    /// from the requests the team already triaged
    Suggest {
        /// The request: 12, #12, group/project#12 or its URL (not with --evaluate)
        #[arg(
            value_name = "REFERENCE",
            required_unless_present = "evaluate",
            conflicts_with = "evaluate"
        )]
        reference: Option<String>,
        /// Train on the older 80% of the cache and test on the newer 20%: accuracy, coverage
        /// at the threshold and the majority-value baseline, per field
        #[arg(long)]
        evaluate: bool,
        /// table (for people) or json (for scripts)
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// The cached requests most like this one (open, or closed in the last 180 days): possible
    /// duplicates
    Similar {
        /// The request: 12, #12, group/project#12 or its URL
        #[arg(value_name = "REFERENCE")]
        reference: String,
        /// table (for people) or json (for scripts)
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print the board once, as text, with the TUI's own renderer
    Board {
        /// Width in columns [default: the terminal's, else 160]
        #[arg(long, value_name = "W")]
        width: Option<u16>,
        /// Height in lines [default: the terminal's, else 48]
        #[arg(long, value_name = "H")]
        height: Option<u16>,
    },
    /// Queue a move of a request to another state, then push it
    Move {
        /// The request: 12, #12, group/project#12 or its URL
        #[arg(value_name = "REFERENCE")]
        reference: String,
        /// The state to move to (backlog, assigned, ...; the `sm_req::` prefix may be left out)
        #[arg(value_name = "STATE")]
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
    /// Print a completion script for bash, zsh, fish, elvish or powershell
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), for `man -l -` or a man directory
    Man,
    /// Serve a fake GitLab (tests, benchmarks, trying things out); prints its URL on stdout
    #[cfg(feature = "fake-gitlab")]
    FakeGitlab(FakeGitlabArgs),
    /// Queue label changes: `p::1` replaces any other p:: label; remove with --remove NAME
    /// (or `-NAME` after `--`)
    Label {
        /// The request: 12, #12, group/project#12 or its URL
        #[arg(value_name = "REFERENCE")]
        reference: String,
        /// Labels to add; a scoped one (`p::1`) replaces its key's other value
        #[arg(value_name = "LABEL")]
        labels: Vec<String>,
        /// A label to remove (repeatable)
        #[arg(long, value_name = "NAME")]
        remove: Vec<String>,
    },
}

/// What `sm-board fake-gitlab` serves, and how.
#[cfg(feature = "fake-gitlab")]
#[derive(Debug, Clone, Args)]
pub struct FakeGitlabArgs {
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    /// Generate N synthetic requests instead of the bundled board
    #[arg(long, value_name = "N")]
    pub issues: Option<usize>,
    /// Seed for --issues
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Seed from a JSON array of issues in GitLab's API shape
    #[arg(long, value_name = "FILE", conflicts_with = "issues")]
    pub data: Option<PathBuf>,
    /// Delay every API response by L milliseconds
    #[arg(long, value_name = "L", default_value_t = 0)]
    pub latency_ms: u64,
    /// The token clients must send (PRIVATE-TOKEN or Bearer)
    #[arg(long, value_name = "T", default_value = crate::fake_gitlab::DEFAULT_TOKEN)]
    pub token: String,
    /// Failures for the first API requests, in order: 500, 502, 503, 429, 429:SECS, drop
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub faults: Vec<String>,
    /// Fraction (0..1) of API requests that fail with a random 500/502/503
    #[arg(long, value_name = "R")]
    pub error_rate: Option<f64>,
    /// Also accept this OAuth access token (only as `Authorization: Bearer`, as GitLab does)
    #[arg(long, value_name = "T")]
    pub oauth_token: Vec<String>,
    /// Behave like `gitlab.com` (RateLimit-* headers only on the 429) or `self-managed`
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Requests allowed per minute before a 429 (default 2000; 0: no limit)
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u64>,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key for --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_argument_and_option_says_what_it_is_for() {
        let command = Cli::command();
        let mut missing = Vec::new();
        let mut check = |owner: &str, args: Vec<&clap::Arg>| {
            for arg in args {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{owner} {id}"));
                }
            }
        };
        check("sm-board", command.get_arguments().collect());
        for sub in command.get_subcommands() {
            check(sub.get_name(), sub.get_arguments().collect());
            assert!(
                sub.get_about().is_some(),
                "{} has no summary",
                sub.get_name()
            );
        }
        assert!(missing.is_empty(), "without help: {missing:?}");
    }

    #[test]
    fn subcommands_that_ignore_the_global_flags_do_not_list_them() {
        // Help as a user sees it (global flags reach subcommands when the command is built).
        let help = |name: &str| match command().try_get_matches_from(["sm-board", name, "--help"]) {
            Err(shown) if shown.kind() == clap::error::ErrorKind::DisplayHelp => shown.to_string(),
            other => panic!("{other:?}"),
        };
        for name in ["completions", "man"] {
            let text = help(name);
            assert!(
                !text.contains("--db") && !text.contains("--gitlab-url"),
                "{text}"
            );
        }
        #[cfg(feature = "fake-gitlab")]
        {
            let text = help("fake-gitlab");
            assert!(
                !text.contains("--db") && !text.contains("--config"),
                "{text}"
            );
            assert!(text.contains("--listen"), "{text}");
        }
        let status = help("status");
        assert!(
            status.contains("--db") && status.contains("--gitlab-url"),
            "{status}"
        );
        // Still accepted where hidden.
        let parsed = command().try_get_matches_from(["sm-board", "man", "--db", "x.sqlite3"]);
        assert!(parsed.is_ok(), "{parsed:?}");
    }

    #[test]
    fn help_names_each_variable_once_and_says_where_the_token_comes_from() {
        let help = Cli::command().render_long_help().to_string();
        for name in [
            "SM_BOARD_GITLAB_URL",
            "SM_BOARD_DB",
            "SM_BOARD_CONFIG",
            "SM_BOARD_GROUP",
        ] {
            assert_eq!(help.matches(name).count(), 1, "{name} in:\n{help}");
        }
        assert!(
            help.contains("GITLAB_TOKEN") && help.contains("glab"),
            "{help}"
        );
        assert!(help.contains("config.toml"), "{help}");
        insta::assert_snapshot!(help);
    }
}
