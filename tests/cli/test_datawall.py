"""``microsys report FOLDER --kind datawall`` and ``--kind site``: the organisation's pages."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLES, NOT_SOURCE, call, unchanged

TODAY = "2026-11-20"


def _org(folder: Path) -> Path:
    root = folder / "org"
    for name in ("sepsis-big-room", "sheffield-cf-clinic", "millbrook-surgery"):
        shutil.copytree(EXAMPLES / name, root / name, ignore=NOT_SOURCE)
    shutil.copy(EXAMPLES / "microsys-organisation.yaml", root)
    return root


@pytest.fixture
def org(tmp_path: Path) -> Path:
    """An organisation folder: the sepsis pathway with its microsystems, the CF clinic, Millbrook."""
    return _org(tmp_path)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The organisation's site (``--kind site``), made once for the tests that only read it or copy it."""
    from microsys.cli import run

    folder = tmp_path_factory.mktemp("site")
    out = folder / "public"
    assert run(["report", str(_org(folder)), "--kind", "site", "-o", str(out), "--today", TODAY]) == 0
    return out


def _pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_datawall_has_a_page_per_pathway_or_group_with_tiles_icons_and_stages(
    capsys: pytest.CaptureFixture[str], org: Path, tmp_path: Path
) -> None:
    out = tmp_path / "wall"
    code, said, err = call(capsys, "report", str(org), "--kind", "datawall", "-f", "pdf", "-f", "html",
                           "-o", str(out), "--today", TODAY)  # fmt: skip
    assert code == 0, err
    assert "datawall.pdf" in said and "datawall.html" in said
    pages = _pdf_pages(out / "datawall.pdf")
    # The organisation first, then the pathway, the CF group (its mesosystem), other microsystems.
    assert "Riverside Hospitals NHS Trust" in pages[0] and "no avoidable deaths from sepsis" in pages[0]
    sepsis = next(p for p in pages if "Sepsis big room (pathway)" in p)
    assert "Patients coded with sepsis per week" in sepsis and "Emergency Department, South Site" in sepsis
    assert "special cause variation: improving" in sepsis
    assert "▲ antibiotics-within-hour, coded-sepsis-cases" in sepsis.replace("\n", " ")
    assert any("Other microsystems" in p and "Millbrook Surgery" in p for p in pages)
    # A measure with 6 values is drawn, but not said to show common cause variation: it is not judged yet.
    cf = " ".join(" ".join(p for p in pages if "Median preventive inhaled therapy taken" in p).split())
    # In the chart's own words.
    assert "too few points to judge yet: 6 points (runs analysis needs 10)" in cf
    html = (out / "datawall.html").read_text(encoding="utf-8")
    assert '<meta name="generator" content="microsys; source: org">' in html
    assert html.count('class="tile"') >= 8  # 3 sepsis, 4 CF, 1 organisation measure
    assert "http://" not in html.replace("http://www.w3.org/", "") and "https://" not in html
    # The page counts groups (HTML has no pages) and names the folder, not where it lay.
    assert "page(s)" not in html and "groups of teams" in html and str(tmp_path) not in html


