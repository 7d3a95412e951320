#!/usr/bin/env python3
"""Records the README's short demo as an asciinema cast (asciicast v2), from the real binary.

Runs the bundled demo (its in-process GitLab, a throwaway home) in a pseudo-terminal of
120x36, types what a triager types (move along the board, open a request, the standup and flow
views, a filter), and writes every byte the board draws, with its time, to
assets/demo.cast. Play it with `asciinema play assets/demo.cast`, or upload it to asciinema.org.
Only the standard library is needed.

    cargo build --release
    python3 assets/tools/record_demo.py     # writes assets/demo.cast

Run it again when the UI changes, and commit the cast with the change.
"""

import codecs
import fcntl
import json
import os
import pty
import select
import shutil
import struct
import sys
import tempfile
import termios
import time

from demo_env import demo_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, "target", "release", "sm-board")
OUT = os.path.join(ROOT, "assets", "demo.cast")
WIDTH, HEIGHT = 120, 36

# (pause before, keys): what the recording types. Pauses leave the viewer time to read.
SCRIPT = [
    (3.0, "l"), (0.6, "l"), (0.6, "j"), (0.6, "j"),
    (1.0, "\r"), (2.0, "j"), (0.4, "j"), (0.4, "j"), (1.5, "\x1b"),
    (1.0, "S"), (3.0, "\x1b"),
    (1.0, "F"), (3.0, "\x1b"),
    (1.0, "/"), (0.3, "p"), (0.2, "a"), (0.2, "r"), (0.2, "t"), (0.2, "n"), (0.2, "e"),
    (0.2, "r"), (2.0, "\r"), (2.0, "\x1b"),
    (1.5, "q"),
]


def main():
    if not os.path.exists(BINARY):
        sys.exit(f"no release binary at {BINARY}: run `cargo build --release` first")
    work = tempfile.mkdtemp(prefix="sm-board-cast-")
    env = demo_env(work)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(BINARY, [BINARY, "demo"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
    events = []
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    started = time.monotonic()

    def read_for(seconds):
        """Records what the board draws for `seconds`; False once it has exited."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            text = decoder.decode(data)
            if text:
                events.append([round(time.monotonic() - started, 6), "o", text])

    try:
        for pause, keys in SCRIPT:
            if not read_for(pause):
                break
            os.write(fd, keys.encode())
        read_for(2.0)
    finally:
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        shutil.rmtree(work, ignore_errors=True)
    header = {
        "version": 2,
        "width": WIDTH,
        "height": HEIGHT,
        "title": "sm-board: the bundled demo",
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
    }
    with open(OUT, "w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        for event in events:
            out.write(json.dumps(event, ensure_ascii=False) + "\n")
    print(f"{OUT}: {len(events)} frames, {events[-1][0] if events else 0:.1f} s")


if __name__ == "__main__":
    main()
