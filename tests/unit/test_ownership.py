"""The mark every output carries, found only where its format keeps it; caches and figures checked."""

from __future__ import annotations

import io
import json
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys import ownership
from microsys.ownership import is_ours, source_name, stamp
from microsys.render import cache, svgcheck

TEXT = st.text(max_size=400).map(lambda t: t.encode("utf-8"))


@given(body=TEXT)
def test_marked_markdown_html_and_svg_are_ours(body: bytes) -> None:
    assert is_ours(Path("r.md"), stamp(Path("r.md"), body, "cf"))
    html = b"<!DOCTYPE html><html><head><title>x</title></head><body>" + body + b"</body></html>"
    assert is_ours(Path("r.html"), stamp(Path("r.html"), html, "cf"))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><metadata>old</metadata><text>' + body + b"</text></svg>"
    marked = stamp(Path("f.svg"), svg, "cf")
    assert is_ours(Path("f.svg"), marked) and b"<metadata>old" not in marked  # the body may say "old"


@given(body=TEXT)
def test_the_word_microsys_anywhere_does_not_make_a_file_ours(body: bytes) -> None:
    mark = ownership.mark("cf").encode()
    notes = b"# Notes\nmicrosys is our tool. " + mark + b"\n" + body
    assert not is_ours(Path("notes.md"), notes)
    assert not is_ours(Path("notes.md"), b"<!-- " + mark + b" -->\n" + body)  # not the line microsys writes
    page = b'<html><head></head><body><meta name="generator" content="' + mark + b'">' + body
    assert not is_ours(Path("page.html"), page)
    drawing = b'<svg xmlns="http://www.w3.org/2000/svg"><g/><metadata>' + mark + b"</metadata></svg>"
    assert not is_ours(Path("mine.svg"), drawing)
    for suffix in (".txt", ".yaml", ".csv", ""):
        assert not is_ours(Path(f"x{suffix}"), stamp(Path("x.md"), body, "cf"))


def _png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    out = b"\x89PNG\r\n\x1a\n"
    for kind, data in chunks:
        out += len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    return out


def test_png_and_pdf_marks_are_read_from_their_metadata_only() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    fig.add_subplot().plot([1, 2])
    for fmt, metadata in (("png", ownership.png_metadata("cf")), ("pdf", ownership.pdf_metadata("cf"))):
        mine, theirs = io.BytesIO(), io.BytesIO()
        fig.savefig(mine, format=fmt, metadata=metadata)
        fig.savefig(theirs, format=fmt)
        assert is_ours(Path(f"c.{fmt}"), mine.getvalue())
        assert not is_ours(Path(f"c.{fmt}"), theirs.getvalue())
        assert not is_ours(Path(f"c.{'pdf' if fmt == 'png' else 'png'}"), mine.getvalue())
    mark = ownership.mark("cf").encode()
    ihdr = (b"IHDR", bytes(13))
    assert is_ours(
        Path("a.png"), _png([ihdr, (b"tEXt", b"Software\0" + mark), (b"IDAT", b""), (b"IEND", b"")])
    )
    # The mark under another keyword, or after the image data, is not microsys's.
    assert not is_ours(Path("a.png"), _png([ihdr, (b"tEXt", b"Comment\0" + mark), (b"IEND", b"")]))
    assert not is_ours(Path("a.png"), _png([ihdr, (b"IDAT", b""), (b"tEXt", b"Software\0" + mark)]))
    # A PDF that merely shows the words, not in its document information.
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Length 30 >>\nstream\n(" + mark + b") Tj\nendstream\nendobj\n"
    pdf += b"2 0 obj\n<< /Title (x) >>\nendobj\ntrailer\n<< /Info 2 0 R >>\n%%EOF\n"
    assert not is_ours(Path("a.pdf"), pdf)
    assert is_ours(Path("a.pdf"), pdf.replace(b"/Title (x)", b"/Keywords (" + mark + b")"))


def test_a_large_pdf_with_its_information_in_the_middle_is_ours_to_replace(tmp_path: Path) -> None:
    mark = ownership.mark("org").encode()
    filler = b"3 0 obj\n<< /Length 300000 >>\nstream\n" + b"x" * 300_000 + b"\nendstream\nendobj\n"
    info = b"2 0 obj\n<< /Keywords (" + mark + b") >>\nendobj\n"
    tail = b"trailer\n<< /Info 2 0 R >>\n%%EOF\n"
    pdf = b"%PDF-1.7\n" + filler + info + filler.replace(b"3 0", b"4 0") + tail
    path = tmp_path / "datawall.pdf"
    path.write_bytes(pdf)
    ownership.refuse_unowned(path)  # not refused
    path.write_bytes(pdf.replace(mark, b"x" * len(mark)))
    with pytest.raises(ownership.RefusedError):
        ownership.refuse_unowned(path)


