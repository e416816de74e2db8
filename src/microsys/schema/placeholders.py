"""Whether a text field holds real content or is still a template's placeholder."""

from __future__ import annotations

import re

_PLACEHOLDERS = frozenset({"", "...", "…", "todo", "tbd", "tbc", "xxx", "-", "?", "n/a", "na", "none"})


def filled(text: str | None) -> bool:
    """True when a text field holds real content, not a template placeholder."""
    if text is None:
        return False
    stripped = text.strip().strip(".").strip().lower()
    return stripped not in _PLACEHOLDERS and bool(re.search(r"\w", stripped))
