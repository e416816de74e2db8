"""The one factory for jinja2 environments."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z\u00c0-\uffff][\w .,'()/&+\u00c0-\uffff-]*$")
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})


def yaml_scalar(value: Any) -> str:
    """A value written as a YAML scalar: plain when that is safe, double-quoted otherwise."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    plain_safe = (
        _PLAIN.match(text) is not None
        and text.lower() not in _RESERVED
        and not text.endswith((" ", ":"))
        and ": " not in text
        and " #" not in text
    )
    if plain_safe:
        return text
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(text, ensure_ascii=False)


def make_env(search_path: Sequence[Path], *, sandboxed: bool = False, autoescape: bool = False) -> Any:
    """A jinja2 environment: StrictUndefined, trailing newlines kept; sandboxed for user templates."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    cls = SandboxedEnvironment if sandboxed else jinja2.Environment
    env = cls(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=autoescape,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["comment"] = lambda value: " ".join(str(value).split())  # one line, for # comments
    return env
