#!/usr/bin/env python3
"""Measures the release binary the way a user meets it (DESIGN.md "Performance budgets").

Seeds a 10k and a 50k cache with `sm-board demo`, then, for each size, starts the board in a
160x48 tmux pane and reads the debug log's own timings ("first frame drawn", "key handled and
redrawn", "text hits shown") and the process's VmHWM (peak RSS) from /proc. Prints one table.

    cargo build --release && python3 assets/tools/bench_binary.py [--sizes 10000,50000] [--runs 5]

`--compare OTHER_BINARY` measures the board rows of the release binary and another one (a copy
kept from before a change) with their runs interleaved, side by side.

Everything lives in a throwaway directory (XDG dirs included), so the user's own cache, config
and log are never touched. Nothing here is asserted: the numbers are for people to read.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, "target", "release", "sm-board")
SESSION = "smb-bench"
# Runs in front of the binary, e.g. valgrind (assets/tools/link_order.py sets it).
PREFIX = []


def tmux(*args):
    return subprocess.run(["tmux", *args], capture_output=True, text=True)


def env_for(work):
    env = dict(os.environ)
    for name in ("GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN", "OAUTH_TOKEN", "GITLAB_HOST",
                 "SM_BOARD_GITLAB_URL", "SM_BOARD_GROUP", "SM_BOARD_PROJECT", "NO_COLOR"):
        env.pop(name, None)
    env.update({
        "HOME": work,
        "XDG_CONFIG_HOME": os.path.join(work, "config"),
        "XDG_DATA_HOME": os.path.join(work, "data"),
        "XDG_STATE_HOME": os.path.join(work, "state"),
        "SM_BOARD_LOG": "sm_board=debug",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    })
    return env


def log_path(work):
    return os.path.join(work, "state", "sm-board", "sm-board.log")


def read_log(work):
    try:
        with open(log_path(work), encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def start(work, args, env_extra=None):
    """Starts `sm-board args` in a fresh tmux pane; returns its pid."""
    tmux("kill-session", "-t", SESSION)
    env = env_for(work)
    if env_extra:
        env.update(env_extra)
    kept = ("PATH", "HOME", "TERM", "LANG", "GITLAB_TOKEN")
    exports = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()
                       if k in kept or k.startswith(("XDG_", "SM_BOARD_")))
    command = f"env -i {exports} {shlex.join([*PREFIX, BINARY, *args])}"
    tmux("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "48", command)
    return int(tmux("display", "-p", "-t", SESSION, "#{pane_pid}").stdout.strip())


def wait_for(work, pattern, after, timeout=120.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = read_log(work)[after:]
        match = re.search(pattern, text)
        if match:
            return match
        time.sleep(0.02)
    raise RuntimeError(f"timed out waiting for {pattern!r} in the log")


def vm_hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


def stop(pid):
    tmux("send-keys", "-t", SESSION, "q")
    for _ in range(100):
        if not os.path.exists(f"/proc/{pid}"):
            break
        time.sleep(0.05)
    tmux("kill-session", "-t", SESSION)


def first_frame_ms(work, args, env_extra=None):
    mark = len(read_log(work))
    pid = start(work, args, env_extra)
    match = wait_for(work, r"first_frame_ms=([0-9.]+)", mark)
    return pid, float(match.group(1)), mark


def key_timings(work, mark):
    """Microseconds per handled key, and per redraw after full-text hits, since `mark`."""
    text = read_log(work)[mark:]
    keys = [int(m) for m in re.findall(r"key handled and redrawn micros=(\d+)", text)]
    hits = [int(m) for m in re.findall(r"text hits shown micros=(\d+)", text)]
    return keys, hits


def send(keys, pause=0.08):
    for key in keys:
        tmux("send-keys", "-t", SESSION, "-l", key) if len(key) == 1 else tmux(
            "send-keys", "-t", SESSION, key)
        time.sleep(pause)


def pct(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def ms(v):
    return f"{v:.1f}" if v == v else "-"


def offline_board_env(db):
    """The board as a user on a train runs it: a configured GitLab that does not answer."""
    return {"GITLAB_TOKEN": "bench-token",
            "SM_BOARD_GITLAB_URL": "http://127.0.0.1:9",
            "SM_BOARD_GROUP": "marketing/strategic-marketing",
            "SM_BOARD_DB": db}


OTHER_KEYS = ["Enter", "Escape", "c", "c", "S", "Escape", "F", "w", "Escape", "G", "g",
              "Tab", "Tab", "?", "Escape", "v", "Escape", "T", "Escape"]


def empty_samples():
    return {"frames": [], "hwm": [], "hwm_views": [], "filter": [], "hits": [], "nav": [],
            "other": []}


def board_samples(work, db, runs):
    """Raw samples of the board on a seeded cache, offline: first frames, key timings, VmHWM."""
    samples = empty_samples()
    for run in range(runs):
        mark_start = len(read_log(work))
        pid, frame, mark = first_frame_ms(work, [], offline_board_env(db))
        samples["frames"].append(frame)
        time.sleep(0.3)
        mark = len(read_log(work))
        send(["j", "k"] * 10 + ["l", "h"] * 5, pause=0.04)
        time.sleep(0.3)
        keys, _ = key_timings(work, mark)
        samples["nav"] += keys
        mark = len(read_log(work))
        send(["/", "p", "a", "r", "t", "n", "e", "r"], pause=0.12)
        time.sleep(0.5)
        keys, text_hits = key_timings(work, mark)
        # From the 3rd letter: '/' then 'p','a' are skipped.
        samples["filter"] += keys[3:]
        samples["hits"] += text_hits
        send(["Escape"])
        time.sleep(0.2)
        # The peak counts the learner's pass (triage suggestions), which starts 1.5 s in.
        wait_for(work, r"suggestions learned", mark_start, timeout=60)
        samples["hwm"].append(vm_hwm_kib(pid) or 0)
        # Every other kind of key that leaves the cache as it is: the detail view, closed
        # columns, the standup and flow views (their figures come later, off the key), the
        # grooming pane, help, views, jumps. The views' figures are worked out from a copy of
        # the cached requests: their peak is a row of its own.
        mark = len(read_log(work))
        send(OTHER_KEYS, pause=0.25)
        time.sleep(0.3)
        keys, _ = key_timings(work, mark)
        samples["other"] += keys
        wait_for(work, r"standup and flow figures computed", mark, timeout=60)
        samples["hwm_views"].append(vm_hwm_kib(pid) or 0)
        stop(pid)
    return samples


def board_stats(samples):
    frames, filter_keys, hits, nav_keys, other_keys = (
        samples["frames"], samples["filter"], samples["hits"], samples["nav"], samples["other"])
    return {
        "first_frame_ms": statistics.median(frames),
        "first_frame_max_ms": max(frames),
        "filter_median_ms": statistics.median(filter_keys) / 1000 if filter_keys else float("nan"),
        "filter_p99_ms": pct(filter_keys, 99) / 1000,
        "hits_median_ms": statistics.median(hits) / 1000 if hits else float("nan"),
        "nav_median_ms": statistics.median(nav_keys) / 1000 if nav_keys else float("nan"),
        "nav_p99_ms": pct(nav_keys, 99) / 1000,
        "other_median_ms": statistics.median(other_keys) / 1000 if other_keys else float("nan"),
        "other_p99_ms": pct(other_keys, 99) / 1000,
        "rss_mib": statistics.median(samples["hwm"]) / 1024,
        "rss_views_mib": statistics.median(samples["hwm_views"]) / 1024,
    }


# The board's rows of the table: (name, cell of a board_stats result).
BOARD_ROWS = [
    ("start -> first frame, ms (max)", lambda r: f"{ms(r['first_frame_ms'])} ({ms(r['first_frame_max_ms'])})"),
    ("filter key from the 3rd letter, median / p99 ms", lambda r: f"{ms(r['filter_median_ms'])} / {ms(r['filter_p99_ms'])}"),
    ("full-text hits shown, median ms", lambda r: ms(r["hits_median_ms"])),
    ("j/k/h/l key, median / p99 ms", lambda r: f"{ms(r['nav_median_ms'])} / {ms(r['nav_p99_ms'])}"),
    ("other keys (Enter, Esc, c, S, F, w, G, g, Tab, ?, v, T), median / p99 ms",
     lambda r: f"{ms(r['other_median_ms'])} / {ms(r['other_p99_ms'])}"),
    ("peak RSS, board alone, MiB", lambda r: ms(r["rss_mib"])),
    ("peak RSS once the standup and flow views were opened, MiB", lambda r: ms(r["rss_views_mib"])),
]


def measure_board(work, db, runs):
    """First frame, keys and RSS of the board on a seeded cache, offline."""
    return board_stats(board_samples(work, db, runs))


def compare_boards(work, db, runs, binaries):
    """The board rows for each of `binaries`, their runs interleaved (A, B, A, B, ...): on a
    shared machine a change of less than 20% shows only against runs made at the same time."""
    global BINARY
    kept = BINARY
    samples = [empty_samples() for _ in binaries]
    try:
        for _ in range(runs):
            for binary, gathered in zip(binaries, samples):
                BINARY = binary
                for name, values in board_samples(work, db, 1).items():
                    gathered[name] += values
    finally:
        BINARY = kept
    return [board_stats(s) for s in samples]


def measure_status(work, db, runs):
    times, hwm = [], []
    env = env_for(work)
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run(
            ["/usr/bin/time", "-f", "%M", BINARY, "--db", db, "status", "--format", "json"],
            env=env, capture_output=True, text=True)
        times.append((time.perf_counter() - started) * 1000)
        hwm.append(int(out.stderr.strip().splitlines()[-1]))
    return statistics.median(times), statistics.median(hwm) / 1024


def measure_demo(work, size, watch_seconds):
    """`sm-board demo --issues N` (throwaway cache, in-process fake GitLab): first frame and
    peak RSS while it seeds and fills the history for `watch_seconds`."""
    pid, frame, _ = first_frame_ms(work, ["demo", "--issues", str(size)])
    time.sleep(watch_seconds)
    hwm = vm_hwm_kib(pid) or 0
    stop(pid)
    return frame, hwm / 1024


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_fake(work, size):
    """`fake-gitlab --issues size` on a free loopback port (run natively, never under `PREFIX`),
    once it answers; returns the process and its port."""
    port = free_port()
    fake = subprocess.Popen(
        [BINARY, "fake-gitlab", "--listen", f"127.0.0.1:{port}", "--issues", str(size),
         "--token", "bench-token", "--rate-limit", "0"],
        env=env_for(work), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_fake/stats", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return fake, port


def measure_syncing_board(work, db, size, watch_seconds):
    """The board on a seeded cache against `fake-gitlab --issues N`, filling the history
    (100 issues a pass, a pass every 15 s): peak RSS after `watch_seconds`."""
    fake, port = start_fake(work, size)
    try:
        copy = os.path.join(work, f"syncing-{size}.sqlite3")
        shutil.copyfile(db, copy)
        extra = {"GITLAB_TOKEN": "bench-token",
                 "SM_BOARD_GITLAB_URL": f"http://127.0.0.1:{port}",
                 "SM_BOARD_GROUP": "marketing/strategic-marketing",
                 "SM_BOARD_DB": copy}
        mark = len(read_log(work))
        pid = start(work, [], extra)
        wait_for(work, r"first_frame_ms=", mark)
        time.sleep(watch_seconds)
        hwm = vm_hwm_kib(pid) or 0
        stop(pid)
        stats = json.loads(urllib.request.urlopen(
            f"http://127.0.0.1:{port}/_fake/stats", timeout=5).read())
        return hwm / 1024, stats
    finally:
        fake.terminate()
        fake.wait()


def seed(work, size):
    db = os.path.join(work, f"cache-{size}.sqlite3")
    pid, _, mark = first_frame_ms(work, ["demo", "--offline", "--issues", str(size), "--db", db])
    # A large demo writes its descriptions after its first frame, then starts its sync: wait
    # for the sync's first pass, so the cache is whole.
    wait_for(work, r"sync pass", mark)
    stop(pid)
    return db


def link_order_coverage():
    """How much of assets/link-order.txt the binary still has (see assets/tools/link_order.py):
    a low share means the list is stale and the board maps more code than it needs."""
    try:
        with open(os.path.join(ROOT, "assets", "link-order.txt"), encoding="utf-8") as f:
            listed = f.read().split()
        out = subprocess.run(["nm", BINARY], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "link order: not checked (no list or no nm)"
    present = set(re.findall(r"^[0-9a-f]+ [tTwW] (\S+)$", out, re.M))
    found = sum(1 for name in listed if name in present)
    return (f"link order: {found} of {len(listed)} listed functions are in the binary"
            + ("" if found >= 0.9 * len(listed) else
               "; run assets/tools/link_order.py and rebuild"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--watch", type=float, default=40.0,
                        help="seconds to watch the demo and a syncing board for peak RSS")
    parser.add_argument("--skip-sync", action="store_true",
                        help="skip the demo and the syncing board (the slow rows)")
    parser.add_argument("--compare", metavar="OTHER_BINARY",
                        help="measure the board rows of this binary and OTHER_BINARY (say, a copy "
                             "of the release binary before a change), runs interleaved")
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: run `cargo build --release` first")
    print(link_order_coverage(), file=sys.stderr)
    if args.compare:
        if not os.access(args.compare, os.X_OK):
            sys.exit(f"{args.compare} is not an executable")
        return compare(args)
    if shutil.which("tmux") is None:
        sys.exit("tmux is missing")
    work = tempfile.mkdtemp(prefix="sm-board-bench-")
    rows = []
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            db = seed(work, size)
            board = measure_board(work, db, args.runs)
            status_ms, status_mib = measure_status(work, db, args.runs)
            row = {"issues": size, **board, "status_ms": status_ms, "status_rss_mib": status_mib}
            if not args.skip_sync:
                row["demo_first_frame_ms"], row["demo_rss_mib"] = measure_demo(
                    work, size, args.watch)
                row["syncing_rss_mib"], stats = measure_syncing_board(
                    work, db, size, args.watch)
                row["syncing_requests"] = stats
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    finally:
        tmux("kill-session", "-t", SESSION)
        shutil.rmtree(work, ignore_errors=True)
    print("| measure (release binary, tmux 160x48, medians) | " +
          " | ".join(f"{r['issues']:,}" for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    lines = BOARD_ROWS + [
        ("`status --format json`, ms / MiB", lambda r: f"{ms(r['status_ms'])} / {ms(r['status_rss_mib'])}"),
    ]
    if not args.skip_sync:
        lines += [
            ("`demo --issues N` first frame ms / peak RSS MiB",
             lambda r: f"{ms(r['demo_first_frame_ms'])} / {ms(r['demo_rss_mib'])}"),
            (f"peak RSS, board while history fills ({args.watch:.0f} s), MiB",
             lambda r: ms(r["syncing_rss_mib"])),
        ]
    for name, cell in lines:
        print(f"| {name} | " + " | ".join(cell(r) for r in rows) + " |")


def compare(args):
    """`--compare`: the board rows of both binaries, side by side, for each size."""
    if shutil.which("tmux") is None:
        sys.exit("tmux is missing")
    binaries = [BINARY, os.path.abspath(args.compare)]
    work = tempfile.mkdtemp(prefix="sm-board-bench-")
    columns = []
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            db = seed(work, size)
            for binary, stats in zip(binaries, compare_boards(work, db, args.runs, binaries)):
                columns.append((f"{size:,} {os.path.basename(os.path.dirname(binary)) or '.'}/"
                                f"{os.path.basename(binary)}", stats))
                print(json.dumps({"issues": size, "binary": binary, **stats}), file=sys.stderr)
    finally:
        tmux("kill-session", "-t", SESSION)
        shutil.rmtree(work, ignore_errors=True)
    print(f"| measure (tmux 160x48, {args.runs} interleaved runs each, medians) | " +
          " | ".join(name for name, _ in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, cell in BOARD_ROWS:
        print(f"| {name} | " + " | ".join(cell(r) for _, r in columns) + " |")


if __name__ == "__main__":
    main()
