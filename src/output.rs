//! Writing to stdout and stderr from the commands. Lines that may carry GitLab's text go
//! through the sanitiser; a reader that went away (`sm-board status | head`) ends the process
//! quietly with success, as Unix tools do, instead of a panic.

use std::io::Write;

use crate::sanitize::clean_block;

fn write_or_leave(mut stream: impl Write, text: &str) {
    let written = stream
        .write_all(text.as_bytes())
        .and_then(|()| stream.flush());
    if let Err(err) = written
        && err.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// Whether `NO_COLOR` (https://no-color.org) asks for no colour: set and not empty, read the
/// same way by the board, `status` and `board`.
pub fn no_color() -> bool {
    no_color_in(std::env::var_os("NO_COLOR").as_deref())
}

/// `no_color` for a given value of the variable.
pub fn no_color_in(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// A line on stdout, sanitised.
pub fn say(line: &str) {
    write_or_leave(
        std::io::stdout().lock(),
        &format!("{}\n", clean_block(line)),
    );
}

/// A line on stderr, sanitised.
pub fn warn(line: &str) {
    write_or_leave(
        std::io::stderr().lock(),
        &format!("{}\n", clean_block(line)),
    );
}

/// Text already made safe by its renderer (it may hold our own colour codes), on stdout.
pub fn print_rendered(text: &str) {
    write_or_leave(std::io::stdout().lock(), text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_means_set_and_not_empty() {
        assert!(!no_color_in(None));
        assert!(!no_color_in(Some(OsStr::new(""))));
        assert!(no_color_in(Some(OsStr::new("1"))));
        assert!(
            no_color_in(Some(OsStr::new("0"))),
            "any value counts, as no-color.org says"
        );
    }
}
