"""The environment the README's tools run the demo in: a throwaway home (no config, cache or log
of the machine's user is read or written), a colour terminal, UTF-8 and UTC, and nothing else
from the caller's environment (no token, no GitLab URL)."""

import os


def demo_env(work):
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": work,
        "XDG_CONFIG_HOME": os.path.join(work, "config"),
        "XDG_DATA_HOME": os.path.join(work, "data"),
        "XDG_STATE_HOME": os.path.join(work, "state"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "TZ": "UTC",
    }
