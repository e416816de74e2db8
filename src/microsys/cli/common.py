"""What commands share: options declared once, choice enums, option parsing, terminal detection."""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import typer

# parse_size lives with the settings file, which reads sizes too; commands import it from here.
from microsys.config import parse_size as parse_size
from microsys.errors import UsageError


def command_group(help: str) -> typer.Typer:
    """A command group (``ramp``, ``new`` ...): listed with its help, help shown when run bare.

    Help is click's plain layout, as for the whole app (see ``microsys.cli``): rich's panels
    cost about 0.1 s a call.
    """
    return typer.Typer(rich_markup_mode=None, help=help, no_args_is_help=True)


def choices(name: str, values: Iterable[str]) -> Any:
    """A string enum of ``values``, for an option typer validates and lists in ``--help``.

    Built from the table or registry that owns the values (chart kinds, output formats),
    so the option's choices cannot drift from what the code accepts.
    """
    return enum.Enum(name, [(v, v) for v in values], type=str)


def today_option(purpose: str = "Act as if today were this date") -> Any:
    """``--today YYYY-MM-DD``; ``purpose`` says what the date is used for in this command."""
    return typer.Option(None, "--today", metavar="YYYY-MM-DD", help=f"{purpose}.")


NO_COLOR: Any = typer.Option(False, "--no-color", help="No colours (NO_COLOR is honoured too).")


def color_wanted(no_color: bool) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR set."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def interactive() -> bool:
    """True when a person can answer prompts."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def parse_today(text: str | None) -> dt.date:
    """``--today`` (YYYY-MM-DD), or the real date."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"`{text}` is not a date", hint="write it as YYYY-MM-DD, e.g. 2026-03-31") from None


def echo_undone(workbook: Path, undone: Sequence[str]) -> None:
    """Tell the user which files an earlier, killed command had half-written and were put back."""
    if undone:
        shown = ", ".join(str(workbook / rel) for rel in undone)
        sys.stderr.write(f"microsys: note: an earlier command was stopped half-way; put back {shown}\n")


_NUMBER = re.compile(r"^-\d+(?:[.,]\d+)?$")
_FILE_SUFFIXES = (".yaml", ".yml", ".csv", ".txt")


def reject_unknown_options(args: Sequence[str], command: str) -> None:
    """Refuse a mistyped option that reached the positional arguments.

    Commands that take negative numbers (``measure add ... -5``) let unknown options
    through as arguments; anything starting with ``-`` that is not a number is one.

    Raises:
        UsageError: an argument looks like an option.
    """
    for arg in args:
        if arg.startswith("-") and len(arg) > 1 and not _NUMBER.match(arg):
            raise UsageError(
                f"no such option: {arg}", hint=f"see `microsys {command} --help` for the options"
            )


def looks_like_path(arg: str) -> bool:
    """True when ``arg`` names a file or folder rather than an id: it exists, or is written as a path."""
    return (
        Path(arg).exists()
        or "/" in arg
        or os.sep in arg
        or arg in (".", "..")
        or arg.lower().endswith(_FILE_SUFFIXES)
    )


def leading_folder(args: Sequence[str], names: Sequence[str], command: str) -> tuple[Path, list[str]]:
    """Split the optional workbook path off the front of ``args``.

    ``names`` are the arguments that always follow it (``MEASURE DATE VALUE``); given
    exactly those, the workbook is the one holding the current folder, as git finds
    its repository.

    Raises:
        UsageError: too few or too many arguments.
    """
    reject_unknown_options(args, command)
    usage = " ".join(names)
    if len(args) == len(names) + 1:
        return Path(args[0]), list(args[1:])
    if len(args) == len(names):
        return Path("."), list(args)
    missing = len(args) < len(names)
    raise UsageError(
        f"{'missing' if missing else 'too many'} arguments: expected [FOLDER] {usage}",
        hint=f"e.g. `microsys {command} {usage}` inside the workbook, "
        f"or `microsys {command} my-clinic {usage}` from outside it",
    )


# --- help that reads as words --------------------------------------------------------------

