"""Where the built-in templates are: inside the wheel, or the source tree in development."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def templates_dir() -> Path:
    """The folder of built-in templates (``templates/`` of the project)."""
    packaged = resources.files("microsys") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    # An editable install keeps templates at the top of the source tree.
    source_tree = Path(__file__).resolve().parents[2] / "templates"
    if source_tree.is_dir():
        return source_tree
    from microsys.errors import MicrosysError

    raise MicrosysError(
        "the built-in templates are missing from this installation",
        hint="reinstall microsys (pip install --force-reinstall microsys)",
    )
