#!/usr/bin/env python3
"""Writes assets/link-order.txt: the functions a board session runs, for LLD to lay out together.

Linux maps a binary's code into a process 64 KiB at a time around each page it runs, and every
mapped page counts in the process's resident memory. The few megabytes of code a board session
runs are scattered across 13 MB of `.text`, so the board used to map nearly all of it. The build
script (build.rs) hands this list to LLD (`--symbol-ordering-file`), which places the listed
functions first, side by side.

The list comes from callgrind runs of the release binary, in this order (a function is listed
with the first run that runs it, so the offline board's code comes first and packs tightest):

1. the board on a seeded 10k cache with its GitLab unreachable: start, j/k/h/l, a filter, a
   detail, help, the standup and flow views, the learner's pass, quit;
2. the same board syncing against `fake-gitlab`;
3. `status --format json`;
4. `demo --issues 2000`, which is what `cargo run --release` opens.

Symbol names carry hashes of the crate's build metadata, which source edits leave alone but a
dependency or toolchain update changes; new or renamed functions are missing from the list
until it is written again, and each costs up to a 64 KiB window. Run this again after changing
start-up, drawing, loading or sync code, and after a dependency or toolchain update
(bench_binary.py prints how much of the list the binary has).

    cargo build --release && python3 assets/tools/link_order.py   # needs valgrind and tmux
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_binary as bench  # noqa: E402

ORDER_FILE = os.path.join(bench.ROOT, "assets", "link-order.txt")


def callgrind(out):
    return ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}"]


def functions_run(path):
    """Function names in a callgrind profile, in the order they first appear."""
    names, seen, by_id = [], set(), {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            match = re.match(r"c?fn=\((\d+)\)(?: (.+))?", line)
            if not match:
                continue
            if match.group(2):
                by_id[match.group(1)] = match.group(2).strip()
            name = by_id.get(match.group(1))
            if name and name not in seen:
                seen.add(name)
                names.append(name)
    return names


def symbols_of(binary):
    """Names of the binary's functions (mangled, locals included)."""
    out = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    return {m.group(1) for m in re.finditer(r"^[0-9a-f]+ [tTwW] (\S+)$", out, re.M)}


def board_session(work, db, env, profile):
    """The board under callgrind on `db` with `env`; keys as a triager presses them."""
    bench.PREFIX = callgrind(profile)
    mark = len(bench.read_log(work))
    pid = bench.start(work, [], env)
    bench.wait_for(work, r"first_frame_ms=", mark, timeout=300)
    bench.send(["j", "j", "k", "l", "h", "Down", "Up"], pause=0.6)
    bench.send(["/", "p", "a", "r", "t", "n", "e", "r"], pause=0.8)
    time.sleep(2)
    bench.send(["Escape", "Enter"], pause=1.5)
    time.sleep(2)
    bench.send(["Escape", "?"], pause=1.5)
    bench.send(["Escape"], pause=1.0)
    bench.send(["S"], pause=1.5)
    bench.wait_for(work, r"standup and flow figures computed", mark, timeout=300)
    bench.send(["F", "w", "Escape"], pause=1.0)
    bench.wait_for(work, r"suggestions learned", mark, timeout=300)
    return pid


def quit_and_wait(pid, profile):
    """Quits the board and lets callgrind write its profile (it is slow to exit)."""
    bench.send(["q"])
    deadline = time.time() + 120
    while os.path.exists(f"/proc/{pid}") and time.time() < deadline:
        time.sleep(0.2)
    bench.tmux("kill-session", "-t", bench.SESSION)
    if not os.path.exists(profile):
        sys.exit(f"callgrind wrote no profile at {profile}")


def main():
    for tool in ("valgrind", "tmux", "nm"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing")
    if not os.path.exists(bench.BINARY):
        sys.exit(f"{bench.BINARY} is missing: run `cargo build --release` first")
    work = tempfile.mkdtemp(prefix="sm-board-order-")
    profiles = []
    try:
        db = bench.seed(work, 10000)

        profiles.append(os.path.join(work, "offline.cg"))
        pid = board_session(work, db, bench.offline_board_env(db), profiles[-1])
        quit_and_wait(pid, profiles[-1])

        fake, port = bench.start_fake(work, 10000)
        try:
            env = {**bench.offline_board_env(db), "SM_BOARD_GITLAB_URL": f"http://127.0.0.1:{port}"}
            profiles.append(os.path.join(work, "syncing.cg"))
            pid = board_session(work, db, env, profiles[-1])
            time.sleep(30)
            quit_and_wait(pid, profiles[-1])
        finally:
            fake.terminate()
            fake.wait()

        profiles.append(os.path.join(work, "status.cg"))
        subprocess.run([*callgrind(profiles[-1]), bench.BINARY, "--db", db, "status", "--format",
                        "json"], env=bench.env_for(work), capture_output=True, check=True)

        profiles.append(os.path.join(work, "demo.cg"))
        bench.PREFIX = callgrind(profiles[-1])
        mark = len(bench.read_log(work))
        pid = bench.start(work, ["demo", "--issues", "2000"])
        bench.wait_for(work, r"first_frame_ms=", mark, timeout=300)
        time.sleep(30)
        quit_and_wait(pid, profiles[-1])

        known = symbols_of(bench.BINARY)
        order, listed = [], set()
        for profile in profiles:
            # Sorted within a run: which thread ran first varies, and the list should change
            # only where the code did.
            new = sorted({name for name in functions_run(profile)
                          if name in known and name not in listed})
            listed.update(new)
            order += new
    finally:
        bench.tmux("kill-session", "-t", bench.SESSION)
        shutil.rmtree(work, ignore_errors=True)
    with open(ORDER_FILE, "w", encoding="utf-8") as f:
        f.write("\n".join(order) + "\n")
    print(f"{len(order)} functions written to {ORDER_FILE}; rebuild with `cargo build --release`")


if __name__ == "__main__":
    main()
