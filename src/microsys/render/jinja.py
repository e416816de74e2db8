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


def make_env(
    search_path: Sequence[Path],
    *,
    sandboxed: bool = False,
    autoescape: bool = False,
    default: Path | None = None,
    finalize: Any = None,
) -> Any:
    """A jinja2 environment: StrictUndefined, trailing newlines kept; sandboxed for user templates.

    Templates are looked up in ``search_path`` in order, and never outside those folders
    (a link out of a workbook's template folder is not followed). With ``default``, the
    built-in templates are also reachable as ``default:NAME``, so an override can extend
    the original.
    """
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    roots = [p.resolve() for p in [*search_path, *([default] if default else [])] if p.is_dir()]

    class _Contained(jinja2.FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            source, filename, uptodate = super().get_source(environment, template)
            real = Path(filename).resolve()
            if not any(real.is_relative_to(root) for root in roots):
                raise jinja2.TemplateNotFound(template)
            return source, filename, uptodate

    loader: Any = _Contained([str(p) for p in search_path])
    if default is not None:
        loader = jinja2.ChoiceLoader(
            [loader, jinja2.PrefixLoader({"default": _Contained([str(default)])}, delimiter=":")]
        )
    cls = SandboxedEnvironment if sandboxed else jinja2.Environment
    env = cls(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=autoescape,
        finalize=finalize,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["comment"] = lambda value: " ".join(str(value).split())  # one line, for # comments
    return env
