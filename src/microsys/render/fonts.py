"""The fonts a PDF report is set in, and the characters none of them can show.

A report is set in DejaVu (shipped with matplotlib, so the same on every
machine), with a few of its companions for symbols, and in any font the workbook
keeps in ``assets/fonts/``. A team may write in a script those fonts lack
(Chinese, Japanese, Korean, emoji...): then the fonts of this computer that have
those characters are added, and whatever no font has is named, so that nothing
turns silently into empty boxes.

Which characters a font has is read from its character map with fontTools (a
matplotlib dependency), only when the text needs it, and kept in a small cache.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from microsys.errors import MicrosysError

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
# matplotlib's fonts that a report uses: DejaVu Sans for all text; DejaVu Sans Mono,
# DejaVu Serif and STIX only lend the symbols DejaVu Sans lacks. (Its "LastResort"
# font is left out on purpose: it has a placeholder for every character, which would
# hide the characters that cannot really be shown.)
BUILTIN_FONTS = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSerif-Bold.ttf",
    "STIXGeneral.ttf",
    "STIXGeneralBol.ttf",
)
# Every font has these (the width tables of report/text.py are DejaVu's Latin-1), so
# text made only of them needs no look at any character map.
_ALWAYS = 0xFF
# Fonts that claim (almost) every character with a placeholder glyph.
_PLACEHOLDER_SIZE = 200_000
# System fonts worth reading first when looking for a character (order only saves time).
_LIKELY = (
    "cjk",
    "emoji",
    "noto",
    "han",
    "hei",
    "song",
    "ming",
    "gothic",
    "mincho",
    "yahei",
    "pingfang",
    "hiragino",
    "batang",
    "gulim",
    "malgun",
    "simsun",
    "unifont",
    "symbol",
    "arialuni",
)
_CACHE_VERSION = 1
_CACHE_KEY = "font character maps"


def builtin_folder() -> Path:
    """The folder of matplotlib's fonts, found without importing matplotlib."""
    spec = find_spec("matplotlib")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "mpl-data" / "fonts" / "ttf"
        if (folder / BUILTIN_FONTS[0]).is_file():
            return folder
    raise MicrosysError(
        "matplotlib's fonts are missing", hint="reinstall microsys (pip install --force-reinstall microsys)"
    )


def builtin_fonts() -> list[Path]:
    """The built-in font files a report is set in."""
    folder = builtin_folder()
    return [folder / name for name in BUILTIN_FONTS if (folder / name).is_file()]


def _ignorable(char: str) -> bool:
    """Characters that are never drawn as a glyph of their own."""
    if char.isspace():
        return True
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return True
    return unicodedata.category(char) in ("Cc", "Cf", "Cs")


def characters(value: Any) -> set[str]:
    """Every character beyond Latin-1 that needs a glyph, in every text of ``value``.

    ``value`` may hold dicts, lists and dataclasses (a report's data and figures); it
    is walked by the JSON encoder, much faster than by hand.
    """
    try:
        text = json.dumps(value, ensure_ascii=False, default=_fields, skipkeys=True)
    except (TypeError, ValueError):  # something the encoder cannot walk: its repr will do
        text = repr(value)
    return {c for c in set(text) if ord(c) > _ALWAYS and not _ignorable(c)}


def _fields(item: Any) -> Any:
    if is_dataclass(item) and not isinstance(item, type):
        return {f.name: getattr(item, f.name) for f in fields(item)}
    if isinstance(item, (set, frozenset)):
        return list(item)
    return str(item)


