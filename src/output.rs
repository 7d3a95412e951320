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
