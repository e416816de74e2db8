"""Which files microsys made, so that it replaces those and never anything else.

Every file microsys writes (reports, their figures, charts) carries a mark inside
it, in the place each format keeps such things: the PDF's document keywords, a
PNG ``tEXt`` chunk, an SVG ``<metadata>`` element, an HTML
``<meta name="generator">``, a comment on a Markdown file's first line. The mark
names microsys and the workbook (or data file) the output came from, and never
the time, so that outputs stay byte-identical from run to run.

A file is microsys's only when its mark is found where its format keeps it:
the word "microsys" anywhere in a user's notes does not make them a report.
Files that are not microsys's are replaced only with ``--force``; a workbook's
own files (anything in a workbook outside ``build/``) never.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from microsys.errors import MicrosysError, RefusedError, UsageError

GENERATOR = "microsys"
OUTPUT_FOLDER = "build"
# How much of an existing file is read to find its mark: its start, and a PDF's end.
_HEAD = 64 * 1024
_TAIL = 64 * 1024
# PDFs up to this size are read whole when their edges do not show the mark.
_WHOLE_PDF = 512 * 1024 * 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The file that makes a folder a workbook: schema.files.MANIFEST (a test checks they agree),
# not imported from there because that module loads every schema.
MANIFEST = "microsys.yaml"
_SOURCE_CHARS = re.compile(r"[^A-Za-z0-9 ._-]")


def source_name(path: Path) -> str:
    """The name a mark gives for where an output came from: plain ASCII, no markup, no ``--``."""
    name = _SOURCE_CHARS.sub("_", path.name or "workbook")
    return re.sub(r"-{2,}", "-", name)[:80] or "workbook"


def mark(source: str) -> str:
    """The text of the mark for outputs of ``source`` (a :func:`source_name`)."""
    return f"{GENERATOR}; source: {source}"


_MARK = re.compile(rb"microsys; source: [A-Za-z0-9 ._-]{1,80}")
_MD_MARK = re.compile(rb"\A(?:\xef\xbb\xbf)?<!-- microsys; source: [A-Za-z0-9 ._-]{1,80}; [^\n]*-->\r?\n")
_HTML_MARK = re.compile(rb'<meta name="generator" content="microsys; source: [A-Za-z0-9 ._-]{1,80}">', re.I)
_SVG_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>\[]*>\s*)?<svg\b[^>]*>\s*"
    rb"<metadata>microsys; source: [A-Za-z0-9 ._-]{1,80}</metadata>"
)
_PDF_INFO = re.compile(rb"/Info\s+(\d+)\s+(\d+)\s+R")
_PDF_KEYWORDS = re.compile(rb"/Keywords\s*\((microsys; source: [A-Za-z0-9 ._-]{1,80})\)")


# --- putting the mark in -----------------------------------------------------------


def stamp(path: Path, content: bytes, source: str) -> bytes:
    """``content`` of the file ``path`` with the mark of ``source`` where its format keeps it.

    HTML, Markdown and SVG are marked here; PDF and PNG are marked as they are made
    (typst's document keywords, matplotlib's metadata), and only checked here.

    Raises:
        UsageError: a workbook's own template left no place for the mark (an HTML template
            without ``<head>``, a typst template that sets the PDF's keywords itself).
        MicrosysError: the format is not one microsys writes (a bug).
    """
    suffix = path.suffix.lower()
    text = mark(source)
    if suffix == ".md":
        line = f"<!-- {text}; made by `microsys report`, which rebuilds this file in place -->\n"
        return line.encode() + content
    if suffix == ".html":
        meta = f'<meta name="generator" content="{text}">'.encode()
        head = re.search(rb"<head\b[^>]*>", content, re.I)
        if head is None:
            raise UsageError(
                f"the HTML made for {path.name} has no <head>, so it cannot say microsys made it",
                hint="if the workbook has its own templates/report/*.html.j2, give them a <head> element",
            )
        return content[: head.end()] + b"\n" + meta + content[head.end() :]
    if suffix == ".svg":
        start = re.search(rb"<svg\b[^>]*>", content)
        if start is None:
            raise MicrosysError(f"the drawing made for {path.name} is not SVG", hint=_BUG)
        body = re.sub(rb"\s*<metadata>.*?</metadata>", b"", content[start.end() :], count=1, flags=re.S)
        return content[: start.end()] + f"\n <metadata>{text}</metadata>".encode() + body
    if suffix in (".pdf", ".png"):
        if not is_ours(path, content):
            raise UsageError(
                f"the {suffix[1:].upper()} made for {path.name} lacks the mark that says microsys made it",
                hint="if the workbook has its own templates/report/*.typ, let them leave the document's "
                "keywords to microsys; otherwise this is a bug in microsys: please report it",
            )
        return content
    raise MicrosysError(f"microsys does not write {suffix or 'extension-less'} files ({path})", hint=_BUG)


_BUG = "this is a bug in microsys: please report it"


def png_metadata(source: str) -> dict[str, str]:
    """Metadata (matplotlib's ``metadata=``) for a PNG: the mark as its ``Software`` text chunk."""
    return {"Software": mark(source)}


def pdf_metadata(source: str) -> dict[str, object]:
    """Metadata (matplotlib's ``metadata=``) for a PDF: the mark as its keywords, and no dates."""
    return {
        "Keywords": mark(source),
        "Creator": GENERATOR,
        "Producer": GENERATOR,
        "CreationDate": None,
        "ModDate": None,
    }


def typst_preamble(source: str) -> str:
    """The typst source that sets the mark as the document's keywords (before a template is included)."""
    return f'#set document(keywords: ("{mark(source)}",))\n'


# --- finding the mark -------------------------------------------------------------


def is_ours(path: Path, content: bytes) -> bool:
    """Whether ``content`` (all of it, or its start and end) holds microsys's mark for its format."""
    suffix = path.suffix.lower()
    if suffix == ".md":
        return _MD_MARK.match(content) is not None
    if suffix in (".html", ".htm"):
        head = re.split(rb"</head\s*>|<body\b", content[:_HEAD], maxsplit=1, flags=re.I)[0]
        return _HTML_MARK.search(head) is not None
    if suffix == ".svg":
        return _SVG_START.match(content[:_HEAD]) is not None
    if suffix == ".png":
        return _png_ours(content)
    if suffix == ".pdf":
        return _pdf_ours(content)
    return False


def _png_ours(content: bytes) -> bool:
    """A ``Software`` text chunk with the mark, before the image data."""
    if not content.startswith(_PNG_SIGNATURE):
        return False
    at = len(_PNG_SIGNATURE)
    while at + 8 <= len(content):
        length = int.from_bytes(content[at : at + 4], "big")
        kind = content[at + 4 : at + 8]
        data = content[at + 8 : at + 8 + length]
        if kind in (b"IDAT", b"IEND") or len(data) < length:
            return False
        if kind == b"tEXt":
            keyword, _, value = data.partition(b"\0")
            if keyword == b"Software" and _MARK.fullmatch(value):
                return True
        at += 12 + length
    return False


def _pdf_ours(content: bytes) -> bool:
    """The mark as the keywords of the document information dictionary the trailer names."""
    if not content.startswith(b"%PDF-"):
        return False
    tail = content[-_TAIL:]
    infos = list(_PDF_INFO.finditer(tail))
    if not infos:
        return False
    number, generation = infos[-1].group(1), infos[-1].group(2)
    obj = re.compile(rb"(?<![0-9])" + number + rb"\s+" + generation + rb"\s+obj\s*<<(.*?)>>\s*endobj", re.S)
    return any(_PDF_KEYWORDS.search(found.group(1)) for found in obj.finditer(content))


def _read_edges(path: Path, whole: bool = False) -> bytes:
    """The start and end of a regular file (all of it with ``whole``), never following a link or blocking."""
    flags = (
        os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    )
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b""
        if whole or info.st_size <= _HEAD + _TAIL:
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        head = os.read(fd, _HEAD)
        os.lseek(fd, -_TAIL, os.SEEK_END)
        return head + os.read(fd, _TAIL)
    finally:
        os.close(fd)


# --- refusing -----------------------------------------------------------------------


def _workbook_of(folder: Path) -> Path | None:
    """The workbook whose folder holds ``folder`` (which may not exist yet), if any."""
    for candidate in (folder, *folder.parents):
        with contextlib.suppress(OSError):
            if (candidate / MANIFEST).is_file():
                return candidate
    return None


def _links_below(root: Path, path: Path) -> Path | None:
    """The first folder between ``root`` and ``path`` that is a symbolic link, if any."""
    here = root
    for part in path.relative_to(root).parts[:-1]:
        here = here / part
        if here.is_symlink():
            return here
    return None


def refuse_unowned(path: Path, *, force: bool = False) -> None:
    """Refuse to write ``path`` unless it is new or a file microsys made (or ``force``).

    A workbook's own files and folders (anything in it outside ``build/``) are refused
    whatever ``force`` says, and so are links, anything but a regular file, and a path
    in ``build/`` reached through a link.

    Raises:
        RefusedError: the file is not microsys's, or it belongs to a workbook.
    """
    path = Path(os.path.abspath(path))
    resolved_parent = Path(os.path.realpath(path.parent))
    for folder, lexical in ((resolved_parent, False), (path.parent, True)):
        root = _workbook_of(folder)
        if root is None:
            continue
        rel = path.relative_to(root) if lexical else (resolved_parent / path.name).relative_to(root)
        if not rel.parts or rel.parts[0] != OUTPUT_FOLDER:
            raise RefusedError(
                f"{path} is inside the workbook {root}; microsys writes reports and charts only "
                f"into its {OUTPUT_FOLDER}/ folder, never among the workbook's own files",
                hint=f"leave out --out to write into {root / OUTPUT_FOLDER}, "
                "or choose a path outside the workbook",
            )
        link = _links_below(root, path) if lexical else None
        if link is not None:
            raise RefusedError(
                f"{link} is a link to another place; microsys does not write through it",
                hint=f"remove the link (a {OUTPUT_FOLDER}/ folder holds only what microsys makes), "
                "then run again",
            )
    try:
        info = path.lstat()
    except FileNotFoundError:
        _refuse_non_folder(path.parent)
        return
    except NotADirectoryError:
        # `--out notes.txt` (a file, not an image or report name) is taken as a folder.
        above = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        raise RefusedError(
            f"{above} is a file, not a folder, so {path} cannot be written; it was left as it is",
            hint="give --out a folder, or a file name ending as the output does "
            "(.png, .svg or .pdf for charts; .pdf, .html or .md for reports)",
        ) from None
    except OSError as exc:
        raise RefusedError(
            f"{path} cannot be looked at ({exc.strerror})", hint="check its permissions"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise RefusedError(
            f"{path} is a folder; nothing was written", hint="give --out a file name, or another folder"
        )
    if stat.S_ISLNK(info.st_mode):
        # Even with --force: whatever the link points to could be read or written through it.
        raise RefusedError(
            f"{path} is a link, which microsys never writes through or replaces; it was left as it is",
            hint="remove the link (or choose another --out), then run again",
        )
    if not stat.S_ISREG(info.st_mode):
        raise RefusedError(f"{path} is not a regular file; nothing was written", hint="choose another --out")
    try:
        ours = is_ours(path, _read_edges(path))
        if not ours and path.suffix.lower() == ".pdf" and info.st_size <= _WHOLE_PDF:
            # A large PDF's information dictionary can sit in its middle (a data wall of many charts).
            ours = is_ours(path, _read_edges(path, whole=True))
    except OSError:
        ours = False
    if not ours and not force:
        raise RefusedError(
            f"{path} already exists and was not made by microsys; it was left as it is",
            hint="choose another --out, move that file away, or add --force to replace it",
        )


def _refuse_non_folder(folder: Path) -> None:
    """Refuse when a would-be folder on the way to a new file is a file."""
    for candidate in (folder, *folder.parents):
        if candidate.exists() or candidate.is_symlink():
            if not candidate.is_dir():
                raise RefusedError(
                    f"{candidate} is a file, not a folder; nothing was written",
                    hint="give --out a folder or a file name ending in the format's extension",
                )
            return


def refuse_all(paths: Mapping[Path, object] | list[Path], *, force: bool = False) -> None:
    """:func:`refuse_unowned` for each path (all are looked at before anything is written)."""
    for path in paths:
        refuse_unowned(path, force=force)


def contained_in(paths: list[Path], folder: Path) -> Path | None:
    """``folder`` when every path is inside it (the root a commit keeps writes in), else ``None``."""
    try:
        base = Path(os.path.abspath(folder))
        for path in paths:
            Path(os.path.abspath(path)).relative_to(base)
    except ValueError:
        return None
    return base
