"""The ``microsys`` command line: a thin typer layer over the engine.

Each verb group lives in its own module. This module holds the app, the
``--version`` flag and the one boundary that turns exceptions into messages
and exit codes (documented in docs/exit-codes.md).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from typing import Any

import typer

from microsys import __version__

app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich's panels cost about 0.1 s a call
    name="microsys",
    help="Clinical microsystem improvement workbooks: scaffold, check, walk the ramp, chart and report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 10_000},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"microsys {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Clinical microsystem improvement workbooks as plain files in git.

    Start with `microsys init my-clinic`, then `microsys check my-clinic`.
    """


def _register() -> None:
    from microsys.cli import chart, check, export, init, measure, new, ramp, report, schema, status

    init.register(app)
    check.register(app)
    ramp.register(app)
    new.register(app)
    measure.register(app)
    chart.register(app)
    report.register(app)
    schema.register(app)
    status.register(app)
    export.register(app)


_register()


def _error(message: str, hint: str | None) -> None:
    from microsys.privacy import masked
    from microsys.terminal import visible

    # A message may quote what was typed (`943 476 5919` is not a date): never an identifier.
    sys.stderr.write(f"microsys: error: {visible(masked(message), keep_newlines=True)}\n")
    if hint:
        sys.stderr.write(f"  hint: {visible(masked(hint), keep_newlines=True)}\n")


@functools.cache
def _command() -> Any:
    """The app as the option parser's command, made once per process.

    Calling the typer app makes it again from every command's signature each time (about
    10 ms); a process that runs many commands, as the test suite does, makes it once.
    """
    return typer.main.get_command(app)


def run(args: list[str] | None = None) -> int:
    """Run the app with ``args``; return the exit code. Every exception ends here."""
    from microsys.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, MicrosysError

    try:
        code = _command().main(args=args, prog_name="microsys", standalone_mode=False)
    except MicrosysError as exc:
        _error(exc.message, exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("microsys: interrupted\n")
        return EXIT_INTERRUPTED
    except typer.Abort:
        sys.stderr.write("microsys: stopped\n")
        return EXIT_INTERRUPTED
    except Exception as exc:
        # Usage errors of the command line parser (click's, vendored by newer typer).
        show = getattr(exc, "show", None)
        exit_code = getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            import io

            from microsys.privacy import masked

            # The parser quotes what was typed; an identifier typed by mistake is not repeated.
            buffer = io.StringIO()
            show(file=buffer)
            sys.stderr.write(masked(_plain_choice(buffer.getvalue())))
            return exit_code
        if os.environ.get("MICROSYS_DEBUG"):
            raise
        _error(
            f"internal error: {type(exc).__name__}: {exc}",
            "this is a bug in microsys, not in your workbook; please report it "
            "(run again with MICROSYS_DEBUG=1 to see the details)",
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else 0


_CHOICE = re.compile(r"Value error, ('(?:[^'\\]|\\.)*') is not one of ((?:'[^']*'(?:, )?)+)\.")


def _plain_choice(text: str) -> str:
    """The parser's wording of an unknown choice, as a person would say it.

    The option parser reports ``Value error, 'x' is not one of 'a', 'b'.``: the first
    words are a programmer's. Say what was typed and list the choices plainly.
    """

    def say(match: re.Match[str]) -> str:
        choices = ", ".join(c.strip("'") for c in match.group(2).split(", "))
        return f"{match.group(1)} is not one of the choices; use one of: {choices}."

    return _CHOICE.sub(say, text)


def main() -> None:
    """Console entry point."""
    sys.exit(run())
