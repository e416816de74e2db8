"""PDF with typst: templates read the report as JSON data, never as markup.

Each report compiles in a fresh folder that becomes typst's root: the built-in
templates, the workbook's own overrides (``templates/report/*.typ`` and
``templates/report/storyboard/*.typ``, one per storyboard section), its logo
and fonts, the figures and ``data.json``. typst cannot read outside its root, so
a workbook's templates can read nothing but these copies.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from microsys.errors import EXIT_USAGE, MicrosysError
from microsys.render.fonts import FONT_SUFFIXES, gather
from microsys.report.model import Prose
from microsys.report.text import breakable

# The type scale of each paper size relative to A3 (typst knows the sizes themselves).
UNIT = {"a4": 0.74, "a3": 1.0, "a2": 1.41, "a1": 2.0, "a0": 2.83}
LOGO_NAMES = ("logo.svg", "logo.png", "logo.jpg", "logo.jpeg")
# Folders of typst templates: the reports, and the storyboard's one template per section.
TEMPLATE_FOLDERS = ("", "storyboard")


class TypesetError(MicrosysError):
    """typst could not compile a template (usually a workbook's own override)."""

    exit_code = EXIT_USAGE


def prepare_text(value: Any) -> Any:
    """Every :class:`~microsys.report.model.Prose` in the data, with break opportunities in very long words.

    Other strings are codes and file names (a decision, a figure's name), left as they are.
    """
    if isinstance(value, Prose):
        return breakable(value)
    if isinstance(value, dict):
        return {k: prepare_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [prepare_text(v) for v in value]
    return value


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return path.is_file()


def _copy_own(folder: Path, suffixes: tuple[str, ...], target: Path, workbook: Path) -> list[Path]:
    """Regular files of a workbook folder that really live in the workbook (no links out)."""
    copied: list[Path] = []
    if not folder.is_dir():
        return copied
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in suffixes and _inside(path, workbook):
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / path.name)
            copied.append(target / path.name)
    return copied


@dataclass
class Job:
    """One compile folder, reused for the attempts at fitting a poster on its page."""

    root: Path
    template: str
    compiler: Any

    def figures(self, svgs: dict[str, str]) -> None:
        """Put (or replace) the figures the templates show."""
        for name, svg in svgs.items():
            (self.root / "fig" / name).write_text(svg, encoding="utf-8")

    def warm(self, data: dict[str, Any]) -> None:
        """Typeset once for nothing but to load fonts and templates (while figures are drawn)."""
        self._data(data)
        with contextlib.suppress(RuntimeError, ValueError):  # the real compile says what is wrong
            self.compiler.compile(format="pdf")

    def _data(self, data: dict[str, Any]) -> None:
        (self.root / "data.json").write_text(
            json.dumps(prepare_text(data), ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )

    def compile(self, data: dict[str, Any]) -> tuple[bytes, int]:
        """The PDF of ``data``, and its number of pages."""
        self._data(data)
        try:
            pdf = self.compiler.compile(format="pdf")
            pages = json.loads(self.compiler.query("<last-page>", field="value", one=True))
        except (RuntimeError, ValueError) as exc:
            raise TypesetError(
                f"the {self.template} template could not be typeset: {str(exc).strip()[:600]}",
                hint="if the workbook has its own templates/report/ files, check them; "
                "otherwise this is a bug in microsys: please report it",
            ) from None
        return bytes(pdf), int(pages)


@contextmanager
def job(
    template: str, workbook: Path, builtin: Path, svgs: dict[str, str], fallback: Sequence[Path] = ()
) -> Iterator[Job]:
    """A compile folder for ``template`` (e.g. ``storyboard.typ``) with the workbook's overrides.

    typst sees only the fonts put in its ``fonts`` folder: the built-in ones, the workbook's
    and ``fallback`` (fonts of this computer for characters the others lack), never the
    computer's other fonts, so a report looks the same wherever it is made.
    """
    import typst

    with tempfile.TemporaryDirectory(prefix="microsys-report-") as tmp:
        root = Path(tmp)
        for folder in TEMPLATE_FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
            for path in sorted((builtin / folder).glob("*.typ")):
                shutil.copyfile(path, root / folder / path.name)
            _copy_own(workbook / "templates" / "report" / folder, (".typ",), root / folder, workbook)
        _copy_own(workbook / "assets" / "fonts", FONT_SUFFIXES, root / "fonts", workbook)
        gather(root / "fonts", fallback)
        for name in LOGO_NAMES:
            logo = workbook / "assets" / name
            if _inside(logo, workbook):
                (root / "assets").mkdir(exist_ok=True)
                shutil.copyfile(logo, root / "assets" / name)
                break
        (root / "fig").mkdir()
        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(root / "fonts")]
        )
        compiler = typst.Compiler(input=str(root / template), root=str(root), font_paths=fonts)
        made = Job(root, template, compiler)
        made.figures(svgs)
        yield made


def own_fonts(workbook: Path) -> list[Path]:
    """The workbook's fonts (``assets/fonts/``) that really live in the workbook."""
    folder = workbook / "assets" / "fonts"
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.iterdir()) if p.suffix.lower() in FONT_SUFFIXES and _inside(p, workbook)]


def logo_path(workbook: Path) -> str | None:
    """The path typst sees for the workbook's logo, if it has one."""
    for name in LOGO_NAMES:
        if _inside(workbook / "assets" / name, workbook):
            return f"/assets/{name}"
    return None
