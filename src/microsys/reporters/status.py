"""Output formats of ``ramp status`` and ``coach status``: one registry each feeds ``--format``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from microsys.ramp.status import RampStatus

StatusReporter = Callable[["RampStatus", TextIO, bool], None]

# What ``coach status -f json`` keeps of the ramp's JSON.
COACH_KEYS = ("version", "workbook", "name", "today", "coaching", "phases")


def _dump(data: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _ramp_text(status: RampStatus, out: TextIO, color: bool) -> None:
    from microsys.render.ramp_view import console, show_status

    show_status(status, console(out, color))


def _ramp_json(status: RampStatus, out: TextIO, color: bool) -> None:
    from microsys.ramp.status import as_dict

    _dump(as_dict(status), out)


def _coach_text(status: RampStatus, out: TextIO, color: bool) -> None:
    from microsys.render.ramp_view import console, show_phases

    show_phases(status, console(out, color))


def _coach_json(status: RampStatus, out: TextIO, color: bool) -> None:
    from microsys.ramp.status import as_dict

    data = as_dict(status)
    _dump({k: data[k] for k in COACH_KEYS}, out)


RAMP_STATUS: dict[str, StatusReporter] = {"text": _ramp_text, "json": _ramp_json}
COACH_STATUS: dict[str, StatusReporter] = {"text": _coach_text, "json": _coach_json}