def test_a_large_wall_typeset_in_parts_reads_as_one_typeset_whole(
    capsys: pytest.CaptureFixture[str], org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microsys.render import wall

    whole = tmp_path / "whole.pdf"
    assert call(capsys, "report", str(org), "--kind", "datawall", "-o", str(whole), "--today", TODAY)[0] == 0
    # Parts of one group each (as a wall of a thousand teams is cut, a few hundred tiles a part).
    monkeypatch.setattr(wall, "PART_TILES", 1)
    typeset = wall._in_processes
    batches: list[int] = []
    monkeypatch.setattr(
        wall, "_in_processes", lambda work, *a, **k: batches.append(len(work)) or typeset(work, *a, **k)
    )
    split = tmp_path / "parts.pdf"
    code, _, err = call(capsys, "report", str(org), "--kind", "datawall", "-o", str(split), "--today", TODAY)
    assert code == 0, err
    one, parts = _pdf_pages(whole), _pdf_pages(split)
    assert len(parts) == len(one) == 4
    for k, (a, b) in enumerate(zip(one, parts, strict=True), start=1):
        assert " ".join(a.split()) == " ".join(b.split())
        assert f"page {k} of 4" in b
    assert batches == [3, 1]  # three parts, in processes of their own; then the pages put together
    assert PdfReader(split).metadata.title == PdfReader(whole).metadata.title  # type: ignore[union-attr]


def test_a_group_too_large_for_a_part_continues_on_pages_of_its_own(
    capsys: pytest.CaptureFixture[str], org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microsys.render import wall

    whole = tmp_path / "whole.pdf"
    assert call(capsys, "report", str(org), "--kind", "datawall", "-o", str(whole), "--today", TODAY)[0] == 0
    # The sepsis pathway (five workbooks) cut two teams a piece.
    monkeypatch.setattr(wall, "GROUP_TEAMS", 2)
    split = tmp_path / "cut.pdf"
    code, _, err = call(capsys, "report", str(org), "--kind", "datawall", "-o", str(split), "--today", TODAY)
    assert code == 0, err
    one, cut = _pdf_pages(whole), _pdf_pages(split)
    continued = [p for p in cut if "Sepsis big room (pathway), continued" in p]
    assert (
        len(continued) == 2 and "2 workbook(s) more" in continued[0] and "1 workbook(s) more" in continued[1]
    )
    assert len(cut) == len(one) + 2 and all(
        f"page {k} of {len(cut)}" in p for k, p in enumerate(cut, start=1)
    )
    # Every team's row and tiles are still on the wall, as often as on the wall in one piece.
    for name in ("Acute Medical Unit", "Emergency Department, North Site", "Haematology Ward"):
        assert sum(p.count(name) for p in cut) == sum(p.count(name) for p in one), name


def test_a_wall_in_parts_with_the_folders_own_templates_typesets_each_in_its_bounded_process(
    capsys: pytest.CaptureFixture[str], org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microsys.render import wall
    from microsys.resources import templates_dir

    own = org / "templates" / "report"
    own.mkdir(parents=True)
    style = (templates_dir() / "report" / "style.typ").read_text(encoding="utf-8")
    (own / "style.typ").write_text(style.replace("#0f6e8c", "#7a1f5c"), encoding="utf-8")
    monkeypatch.setattr(wall, "PART_TILES", 1)
    out = tmp_path / "parts.pdf"
    code, _, err = call(capsys, "report", str(org), "--kind", "datawall", "-o", str(out), "--today", TODAY)
    assert code == 0, err
    pages = _pdf_pages(out)
    assert len(pages) == 4 and all(f"page {k} of 4" in p for k, p in enumerate(pages, start=1))


def test_datawall_charts_print_at_their_drawn_size(
    capsys: pytest.CaptureFixture[str], org: Path, tmp_path: Path
) -> None:
    from microsys.report.wall import TILE_SIZE

    out = tmp_path / "wall.html"
    assert (
        call(
            capsys, "report", str(org), "--kind", "datawall", "-f", "html", "-o", str(out), "--today", TODAY
        )[0]
        == 0
    )
    html = out.read_text(encoding="utf-8")
    # Each chart is placed at its drawn width (a viewBox unit is a point): its text keeps its size in print.
    charts = re.findall(r'<svg [^>]*viewBox="0 0 ([\d.]+) [\d.]+" width="([\d.]+)pt" height="[\d.]+pt"', html)
    assert len(charts) >= 8
    assert all(abs(float(w) - TILE_SIZE[0] * 72) < 1 and w == v for v, w in charts), charts
    assert f"width: {TILE_SIZE[0]}in" in html
    tiles = re.findall(r"<figure><svg .*?</svg>", html, flags=re.S)
    chart_text = [float(s) for t in tiles for s in re.findall(r'font-size="([\d.]+)"', t)]
    assert len(tiles) >= 8 and chart_text and min(chart_text) >= 7
    body_text = [float(s) for s in re.findall(r"font-size: ([\d.]+)pt", html)]
    assert body_text and min(body_text) >= 9


def test_an_identifier_in_any_workbook_blocks_the_wall_and_the_site(
    capsys: pytest.CaptureFixture[str], org: Path, tmp_path: Path
) -> None:
    pdsa = org / "sheffield-cf-clinic" / "pdsa" / "PDSA-2.yaml"
    pdsa.write_text(pdsa.read_text(encoding="utf-8") + "# seen 943 476 5919\n", encoding="utf-8")
    before = unchanged(org)
    for kind, out, jobs in (
        ("datawall", tmp_path / "wall", "0"),
        ("site", tmp_path / "site", "1"),
        ("site", tmp_path / "site-by-two", "2"),  # each workbook judged in a worker: still nothing written
    ):
        code, _, err = call(
            capsys, "report", str(org), "--kind", kind, "-o", str(out), "--today", TODAY, "-j", jobs
        )
        assert code != 0 and code != 3
        assert "PDSA-2.yaml" in err and "NHS number" in err and "9434765919" not in err
        assert not out.exists()
    assert unchanged(org) == before


def _identifier(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "# seen 943 476 5919\n", encoding="utf-8")


@pytest.mark.parametrize("kind", ["site", "datawall"])
@pytest.mark.parametrize(
    ("jobs", "refused", "made"),
    [
        ("1", "sepsis-big-room/ed-north", {"millbrook-surgery", "sepsis-big-room/acute-medical-unit"}),
        ("2", "millbrook-surgery", None),
    ],
)
def test_a_refused_folder_stops_drawing_at_the_refusal_yet_names_every_place(
    capsys: pytest.CaptureFixture[str],
    org: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    jobs: str,
    refused: str,
    made: set[str] | None,
) -> None:
    """Once a workbook is refused, nothing will be written: the workbooks after it are only
    gated (to name every place), never drawn or rendered. Each workbook read in full (row,
    tiles and, for the site, reports) is logged to a file: the pool's forked processes log too."""
    from microsys import datawall

    log = tmp_path / "read.txt"
    read = datawall.read

    def logged(root: Path, today: object, doing: str = datawall.DOING) -> object:
        if jobs != "1" and root != org / refused:
            # Another workbook waits in its process until the refusal is known there: then at
            # most the one it began is read in full, whatever the timing.
            deadline = time.monotonic() + 20
            while not datawall._refused.is_set() and time.monotonic() < deadline:
                time.sleep(0.01)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(root.relative_to(org).as_posix() + "\n")
        return read(root, today, doing)  # type: ignore[arg-type]

    monkeypatch.setattr(datawall, "read", logged)
    _identifier(org / refused / "microsys.yaml")
    _identifier(org / "sheffield-cf-clinic" / "pdsa" / "PDSA-2.yaml")  # the last workbook
    before = unchanged(org)
    out = tmp_path / "out"
    code, _, err = call(
        capsys, "report", str(org), "--kind", kind, "-o", str(out), "--today", TODAY, "-j", jobs
    )
    assert code == 1, err
    # Every place is still named, the last workbook's too, as when every workbook was drawn.
    assert "PDSA-2.yaml" in err and f"{refused}/microsys.yaml" in err and "9434765919" not in err
    assert f"will not make the {'site' if kind == 'site' else 'data wall'}" in err
    read_in_full = set(log.read_text(encoding="utf-8").split())
    if made is not None:
        assert read_in_full == made | {refused}  # the workbooks up to the refused one, none after
    else:
        # The first workbook is refused: at most the one the other process began meanwhile.
        assert read_in_full in ({refused}, {refused, "sepsis-big-room/acute-medical-unit"}), read_in_full
    assert not out.exists() and unchanged(org) == before


def test_datawall_refuses_a_file_microsys_did_not_make(
    capsys: pytest.CaptureFixture[str], org: Path, tmp_path: Path
) -> None:
    out = tmp_path / "wall.pdf"
    out.write_bytes(b"%PDF-1.4 someone else's")
    code, _, err = call(capsys, "report", str(org), "--kind", "datawall", "-o", str(out), "--today", TODAY)
    assert code != 0 and "wall.pdf" in err
    assert out.read_bytes() == b"%PDF-1.4 someone else's"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "href" and tag in ("a", "link", "area"):
                self.links.append(value)
            elif name in ("src", "srcset") or (name == "href" and tag not in ("a", "link", "area")):
                self.sources.append(value)


def check_links(site: Path) -> dict[Path, set[Path]]:
    """Every page's links: each one relative and resolving to a file of the site. Returns the link graph."""
    graph: dict[Path, set[Path]] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        graph[page] = set()
        for href in parser.links:
            url = urlparse(href)
            assert not url.scheme and not url.netloc and not href.startswith("/"), f"{page}: {href}"
            if not url.path:  # a link within the page
                continue
            target = (page.parent / unquote(url.path)).resolve()
            assert target.is_file() and target.is_relative_to(site.resolve()), (
                f"{page}: {href} does not resolve"
            )
            graph[page].add(target)
        # SVG's own references (#clip ids) are local; nothing is fetched.
        assert all(s.startswith("#") for s in parser.sources), (page, parser.sources)
    return graph


def test_site_is_self_contained_and_linked_both_ways(site: Path) -> None:
    graph = check_links(site)
    index = (site / "index.html").resolve()
    # Every page is reached from the index, and every page links back to it.
    seen, todo = {index}, [index]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    assert seen == {p.resolve() for p in graph}
    assert all(index in links for page, links in graph.items() if page.resolve() != index)
    team = site / "sepsis-big-room" / "pathway"
    assert {"index.html", "storyboard.html", "5v-summary.html"} <= {p.name for p in team.iterdir()}
    assert (site / "sepsis-big-room" / "ed-north" / "5p-summary.html").is_file()
    assert (site / "sheffield-cf-clinic" / "playbook.html").is_file()
    wall = (site / "datawall.html").read_text(encoding="utf-8")
    assert 'href="sepsis-big-room/pathway/index.html"' in wall
    # A meeting date is never broken at its hyphen ("2026-11-" / "10") in a narrow column.
    for text in (wall, index.read_text(encoding="utf-8")):
        assert re.search(r'<td class="date">2026-11-\d\d</td>', text)
        assert re.search(r"td\.date \{ ?white-space: nowrap; ?\}", text)
    for page in graph:
        text = page.read_text(encoding="utf-8")
        assert "microsys; source: org" in text
        assert not re.search(r"(?:src|href)=[\"'](?:https?:)?//", text), page


def test_site_is_rebuilt_in_place_but_never_over_a_foreign_file(
    capsys: pytest.CaptureFixture[str], org: Path, tmp_path: Path, site: Path
) -> None:
    made = site
    site = tmp_path / "public"
    shutil.copytree(made, site)  # a site made before (by the same command, of the same folders)
    args = ("report", str(org), "--kind", "site", "-o", str(site), "--today", TODAY)
    assert call(capsys, *args)[0] == 0  # its own files are replaced
    assert unchanged(site) == unchanged(made)
    (site / "millbrook-surgery" / "index.html").write_text("<html>a page of our own</html>", encoding="utf-8")
    before = unchanged(site)
    code, _, err = call(capsys, *args)
    assert code != 0 and "millbrook-surgery/index.html" in err
    assert unchanged(site) == before
    assert call(capsys, "report", str(org), "--kind", "site", "-o", str(site / "x.html"))[0] == 2


def test_site_made_by_two_processes_is_the_same_file_for_file(
    capsys: pytest.CaptureFixture[str], org: Path, tmp_path: Path, site: Path
) -> None:
    out = tmp_path / "public"
    code, said, err = call(capsys, "report", str(org), "--kind", "site", "-o", str(out), "--today", TODAY,
                           "-j", "2")  # fmt: skip
    assert code == 0, err
    assert f"wrote {len(unchanged(site))} file(s)" in said
    assert unchanged(out) == unchanged(site)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(
    _chromium() is None, reason="headless Chromium is not installed (apt-get install chromium)"
)
def test_site_works_in_a_real_browser_from_file_urls(site: Path, tmp_path: Path) -> None:
    graph = check_links(site)
    # From the index, follow the links to a team page, its storyboard, and the data wall.
    team = site / "sepsis-big-room" / "pathway" / "index.html"
    pages = [
        site / "index.html",
        team,
        site / "sepsis-big-room" / "pathway" / "storyboard.html",
        site / "datawall.html",
    ]
    assert team.resolve() in graph[(site / "index.html")] and pages[2].resolve() in graph[team]
    for page in pages:
        dom, log = _browse(page, tmp_path)
        assert "<nav" in dom or page.name == "index.html"
        assert "Sepsis big room" in dom or "Sepsis" in dom
        errors = [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line]
        assert not errors, errors
        assert "ERR_FILE_NOT_FOUND" not in log


def _browse(page: Path, tmp: Path) -> tuple[str, str]:
    """The DOM chromium builds from ``page`` (a file:// URL) and what it logged."""
    browser = _chromium()
    assert browser is not None
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--enable-logging=stderr", "--v=0", f"--user-data-dir={tmp / 'chromium'}",
         "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr
