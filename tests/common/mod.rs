//! Shared helpers for tests that run the real binary.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sm_board::demo;
use sm_board::store::Store;

pub const BIN: &str = env!("CARGO_BIN_EXE_sm-board");

/// A home of its own, so no config, cache or log of the machine's user is touched.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A cache seeded with the bundled demo board.
    pub fn seeded_db(&self) -> PathBuf {
        let db = self.path("board.sqlite3");
        let store = Store::open(&db).unwrap();
        demo::seed_store(&store, demo::bundled_issues().unwrap()).unwrap();
        db
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        let home = self.dir.path();
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("TERM", "xterm-256color");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn status_json(sandbox: &Sandbox, db: &Path) -> serde_json::Value {
    let out = sandbox.run(&["status", "--format", "json", "--db", db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn count(status: &serde_json::Value, state: &str) -> u64 {
    status["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["state"] == state)
        .map_or(0, |c| c["count"].as_u64().unwrap())
}
