//! Build script: lays the release binary's everyday code out together.
//!
//! A process's resident memory counts every page of code it touches, and Linux maps code in
//! 64 KiB windows around each page fault. The few megabytes a board session runs are scattered
//! over the 13 MB of `.text`, so the board used to touch nearly all of it. LLD's
//! `--symbol-ordering-file` places the functions listed in `assets/link-order.txt` first, side
//! by side (the list is written by `assets/tools/link_order.py` from callgrind runs of the
//! board, a syncing board, `status` and the demo). Symbols that no longer exist are skipped, so
//! a stale list only costs memory.
//!
//! Applied to release builds for x86_64 Linux, where rustc links with its bundled LLD. A
//! configured linker, or `SM_BOARD_LINK_ORDER=0`, turns it off.

use std::env;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=assets/link-order.txt");
    println!("cargo:rerun-if-env-changed=SM_BOARD_LINK_ORDER");
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let order_file = Path::new(&manifest_dir)
        .join("assets")
        .join("link-order.txt");
    if wants_link_order() && order_file.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order_file.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Only where the linker is known to be LLD: rustc's default on x86_64 Linux since 1.90,
/// unless a linker is configured.
fn wants_link_order() -> bool {
    let var = |name: &str| env::var(name).unwrap_or_default();
    let release = var("PROFILE") == "release";
    let lld_target = var("TARGET") == "x86_64-unknown-linux-gnu";
    let custom_linker =
        env::var_os("RUSTC_LINKER").is_some() || var("CARGO_ENCODED_RUSTFLAGS").contains("link");
    let opted_out = var("SM_BOARD_LINK_ORDER") == "0";
    release && lld_target && !custom_linker && !opted_out
}
