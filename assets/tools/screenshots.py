#!/usr/bin/env python3
"""Re-makes the README's pictures from the real binary.

Runs the bundled demo (its in-process GitLab, a throwaway directory) in a 160x48 tmux pane,
waits for its first sync (so histories, the standup and the flow view have data), walks to each
view with the keys a user presses, captures the pane with its colours (`tmux capture-pane -e`)
and turns each capture into an SVG with rich (https://github.com/Textualize/rich), which reads
the terminal's escape sequences and draws the same cells, colours and all.

    cargo build --release
    python3 -m pip install rich        # once
    python3 assets/tools/screenshots.py   # writes assets/screenshots/*.svg

Run it again whenever the UI changes, and commit the pictures with the change.
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

from demo_env import demo_env

try:
    from rich.console import Console
    from rich.text import Text
except ImportError:
    sys.exit("screenshots.py needs rich: python3 -m pip install rich")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, "target", "release", "sm-board")
OUT = os.path.join(ROOT, "assets", "screenshots")
SESSION = "smb-screenshots"
WIDTH, HEIGHT = 160, 48

# (file, title, keys pressed from a freshly opened board, text that shows the view is drawn)
VIEWS = [
    ("board", "sm-board: the SM Request Board", [], "new request"),
    ("grooming", "sm-board: grooming pane", ["l", "l", "Tab", "j", "j"], "Grooming"),
    ("detail", "sm-board: a request in detail", ["Enter"], "Label history"),
    ("standup", "sm-board: the standup view", ["S"], "Standup"),
    ("flow", "sm-board: the flow view", ["F"], "Flow"),
]


def tmux(*args):
    return subprocess.run(["tmux", *args], capture_output=True, text=True)


def start(work):
    tmux("kill-session", "-t", SESSION)
    env = demo_env(work)
    exports = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
    db = os.path.join(work, "demo.sqlite3")
    command = f"env -i {exports} {shlex.quote(BINARY)} demo --db {shlex.quote(db)}"
    tmux("new-session", "-d", "-s", SESSION, "-x", str(WIDTH), "-y", str(HEIGHT), command)


def capture(colours=True):
    args = ["capture-pane", "-p", "-t", SESSION] + (["-e"] if colours else [])
    return tmux(*args).stdout


def wait_for(text, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in capture(colours=False):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{text!r} never showed:\n{capture(colours=False)}")


def save_svg(ansi, path, title):
    console = Console(record=True, width=WIDTH, force_terminal=True, color_system="truecolor",
                      file=open(os.devnull, "w"))
    for line in ansi.rstrip("\n").split("\n")[:HEIGHT]:
        console.print(Text.from_ansi(line), no_wrap=True, overflow="crop")
    console.save_svg(path, title=title)


def main():
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: run `cargo build --release` first")
    if shutil.which("tmux") is None:
        sys.exit("tmux is missing")
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="sm-board-shots-")
    try:
        for name, title, keys, marker in VIEWS:
            start(work)
            wait_for("synced")
            time.sleep(0.5)
            for key in keys:
                tmux("send-keys", "-t", SESSION, key)
                time.sleep(0.2)
            wait_for(marker)
            time.sleep(0.5)
            path = os.path.join(OUT, f"{name}.svg")
            save_svg(capture(), path, title)
            print(path)
            tmux("send-keys", "-t", SESSION, "Escape")
            tmux("send-keys", "-t", SESSION, "q")
            time.sleep(0.3)
    finally:
        tmux("kill-session", "-t", SESSION)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
