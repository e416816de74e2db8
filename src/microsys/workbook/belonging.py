"""Which theme each record belongs to, so that the story of one theme can be told at any time.

A team works on one theme at a time, then moves on to the next; the workbook keeps
every theme's records side by side. A report is of one theme, so every record
needs a theme: a global aim names it (`theme:`), a change idea names it (`theme:`),
and everything else reaches one through the records it names:

=================  ==========================================================
record             its theme
=================  ==========================================================
global aim         its ``theme:``
specific aim       its global aim's theme
process map        its ``global_aim:``'s theme; else the themes of the playbook
                   entries that name it; else the only theme worked on
fishbone           its ``global_aim:``'s theme; else the only theme worked on
driver diagram     its ``aim:``'s theme (a specific aim's or a global aim's)
change idea        its ``theme:``; else the only theme worked on
multi-vote round   the themes of the change ideas it counts or selects
PDSA cycle         its change idea's theme
SDSA cycle         its change idea's theme; else its playbook entry's themes
playbook entry     the themes of the change ideas it standardises; else its
                   process map's theme; else the only theme worked on
measure            the themes of the specific aims, cycles, playbook entries
                   and driver diagrams that name it; a measure none names is
                   the team's, and belongs to every theme
=================  ==========================================================

"The only theme worked on" is the theme when the workbook has worked on just one
(a theme with a global aim, the selected theme, or one the ramp's history names):
a team on its first theme need not link anything. Once a second theme is worked
on, a change idea, map, fishbone or playbook entry that names none is ambiguous,
and `check` says so (``theme.unplaced``), with the line to add.

The 5Ps, meetings and self-assessments belong to the team, not to a theme.
Each rule is one row of :data:`KINDS`: a new kind of record gets a row there
(and a line in docs/themes.md, which a test keeps in step).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from microsys import rules
from microsys.diagnostics import Diagnostic
from microsys.errors import UsageError
from microsys.schema.cycles import PDSA, SDSA, PlaybookEntry
from microsys.schema.improvement import (
    ChangeIdea,
    ChangeIdeas,
    DriverDiagram,
    Fishbone,
    GlobalAim,
    ProcessMap,
    SpecificAim,
    Theme,
    VoteRound,
)
from microsys.schema.measures import Measure
from microsys.schema.messages import did_you_mean
from microsys.workbook.model import Workbook

ThemeIds = frozenset[str]
NONE: ThemeIds = frozenset()


class Belonging:
    """The theme(s) of each record of one workbook (an empty set: it cannot be placed)."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        themes = wb.themes
        self.themes: dict[str, Theme] = {t.id: t for t in themes.themes} if themes else {}
        aims = wb.aims
        self.global_aims: dict[str, GlobalAim] = {a.id: a for a in aims.global_aims} if aims else {}
        ideas = wb.change_ideas
        self.ideas: dict[str, ChangeIdea] = {i.id: i for i in ideas.ideas} if ideas else {}
        self.maps: dict[str, ProcessMap] = {pm.id: pm for pm in wb.process_maps}

    @cached_property
    def worked(self) -> tuple[str, ...]:
        """Themes the team has worked on: with a global aim, selected, or named by the ramp's history."""
        themes = self.wb.themes
        named = {a.theme for a in self.global_aims.values()}
        named |= {h.theme for h in self.wb.ramp.history if h.theme}
        if themes is not None and themes.selected:
            named.add(themes.selected)
        return tuple(t for t in self.themes if t in named)

    @property
    def only(self) -> ThemeIds:
        """The one theme worked on, when there is exactly one (else none)."""
        return frozenset(self.worked) if len(self.worked) == 1 else NONE

    def _known(self, theme: str | None) -> ThemeIds:
        return frozenset({theme}) if theme in self.themes else NONE

    def _aim(self, ga_id: str | None) -> ThemeIds:
        ga = self.global_aims.get(ga_id or "")
        return self._known(ga.theme) if ga else NONE

    # --- one rule per kind of record --------------------------------------
    def global_aim(self, ga: GlobalAim) -> ThemeIds:
        """Its ``theme:``."""
        return self._known(ga.theme)

    def specific_aim(self, sa: SpecificAim) -> ThemeIds:
        """Its global aim's theme."""
        return self._aim(sa.global_aim)

    def process_map(self, pm: ProcessMap) -> ThemeIds:
        """Its global aim's theme; else the themes of playbook entries naming it; else the only theme."""
        if pm.global_aim:
            return self._aim(pm.global_aim)
        via = NONE.union(*(self._changes(p) for p in self.wb.playbook if p.process_map == pm.id))
        return via or self.only

    def fishbone(self, fb: Fishbone) -> ThemeIds:
        """Its global aim's theme; else the only theme."""
        return self._aim(fb.global_aim) if fb.global_aim else self.only

    def driver_diagram(self, dd: DriverDiagram) -> ThemeIds:
        """Its aim's theme (the aim is a specific aim or a global aim)."""
        aims = self.wb.aims
        ga = aims.global_aim_of(dd.aim) if aims is not None else None
        return self._known(ga.theme) if ga is not None else NONE

    def change_idea(self, idea: ChangeIdea) -> ThemeIds:
        """Its ``theme:``; else the only theme."""
        return self._known(idea.theme) if idea.theme else self.only

    def vote(self, vote: VoteRound) -> ThemeIds:
        """The themes of the ideas it counts or selects."""
        ids = [*vote.votes, *vote.selected]
        return NONE.union(*(self.change_idea(self.ideas[i]) for i in ids if i in self.ideas))

    def _idea(self, ident: str) -> ThemeIds:
        idea = self.ideas.get(ident)
        return self.change_idea(idea) if idea else NONE

    def pdsa(self, cycle: PDSA) -> ThemeIds:
        """Its change idea's theme."""
        return self._idea(cycle.change)

    def sdsa(self, cycle: SDSA) -> ThemeIds:
        """Its change idea's theme; else its playbook entry's."""
        own = self._idea(cycle.change)
        if own or not cycle.playbook:
            return own
        entry = next((p for p in self.wb.playbook if p.id == cycle.playbook), None)
        return self.playbook(entry) if entry else NONE

    def _changes(self, entry: PlaybookEntry) -> ThemeIds:
        return NONE.union(*(self._idea(c) for c in entry.changes))

    def playbook(self, entry: PlaybookEntry) -> ThemeIds:
        """The themes of the ideas it standardises; else its process map's; else the only theme."""
        via = self._changes(entry)
        if via:
            return via
        pm = self.maps.get(entry.process_map or "")
        if pm is not None and pm.global_aim:
            return self._aim(pm.global_aim)
        return self.only

    def measure(self, m: Measure) -> ThemeIds:
        """The themes of the aims, cycles, playbook entries and driver diagrams naming it; else all."""
        aims = self.wb.aims
        found: set[str] = set()
        for sa in aims.specific_aims if aims else []:
            if sa.measure == m.id:
                found |= self.specific_aim(sa)
        for c in self.wb.pdsa_cycles:
            if m.id in c.measures:
                found |= self.pdsa(c)
        for s in self.wb.sdsa_cycles:
            if m.id in s.measures:
                found |= self.sdsa(s)
        for p in self.wb.playbook:
            if m.id in p.measures:
                found |= self.playbook(p)
        for dd in self.wb.driver_diagrams:
            named = [
                *(p.measures for p in dd.primary),
                *(s.measures for p in dd.primary for s in p.secondary),
            ]
            if any(m.id in ids for ids in named):
                found |= self.driver_diagram(dd)
        return frozenset(found) if found else frozenset(self.themes)

    # --- questions the reports ask ----------------------------------------
    def of(self, theme: str | None, kind: str, record: Any) -> bool:
        """True when ``record`` (of ``kind``, a key of :data:`KINDS`) belongs to ``theme``.

        With no theme (a workbook that has none yet) every record is shown.
        """
        if theme is None:
            return True
        return theme in KINDS[kind].rule(self, record)