class Coverage:
    """Which characters each font file has, read once and kept in ``cache`` (a JSON file)."""

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache
        self._entries: dict[str, Any] = {}
        self._changed = False
        if cache is not None:
            from microsys.render.cache import read

            try:
                stored = json.loads(read(cache, _CACHE_KEY) or "{}")
                if stored.get("version") == _CACHE_VERSION:
                    self._entries = dict(stored["fonts"])
            except (ValueError, KeyError, TypeError, AttributeError):
                self._entries = {}

    def of(self, path: Path) -> frozenset[int]:
        """The code points ``path`` has a glyph for (every face of a collection); empty if unreadable."""
        try:
            stat = path.stat()
        except OSError:
            return frozenset()
        key = str(path.resolve())
        stamp = [stat.st_size, stat.st_mtime_ns]
        entry = self._entries.get(key)
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            try:
                return frozenset(c for start, end in entry["ranges"] for c in range(start, end + 1))
            except (KeyError, TypeError, ValueError):
                pass
        codes = _read_cmap(path)
        self._entries[key] = {"stamp": stamp, "ranges": _ranges(codes)}
        self._changed = True
        return codes

    def save(self) -> None:
        """Keep what was read for next time (a cache: failing to write it only costs time)."""
        if self.cache is None or not self._changed:
            return
        from microsys.render.cache import write

        write(self.cache, _CACHE_KEY, json.dumps({"version": _CACHE_VERSION, "fonts": self._entries}))
        self._changed = False


def _read_cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    codes: set[int] = set()
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            with TTCollection(str(path), lazy=True) as collection:
                for font in collection.fonts:
                    codes.update(font.getBestCmap() or {})
        else:
            with TTFont(str(path), lazy=True) as font:
                codes.update(font.getBestCmap() or {})
    except (TTLibError, OSError, KeyError, ValueError, AssertionError, EOFError, TypeError):
        return frozenset()
    return frozenset(codes)


def _ranges(codes: Iterable[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ranges


def system_fonts() -> list[Path]:
    """The font files typst finds on this computer (those most likely to help first)."""
    import typst

    seen: dict[str, Path] = {}
    for info in typst.Fonts(include_system_fonts=True, include_embedded_fonts=False).fonts():
        if info.path and info.path not in seen:
            seen[info.path] = Path(info.path)
    paths = [p for p in seen.values() if "lastresort" not in p.name.lower()]
    return sorted(paths, key=lambda p: (not any(hint in p.name.lower() for hint in _LIKELY), str(p)))


@dataclass(frozen=True)
class FontPlan:
    """The fonts for one report: extra fonts of this computer, and characters no font has."""

    fallback: tuple[Path, ...] = ()
    missing: tuple[str, ...] = ()


def plan(chars: set[str], own: list[Path], coverage: Coverage) -> FontPlan:
    """Which fonts of this computer to add so that ``chars`` can be shown, and what is still missing.

    ``own`` are the workbook's fonts. The computer's fonts are read only when the
    built-in and the workbook's fonts lack some character.
    """
    needed = {ord(c) for c in chars if ord(c) > _ALWAYS}
    for path in [*builtin_fonts(), *own]:
        if not needed:
            break
        needed -= coverage.of(path)
    fallback: list[Path] = []
    if needed:
        for path in system_fonts():
            has = coverage.of(path)
            if len(has) > _PLACEHOLDER_SIZE:
                continue
            if needed & has:
                fallback.append(path)
                needed -= has
            if not needed:
                break
    coverage.save()
    return FontPlan(tuple(fallback), tuple(chr(c) for c in sorted(needed)))


def gather(folder: Path, fallback: Iterable[Path]) -> None:
    """Put the built-in fonts and the computer's fallbacks in ``folder``, beside the workbook's.

    Links where the system allows them, else copies.
    """
    folder.mkdir(parents=True, exist_ok=True)
    sources = [(p, f"builtin-{p.name}") for p in builtin_fonts()]
    sources += [(p, f"system-{i}-{p.name}") for i, p in enumerate(fallback)]
    for source, name in sources:
        target = folder / name
        try:
            target.symlink_to(source.resolve())
        except (OSError, NotImplementedError):
            shutil.copyfile(source, target)


def family_name(path: Path) -> str:
    """The family name of the (first) font in ``path``, else its file name."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            with TTCollection(str(path), lazy=True) as collection:
                name = collection.fonts[0]["name"].getBestFamilyName()
        else:
            with TTFont(str(path), lazy=True) as font:
                name = font["name"].getBestFamilyName()
    except (TTLibError, OSError, KeyError, ValueError, AssertionError, EOFError, TypeError, IndexError):
        name = None
    return str(name) if name else path.name
