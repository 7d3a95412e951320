//! Reading the token `glab auth login --use-keyring` keeps in the OS keyring (service
//! `glab:<host>`, empty user): the Secret Service on Linux, the Keychain on macOS, the
//! Credential Manager on Windows. Read only, never written.
//!
//! The lookup runs on a thread of its own with a runtime of its own and a time limit: a
//! keyring daemon that is missing, locked or slow must give a message, never a hang or a
//! panic.

use std::time::Duration;

/// How long a keyring may take to answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The token glab stored for `host`: `Ok(None)` when there is none, `Err` (what went wrong)
/// when no keyring could be asked.
pub fn glab_token(host: &str) -> Result<Option<String>, String> {
    let service = format!("glab:{host}");
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("sm-board-keyring".into())
        .spawn(move || {
            // zbus (the Secret Service client) runs on tokio here.
            let answer = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => {
                    let _inside = runtime.enter();
                    lookup(&service)
                }
                Err(err) => Err(format!("cannot start a runtime: {err}")),
            };
            let _ = tx.send(answer);
        });
    if let Err(err) = spawned {
        return Err(format!("cannot start a thread: {err}"));
    }
    match rx.recv_timeout(TIMEOUT) {
        Ok(answer) => answer,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            Err(format!("no answer within {} s", TIMEOUT.as_secs()))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err("the keyring lookup failed".to_string())
        }
    }
}

fn lookup(service: &str) -> Result<Option<String>, String> {
    let entry = keyring::Entry::new(service, "").map_err(|e| e.to_string())?;
    match entry.get_password() {
        Ok(token) => Ok(Some(token.trim().to_string()).filter(|t| !t.is_empty())),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(err) => Err(err.to_string()),
    }
}
