"""A repository's settings for ``check``: ``microsys.toml``, or ``[tool.microsys]`` in ``pyproject.toml``.

The file is looked for in the folder ``check`` runs in and then in each folder
above it, up to the top of the git repository; the first ``microsys.toml``, or
``pyproject.toml`` with a ``[tool.microsys]`` table, wins. Options given on the
command line win over the file. Every setting remembers where it came from, so
``check --show-config`` can say.

```toml
# microsys.toml
today = "2026-03-31"            # judge freshness as if today were this date (tests, reproducible CI)
max-file-size = "1MB"
max-depth = 20
exclude = ["archive/**", "*/drafts/*"]

[rules]
"measure.no-recent-data" = "error"   # error, warning or off
"meeting.file-name" = "off"
```
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from microsys.errors import UsageError

CONFIG_FILE = "microsys.toml"
PYPROJECT = "pyproject.toml"
LEVELS = ("error", "warning", "off")
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
DEFAULT_MAX_DEPTH = 50
_KEYS = ("today", "max-file-size", "max-depth", "exclude", "rules")


@dataclass(frozen=True)
class Settings:
    """The effective settings of a run and where each came from.

    Attributes:
        today: the date freshness is judged on (None: the real date).
        max_file_size: bytes; larger files are refused.
        max_depth: deepest nesting a file may have.
        exclude: glob patterns (relative to the settings file's folder) of workbooks and
            files whose findings are left out.
        rules: rule id -> ``error``, ``warning`` or ``off``, for the rules the file names.
        sources: setting name -> where its value came from.
        base: the folder ``exclude`` patterns are relative to.
    """

    today: dt.date | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_depth: int = DEFAULT_MAX_DEPTH
    exclude: tuple[str, ...] = ()
    rules: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    base: Path = Path(".")

    def source(self, name: str) -> str:
        """Where setting ``name`` came from (``default`` when nothing set it)."""
        return self.sources.get(name, "default")

    def excluded(self, path: Path) -> bool:
        """True when ``path`` (a workbook or a file) matches an ``exclude`` pattern."""
        if not self.exclude:
            return False
        try:
            rel = path.resolve().relative_to(self.base.resolve()).as_posix()
        except ValueError:
            return False
        return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(rel + "/", p) for p in self.exclude)


def find_config(start: Path) -> Path | None:
    """The settings file that applies to ``start``, or None."""
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        project = folder / PYPROJECT
        # Only a pyproject.toml that mentions microsys is read: a broken one of another tool is not ours.
        if (
            project.is_file()
            and "[tool.microsys" in project.read_text(encoding="utf-8", errors="replace")
            and "microsys" in _read(project).get("tool", {})
        ):
            return project
        if (folder / ".git").exists():
            break
    return None


def _read(path: Path) -> dict[str, Any]:
    # Imported here: most runs have no settings file, and --help should not pay for a TOML parser.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(
            f"{path} is not valid TOML: {exc}", hint="check quotes and `key = value` lines"
        ) from None
    except OSError as exc:
        raise UsageError(f"{path} cannot be read: {exc.strerror}", hint="check its permissions") from None


def _bad(path: Path, what: str, hint: str) -> UsageError:
    return UsageError(f"{path}: {what}", hint=hint)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str) -> int:
    """Bytes from ``500KB``, ``2MB``, ``2MiB`` or a plain number of bytes.

    Raises:
        UsageError: the text is not a size.
    """
    m = _SIZE.match(text)
    if not m:
        raise UsageError(f"`{text}` is not a size", hint="write a size like 500KB or 2MB")
    unit = (m.group(2) or "").lower()[:1]
    return int(float(m.group(1)) * _UNITS[unit])


def _size(path: Path, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        try:
            return parse_size(value)
        except UsageError:
            pass
    raise _bad(path, f"`max-file-size = {value!r}` is not a size", 'write it like "500KB" or "2MB"')


def load_settings(path: Path | None) -> Settings:
    """The settings in ``path`` (None: the defaults).

    Raises:
        UsageError: the file is not TOML, or a setting is unknown or has a wrong value.
    """
    from microsys.rules import RULE_IDS

    if path is None:
        return Settings()
    data = _read(path)
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("microsys", {})
        where = f"{path} [tool.microsys]"
    else:
        where = str(path)
    values: dict[str, Any] = {"base": path.parent}
    sources: dict[str, str] = {}
    for key, value in data.items():
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            raise _bad(
                path,
                f"unknown setting `{key}`",
                f"did you mean `{close[0]}`?" if close else "settings: " + ", ".join(_KEYS),
            )
        sources[key] = where
        if key == "today":
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                values["today"] = value
            else:
                try:
                    values["today"] = dt.date.fromisoformat(str(value))
                except ValueError:
                    raise _bad(path, f"`today = {value!r}` is not a date", "write it as 2026-03-31") from None
        elif key == "max-file-size":
            values["max_file_size"] = _size(path, value)
        elif key == "max-depth":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
                raise _bad(path, f"`max-depth = {value!r}` is not a depth", "write a whole number such as 20")
            values["max_depth"] = value
        elif key == "exclude":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _bad(path, "`exclude` must be a list of patterns", 'write it like ["archive/**"]')
            values["exclude"] = tuple(value)
        else:
            if not isinstance(value, dict):
                hint = 'write it as [rules] with "rule.id" = "off" lines'
                raise _bad(path, "`rules` must be a table", hint)
            rules: dict[str, str] = {}
            for rule, level in value.items():
                if rule not in RULE_IDS:
                    close = difflib.get_close_matches(rule, sorted(RULE_IDS), n=1)
                    raise _bad(
                        path,
                        f"`{rule}` is not a rule of microsys",
                        f"did you mean `{close[0]}`?" if close else "the rules are listed in docs/rules.md",
                    )
                if level not in LEVELS:
                    raise _bad(path, f"`{rule} = {level!r}` is not a level", "use error, warning or off")
                if rule.startswith("privacy.") and level != "error":
                    # A patient identifier is never a matter of taste: each one is looked at and,
                    # if it is not about a patient, suppressed where it stands with a reason.
                    raise _bad(
                        path,
                        f"`{rule}` cannot be turned off or made a warning",
                        "suppress a finding that is not about a patient on its own line with "
                        "`# microsys: disable=RULE REASON`, or in the `suppress:` list of microsys.yaml",
                    )
                rules[rule] = level
                sources[f"rules.{rule}"] = where
            values["rules"] = rules
    return Settings(sources=sources, **values)


def with_overrides(
    settings: Settings, *, today: dt.date | None = None, max_file_size: int | None = None
) -> Settings:
    """``settings`` with the options given on the command line, which win over the file."""
    sources = dict(settings.sources)
    changes: dict[str, Any] = {}
    if today is not None:
        changes["today"] = today
        sources["today"] = "command line (--today)"
    if max_file_size is not None:
        changes["max_file_size"] = max_file_size
        sources["max-file-size"] = "command line (--max-file-size)"
    return replace(settings, sources=sources, **changes)


def describe(settings: Settings, path: Path | None) -> list[str]:
    """The effective settings, one a line, each with where it came from."""
    lines = [f"settings file: {path if path is not None else 'none found (defaults)'}"]
    today = settings.today.isoformat() if settings.today else "the real date"
    lines.append(f"today = {today}  ({settings.source('today')})")
    lines.append(f"max-file-size = {settings.max_file_size:,} bytes  ({settings.source('max-file-size')})")
    lines.append(f"max-depth = {settings.max_depth}  ({settings.source('max-depth')})")
    exclude = ", ".join(settings.exclude) if settings.exclude else "nothing"
    lines.append(f"exclude = {exclude}  ({settings.source('exclude')})")
    from microsys.rules import RULES, SEVERITIES

    for rule in RULES:
        # A few rules report some findings as errors and others as warnings (see docs/rules.md).
        default = "/".join(sorted(s.value for s in SEVERITIES[rule.id]))
        level = settings.rules.get(rule.id, default)
        lines.append(f"rules.{rule.id} = {level}  ({settings.source('rules.' + rule.id)})")
    return lines