def test_source_names_are_plain_and_stable() -> None:
    assert source_name(Path("/x/sheffield-cf-clinic")) == "sheffield-cf-clinic"
    assert source_name(Path("/x/a--b <script>\u00e9")) == "a-b _script__"
    assert ownership.MANIFEST == __import__("microsys.schema.files", fromlist=["MANIFEST"]).MANIFEST


# --- caches -----------------------------------------------------------------------


def test_a_cache_entry_is_used_only_for_its_key_and_unchanged(tmp_path: Path) -> None:
    entry = tmp_path / "charts" / "k1.json"
    cache.write(entry, "k1", "<svg/>")
    assert cache.read(entry, "k1") == "<svg/>"
    assert cache.read(entry, "k2") is None  # an entry copied under another name
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["content"] = "<svg><script>alert(1)</script></svg>"
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert cache.read(entry, "k1") is None  # changed after it was written
    entry.write_text("<svg/>", encoding="utf-8")  # an old-style or foreign file
    assert cache.read(entry, "k1") is None
    assert cache.read(tmp_path / "missing.json", "k1") is None


def test_caches_live_in_the_users_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MICROSYS_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("MICROSYS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert cache.cache_dir() == tmp_path / "xdg" / "microsys"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert cache.cache_dir() == tmp_path / "local" / "microsys"


# --- figures --------------------------------------------------------------------------

HOSTILE_SVGS = [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><g/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    '<use xlink:href="https://evil.example/x.svg#a"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/track.png"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/p)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://evil.example/a.css";</style></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect style="background:url(//evil.example/a)"/></svg>',
    '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
    "<html><body>not a drawing</body></html>",
    "<svg",
]


@pytest.mark.parametrize("svg", HOSTILE_SVGS)
def test_a_figure_that_could_run_code_or_fetch_anything_is_left_out(svg: str) -> None:
    assert svgcheck.problem(svg) is not None
    assert svgcheck.plain(svg) == svgcheck.LEFT_OUT
    assert svgcheck.problem(svgcheck.LEFT_OUT) is None


_FRAGMENTS = ["url(", "URL (", "#a", "'#b", ")", "http://x.example/p", "data:", "javascript:", "@import",
              "expression(", "1.5", " ", "\n", "url", "(", "#"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["g", "path", "rect", "text", "use", "style"]),
            st.sampled_from(["d", "fill", "style", "href", "clip-path", "transform"]),
            st.lists(st.sampled_from(_FRAGMENTS), max_size=4).map("".join),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_whole_drawing_check_agrees_with_one_attribute_at_a_time(
    parts: list[tuple[str, str, str]],
) -> None:
    from xml.sax.saxutils import quoteattr

    body = "".join(f"<{tag} {name}={quoteattr(value)}/>" for tag, name, value in parts)
    svg = f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    outside = any(
        svgcheck._OUTSIDE.search(value) or (name == "href" and not value.startswith("#"))
        for _, name, value in parts
    )
    assert (svgcheck.problem(svg) is not None) == outside
    # Many plain elements before the one that reaches out are no cover for it.
    rects = '<rect x="1" y="2" fill="#fff"/>' * 50
    if outside:
        assert svgcheck.problem(svg.replace(body, rects + body)) is not None


def test_every_figure_microsys_draws_is_a_plain_drawing() -> None:
    import datetime as dt

    from microsys.render import diagrams, svgchart
    from microsys.report.shapes import Bar
    from microsys.spc.analysis import ChartOptions, analyse
    from microsys.workbook.series import Series

    xs = [float(dt.date(2026, 1, 1).toordinal() + 7 * i) for i in range(20)]
    ys = [float(10 + (i % 5)) for i in range(20)]
    analysis = analyse(xs, ys, None, ChartOptions(chart="i"), ["a note"] + [None] * 19)
    series = Series(title="Wait", xs=tuple(xs), ys=tuple(ys), ns=None, options=ChartOptions(chart="i"))
    assert svgcheck.problem(svgchart.chart(series, analysis, (6.6, 3.6))[0]) is None
    assert svgcheck.problem(diagrams.pareto([Bar("a", 3, True), Bar("b", 1, False)], "Votes").svg) is None


def test_a_drawing_of_text_with_control_characters_is_kept_and_readable() -> None:
    from microsys.render import diagrams
    from microsys.report.shapes import Bar

    svg = diagrams.pareto([Bar("a\x0bb\x01c\ufffe", 3, True)], "Votes\x1b[31m").svg
    kept = svgcheck.plain(svg)
    assert kept != svgcheck.LEFT_OUT and "\x01" not in kept and "\ufffd" in kept
    assert svgcheck.problem(kept) is None
