"""Run a workbook's own templates where they can neither hang a report nor reach the network.

A workbook may restyle its reports with its own jinja and typst templates
(``templates/report/``). Those are code from whoever can commit to the workbook:
one may loop for ever, fill the memory, or ask typst for a package from the
internet. So they are rendered in a child process that is stopped after
:data:`SECONDS`, may use at most :data:`MEMORY` bytes more than it started with
(Linux; elsewhere only the time is bounded), and has no way out to the network:
on Linux it is put in a network namespace of its own when the system allows it,
and wherever it runs, every download it could try goes to a proxy that does not
exist. The built-in templates are microsys's own and are rendered in-process.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from microsys.errors import EXIT_USAGE, MicrosysError

R = TypeVar("R")

SECONDS = 60.0
MEMORY = 2 * 1024**3
# Where a download from a workbook's template would go: the discard port of this computer,
# where nothing listens, so that the attempt fails at once and nothing leaves the machine.
DEAD_END_PROXY = "http://127.0.0.1:9"
_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


class TemplateLimitError(MicrosysError):
    """A workbook's template took too long or too much memory."""

    exit_code = EXIT_USAGE


def _no_network() -> None:
    """Cut this (child) process off from the network as far as the system allows."""
    for name in _PROXY_VARIABLES:
        os.environ[name] = DEAD_END_PROXY
    for name in ("NO_PROXY", "no_proxy"):
        os.environ.pop(name, None)
    if sys.platform.startswith("linux"):
        import ctypes

        clone_newuser, clone_newnet = 0x10000000, 0x40000000
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.unshare(clone_newuser | clone_newnet)  # refused on some systems: the proxy still holds


def _limit_memory(extra: int) -> None:
    """Let this (child) process grow by at most ``extra`` bytes of address space (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    import resource

    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (used + extra, used + extra))


def _child(conn: Any, function: Callable[..., Any], args: tuple[Any, ...], memory: int) -> None:
    _no_network()
    _limit_memory(memory)
    try:
        reply: tuple[Any, ...] = ("ok", function(*args))
    except MemoryError:
        reply = ("memory",)
    except MicrosysError as exc:
        reply = ("error", type(exc).__module__, type(exc).__qualname__, exc.message, exc.hint)
    except RecursionError:
        reply = ("error", "", "", "the template calls itself without end", None)
    try:
        conn.send(reply)
    except MemoryError:
        conn.send(("memory",))
    conn.close()


def _context() -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def run(function: Callable[..., R], *args: Any, what: str, fix: str) -> R:
    """``function(*args)`` in a bounded child process, which returns its result or raises its error.

    ``what`` names the work in messages ("the storyboard.html.j2 template of this
    workbook"); ``fix`` is the hint given when a bound is hit.

    Raises:
        TemplateLimitError: the work took longer than :data:`SECONDS`, more memory than
            :data:`MEMORY`, or its process died.
        MicrosysError: the error the work raised, as it raised it.
    """
    context = _context()
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, function, args, MEMORY), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(SECONDS):
            raise TemplateLimitError(
                f"{what} was stopped after {SECONDS:g} seconds (it may loop for ever); nothing was written",
                hint=fix,
            )
        try:
            reply = parent.recv()
        except (EOFError, OSError):
            reply = ("memory",)  # the process died: out of memory, as a rule
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
    if reply[0] == "ok":
        return reply[1]  # type: ignore[no-any-return]
    if reply[0] == "memory":
        raise TemplateLimitError(
            f"{what} needed more than {MEMORY // 1024**2} MB of memory and was stopped; nothing was written",
            hint=fix,
        )
    _, module, name, message, hint = reply
    error_class: type[MicrosysError] = MicrosysError
    if module:
        import importlib

        with contextlib.suppress(ImportError, AttributeError):
            found = getattr(importlib.import_module(module), name)
            if isinstance(found, type) and issubclass(found, MicrosysError):
                error_class = found
    if error_class is MicrosysError:
        raise TemplateLimitError(f"{what} could not be used: {message}", hint=fix)
    error = error_class.__new__(error_class)
    MicrosysError.__init__(error, message, hint)
    raise error
