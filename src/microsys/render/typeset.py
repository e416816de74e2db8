"""PDF with typst: templates read the report as JSON data, never as markup.

Each report compiles in a fresh folder that becomes typst's root: the built-in
templates, the workbook's own overrides (``templates/report/*.typ`` and
``templates/report/storyboard/*.typ``, one per storyboard section), its logo
and fonts, the figures and ``data.json``. typst cannot read outside its root, so
a workbook's templates can read nothing but these copies.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from microsys.errors import EXIT_USAGE, MicrosysError
from microsys.ownership import source_name, typst_preamble
from microsys.render.fonts import FONT_SUFFIXES, gather
from microsys.render.svgcheck import plain
from microsys.report.model import Prose
from microsys.report.text import breakable

# The type scale of each paper size relative to A3 (typst knows the sizes themselves).
UNIT = {"a4": 0.74, "a3": 1.0, "a2": 1.41, "a1": 2.0, "a0": 2.83}
# The file typst compiles: the ownership mark, then the report's template.
MAIN = "microsys-main.typ"
NO_PACKAGES = "microsys-no-packages"
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
    """One compile folder, reused for the attempts at fitting a poster on its page.

    ``own`` are the workbook's own templates; with any, every compile runs in a
    bounded child process (:mod:`microsys.render.bounded`), and ``compiler`` is unused.
    """

    root: Path
    template: str
    compiler: Any
    own: tuple[str, ...] = ()

    def figures(self, svgs: dict[str, str]) -> None:
        """Put (or replace) the figures the templates show (plain drawings only)."""
        for name, svg in svgs.items():
            (self.root / "fig" / name).write_text(plain(svg), encoding="utf-8")

    def _data(self, data: dict[str, Any]) -> None:
        (self.root / "data.json").write_text(
            json.dumps(prepare_text(data), ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )

    def query(self, label: str) -> list[Any] | None:
        """The values of the metadata labelled ``label`` in the last compile.

        None when compiled in a child process (with the workbook's own templates): then
        nothing is read back.
        """
        if self.compiler is None:
            return None
        try:
            found = json.loads(self.compiler.query(label, field="value"))
        except (RuntimeError, ValueError):
            return None
        return found if isinstance(found, list) else None

    def compile(self, data: dict[str, Any]) -> tuple[bytes, int]:
        """The PDF of ``data``, and its number of pages."""
        self._data(data)
        if self.compiler is not None:
            return _compile(self.compiler, f"the {self.template} template")
        from microsys.render import bounded

        names = ", ".join(f"templates/report/{name}" for name in self.own)
        return bounded.run(
            _compile_bounded,
            str(self.root),
            f"the {self.template} template with the workbook's own {names}",
            what=f"typesetting {self.template} with the workbook's own templates ({names})",
            fix="check those templates (a loop that never ends, or a huge page count?), "
            "or move them away to use the built-in ones",
        )


def _compiler(root: Path) -> Any:
    """A typst compiler for the folder ``root``: its fonts only, and no package from anywhere."""
    import typst

    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(root / "fonts")]
    )
    # Packages are looked up (and would be downloaded to) an empty folder of the compile
    # root, never the user's typst folders: a report depends on nothing outside microsys.
    packages = root / NO_PACKAGES
    packages.mkdir(exist_ok=True)
    return typst.Compiler(
        input=str(root / MAIN),
        root=str(root),
        font_paths=fonts,
        package_path=str(packages),
        package_cache_path=str(packages),
    )


# typst marks a tagged PDF with /MarkInfo<</Marked true/Suspects false>>. That is valid PDF,
# but poppler (pdftoppm, pdfinfo, Evince, Okular; fixed only after poppler 25.11) reports
# "Syntax Error: Suspects object is wrong type (boolean)" for any /Suspects but true, on
# every page a user prints or converts. false is the default, so the key is blanked with
# spaces of the same length: every byte offset in the cross-reference table stays right.
_SUSPECTS = b"/Suspects false"
_MARK_INFO = b"/MarkInfo<</Marked true" + _SUSPECTS + b">>"


def without_default_suspects(pdf: bytes) -> bytes:
    """The PDF without the catalog's ``/Suspects false`` (the default), at the same length."""
    blank = _MARK_INFO.replace(_SUSPECTS, b" " * len(_SUSPECTS))
    return pdf.replace(_MARK_INFO, blank, 1)


def _compile(compiler: Any, template: str) -> tuple[bytes, int]:
    """Compile; ``template`` names what is compiled in messages ("the storyboard.typ template")."""
    try:
        pdf = compiler.compile(format="pdf")
        pages = json.loads(compiler.query("<last-page>", field="value", one=True))
    except (RuntimeError, ValueError) as exc:
        if "package" in str(exc).lower():
            raise TypesetError(
                f"{template} asks for a typst package, which microsys never downloads "
                "(nothing in a workbook may make it use the network); nothing was written",
                hint="copy what you need from the package into the workbook's template itself, "
                "or remove the import",
            ) from None
        raise TypesetError(
            f"{template} could not be typeset: {str(exc).strip()[:600]}",
            hint="if the workbook has its own templates/report/ files, check them; "
            "otherwise this is a bug in microsys: please report it",
        ) from None
    return without_default_suspects(bytes(pdf)), int(pages)


def _compile_bounded(root: str, template: str) -> tuple[bytes, int]:
    """Compile in a child process (see :mod:`microsys.render.bounded`)."""
    return _compile(_compiler(Path(root)), template)


# A string naming a typst package (``"@preview/name:1.0.0"``): where an import would fetch it.
_PACKAGE = re.compile(r"""["']@[^"'\s/]*/""")


def refuse_packages(copied: Sequence[Path]) -> None:
    """Refuse a workbook's typst template that imports a package (typst would fetch it online).

    Raises:
        TypesetError: naming the file and line of the first such import.
    """
    for path in copied:
        text = path.read_text(encoding="utf-8", errors="replace")
        found = _PACKAGE.search(text)
        if found:
            line = text.count("\n", 0, found.start()) + 1
            raise TypesetError(
                f"templates/report/{path.name} line {line} imports a typst package "
                f"({found.group(0)[1:40]}...), which typst would download from the internet; "
                "microsys never uses the network, so nothing was written",
                hint="copy what you need from the package into the template itself, or remove the import",
            )


@contextmanager
def job(
    template: str, workbook: Path, builtin: Path, svgs: dict[str, str], fallback: Sequence[Path] = ()
) -> Iterator[Job]:
    """A compile folder for ``template`` (e.g. ``storyboard.typ``) with the workbook's overrides.

    typst sees only the fonts put in its ``fonts`` folder: the built-in ones, the workbook's
    and ``fallback`` (fonts of this computer for characters the others lack), never the
    computer's other fonts, so a report looks the same wherever it is made.
    """
    root: Path | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="microsys-report-") as tmp:
            root = Path(tmp)
            own: list[Path] = []
            for folder in TEMPLATE_FOLDERS:
                (root / folder).mkdir(parents=True, exist_ok=True)
                for path in sorted((builtin / folder).glob("*.typ")):
                    shutil.copyfile(path, root / folder / path.name)
                own += _copy_own(
                    workbook / "templates" / "report" / folder, (".typ",), root / folder, workbook
                )
            _copy_own(workbook / "assets" / "fonts", FONT_SUFFIXES, root / "fonts", workbook)
            gather(root / "fonts", fallback)
            for name in LOGO_NAMES:
                logo = workbook / "assets" / name
                if _inside(logo, workbook):
                    (root / "assets").mkdir(exist_ok=True)
                    shutil.copyfile(logo, root / "assets" / name)
                    break
            (root / "fig").mkdir()
            # The PDF says microsys made it, whatever the workbook's templates set (see ownership).
            main = root / MAIN
            main.write_text(
                typst_preamble(source_name(workbook)) + f'#include "{template}"\n', encoding="utf-8"
            )
            refuse_packages(own)
            made = Job(
                root,
                template,
                None if own else _compiler(root),
                tuple(p.relative_to(root).as_posix() for p in own),
            )
            made.figures(svgs)
            yield made
    except OSError as exc:
        if not _in_compile_folder(exc, root):
            # A workbook's own file (a font, a logo) that cannot be read.
            raise TypesetError(
                f"{exc.filename} could not be read ({exc.strerror or exc}); nothing was written",
                hint="check that the file is there and can be read, or move it out of the workbook",
            ) from None
        # The temporary folder is full, read-only or gone: the user's own files are untouched.
        full = exc.errno == errno.ENOSPC
        raise TypesetError(
            f"the PDF could not be typeset in the temporary folder {tempfile.gettempdir()}: "
            + ("its disk is full" if full else (exc.strerror or str(exc)))
            + "; nothing was written",
            hint="free some space there, or set TMPDIR to a folder with room"
            if full
            else "set TMPDIR to a folder microsys can write to",
        ) from None


def _in_compile_folder(exc: OSError, root: Path | None) -> bool:
    """Whether ``exc`` is about the temporary compile folder (not yet made, or a file in it)."""
    if root is None or exc.filename is None:
        return True
    names = [exc.filename, *([exc.filename2] if exc.filename2 is not None else [])]
    return any(Path(os.fsdecode(name)).is_relative_to(root) for name in names)


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
