"""Paths written into commands the user is told to run, quoted so they can be pasted into a shell."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import PurePath

_PLAIN = re.compile(r"^[\w@%+=:,./\\-]+$")


def quote(path: PurePath | str) -> str:
    """``path`` as a shell word: unchanged when plain, else quoted (`'my clinic'`; "my clinic" on Windows)."""
    text = str(path)
    if text and _PLAIN.match(text):
        return text
    if os.name == "nt":  # PowerShell and cmd both read double quotes
        return '"' + text.replace('"', '""') + '"'
    return shlex.quote(text)