@dataclass(frozen=True)
class Kind:
    """How one kind of record finds its theme."""

    kind: str
    what: str
    rule: Callable[[Belonging, Any], ThemeIds]


# One row per kind of record that belongs to a theme; docs/themes.md lists the same rows.
KINDS: dict[str, Kind] = {
    k.kind: k
    for k in (
        Kind("global_aim", "global aim", Belonging.global_aim),
        Kind("specific_aim", "specific aim", Belonging.specific_aim),
        Kind("process_map", "process map", Belonging.process_map),
        Kind("fishbone", "fishbone", Belonging.fishbone),
        Kind("driver_diagram", "driver diagram", Belonging.driver_diagram),
        Kind("change_idea", "change idea", Belonging.change_idea),
        Kind("vote", "multi-vote round", Belonging.vote),
        Kind("pdsa", "PDSA cycle", Belonging.pdsa),
        Kind("sdsa", "SDSA cycle", Belonging.sdsa),
        Kind("playbook", "playbook entry", Belonging.playbook),
        Kind("measure", "measure", Belonging.measure),
    )
}


# ---------------------------------------------------------------------------
# `check`: records that cannot be placed


def _options(b: Belonging, key: str) -> str:
    if key == "theme":
        shown = [f"`theme: {t}` ({b.themes[t].title})" for t in b.worked]
    else:
        shown = [
            f"`global_aim: {ga.id}` ({b.themes[ga.theme].title})"
            for ga in b.global_aims.values()
            if ga.theme in b.themes
        ]
    return " or ".join(shown[:4]) + (" ..." if len(shown) > 4 else "")