# Option metavars named after what a person types, not the Python type (`<str>`, `<bool>`).
_WORDS = {
    "by": "NAME",
    "coach": "NAME",
    "lead": "NAME",
    "member": '"NAME, ROLE"',
    "patient": '"NAME[, ROLE]"',
    "change": "ID",
    "after": "ID",
    "playbook": "ID",
    "theme": "ID",
    "measure_id": "ID",
    "entry_id": "ID",
    "date": "YYYY-MM-DD",
    "max_file_size": "SIZE",
    "denominator": "N",
    "x": "COLUMN",
    "y": "COLUMN",
    "n": "COLUMN",
    "part": "COLUMN",
    "date_format": "FORMAT",
    "exclude": "POINTS",
    "out": "PATH",
    "output_file": "FILE",
    "config": "FILE",
}
_TEXT = {"name", "title", "description", "note", "reason", "organisation", "mesosystem", "scale", "numerator"}


def _option_word(name: str, annotation: Any, choice: tuple[str, ...] | None) -> str:
    if annotation is bool:
        return ""
    if choice:
        return "|".join(choice)
    if name in _WORDS:
        return _WORDS[name]
    if name.endswith("_column"):
        return "COLUMN"
    if annotation is int:
        return "N"
    if annotation is float:
        return "NUMBER"
    if name in _TEXT:
        return "TEXT"
    return name.upper()


def _argument_word(name: str, many: bool) -> str:
    word = {"paths": "PATH", "args": "ARG"}.get(name, name.upper())
    return word[:-1] if many and word.endswith("S") else word


def words_for_help(command: Any, ctx: Any = None) -> None:
    """Give every parameter of ``command`` a metavar in words (FOLDER, MEASURE, YYYY-MM-DD).

    Flags get none (`--strict`, not `--strict <bool>`); an argument's usage shows
    its own metavar (`[FOLDER] MEASURE DATE VALUE`) and no Python type.
    """
    import typer.core

    params = command.get_params(ctx) if ctx is not None else command.params
    for param in params:
        desc = getattr(param, "type_descriptor", None)
        if desc is None or getattr(param, "_in_words", False):
            continue
        setattr(param, "_in_words", True)  # noqa: B010 - usage and help both ask; change it once
        if isinstance(param, typer.core.TyperArgument):
            many = param.nargs != 1
            given = param.metavar
            if given is None:
                param.metavar = _argument_word(param.name or "", many)
                shown = param._usage_display_name()
            else:
                shown = given
            setattr(param, "display_type_rich", lambda ctx: None)  # noqa: B010 - the help text says what it is
            setattr(param, "_usage_display_name", lambda shown=shown: shown)  # noqa: B010
        elif param.metavar is None:
            choice = None
            if desc.is_choice:
                choice = tuple(str(getattr(c, "value", c)) for c in desc.choices or ())
            if getattr(param, "is_flag", False):
                param.metavar = ""
            else:
                param.metavar = _option_word(param.name or "", desc.annotation, choice)


def _unwrap_paragraphs(doc: str | None) -> str | None:
    """Join the lines of each paragraph, so the help text wraps at the terminal's width, not mid-sentence."""
    import inspect

    if doc is None:
        return None
    return "\n\n".join(" ".join(p.split("\n")) for p in inspect.cleandoc(doc).split("\n\n"))


def _help_command_class() -> Any:
    import typer.core

    class HelpInWords(typer.core.TyperCommand):
        """A command whose help shows words for values and whole sentences."""

        def format_help(self, ctx: Any, formatter: Any) -> None:
            words_for_help(self, ctx)
            super().format_help(ctx, formatter)

        def format_usage(self, ctx: Any, formatter: Any) -> None:
            words_for_help(self, ctx)
            super().format_usage(ctx, formatter)

    return HelpInWords


def add_command(app: typer.Typer, name: str, fn: Any, **settings: Any) -> None:
    """Register ``fn`` as the command ``name``: help in words, paragraphs unwrapped."""
    app.command(name, cls=_help_command_class(), help=_unwrap_paragraphs(fn.__doc__), **settings)(fn)