def check(wb: Workbook) -> Iterator[Diagnostic]:
    """A ``theme.unplaced`` finding for each record that names no theme while several were worked on."""
    b = Belonging(wb)
    if len(b.worked) < 2:
        return
    worked = " and ".join(f"{t} ({b.themes[t].title})" for t in b.worked)

    def unplaced(sf_rel: str, where: tuple[str | int, ...], what: str, key: str) -> Diagnostic | None:
        sf = wb.file(sf_rel)
        if sf is None:
            return None
        return Diagnostic.of(
            rules.THEME_UNPLACED,
            sf.path,
            f"this {what} names no theme, and the team has worked on {worked}: "
            "reports cannot tell which theme's story it belongs to",
            f"add {_options(b, key)}",
            yaml_path=where,
            unresolved=True,
        )

    found: list[Diagnostic | None] = []
    for sf, model in wb.records("change_ideas"):
        ideas = cast(ChangeIdeas, model)
        for i, idea in enumerate(ideas.ideas):
            if not idea.theme:
                found.append(unplaced(sf.rel, ("ideas", i), f"change idea `{idea.id}`", "theme"))
    for sf, model in wb.records("process_map"):
        pm = cast(ProcessMap, model)
        if not pm.global_aim and not b.process_map(pm):
            found.append(unplaced(sf.rel, (), "process map", "global_aim"))
    for sf, model in wb.records("fishbone"):
        if not cast(Fishbone, model).global_aim:
            found.append(unplaced(sf.rel, (), "fishbone", "global_aim"))
    for sf, model in wb.records("playbook"):
        entry = cast(PlaybookEntry, model)
        if not (entry.changes or entry.process_map):
            found.append(
                unplaced(sf.rel, (), "playbook entry (no `changes:` and no `process_map:`)", "global_aim")
            )
    yield from (d for d in found if d is not None)


# ---------------------------------------------------------------------------
# `report --theme`


def find_theme(wb: Workbook, text: str) -> Theme:
    """The theme ``text`` names, by id or by title (any case).

    Raises:
        UsageError: no theme has that id or title; the message lists them.
    """
    themes = wb.themes
    listed = themes.themes if themes else []
    wanted = text.strip().casefold()
    for t in listed:
        if t.id.casefold() == wanted or t.title.strip().casefold() == wanted:
            return t
    shown = "; ".join(f"{t.id} ({t.title})" for t in listed)
    by_title = {t.title.strip().casefold(): t for t in listed}
    near = did_you_mean(wanted, list(by_title)) or did_you_mean(text.strip(), [t.id for t in listed])
    guess = by_title.get(near or "") or next((t for t in listed if t.id == near), None)
    if not listed:
        hint = "themes.yaml lists no themes yet: add them there, or leave out --theme"
    elif guess is not None:
        hint = f"did you mean {guess.id} ({guess.title})? The themes are: {shown}"
    else:
        hint = f"the themes are: {shown}"
    raise UsageError(f"`{text}` is not a theme of {wb.root.name}", hint=hint)
