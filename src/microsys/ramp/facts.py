"""Facts about a workbook, for the ramp criteria, the score and the fidelity checks.

The selected theme and its aims, which changes were adopted and when, how much
data a measure has before and after a date.

Everything here is computed from the loaded workbook; files with errors count
as missing (their model is ``None``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import cast

from microsys.schema.cycles import PDSA, SDSA, PlaybookEntry
from microsys.schema.identity import Manifest, RampState, StageChange
from microsys.schema.improvement import ChangeIdea, GlobalAim, SpecificAim, Theme
from microsys.schema.measures import Measure
from microsys.schema.meetings import Meeting
from microsys.schema.placeholders import filled as filled  # re-exported: the ramp's notion of "done"
from microsys.workbook.belonging import Belonging
from microsys.workbook.githistory import CycleHistory, prediction_late
from microsys.workbook.loader import Workbook

# Days between two values, for each measure frequency (per-session: about weekly).
FREQUENCY_DAYS = {
    "daily": 1,
    "weekly": 7,
    "fortnightly": 14,
    "monthly": 31,
    "quarterly": 92,
    "per-session": 7,
}


def _cycle_number(cycle_id: str) -> tuple[int, str]:
    m = re.search(r"(\d+)$", cycle_id)
    return (int(m.group(1)) if m else 0, cycle_id)


@dataclass(frozen=True)
class Adoption:
    """A change the team decided to adopt, and where the decision was made."""

    change: str
    date: dt.date | None
    cycle: PDSA | None
    """The cycle whose Act adopted it; None when only the change idea says `adopted`."""


@dataclass(frozen=True)
class RampCycle:
    """One improvement cycle of the ramp's history: a theme taken from Diagnose to Sustain."""

    number: int
    theme: str | None
    moves: tuple[StageChange, ...]
    """Its stage moves, oldest first: from the one that started it to the one that ended it."""
    stage: str
    """The stage it reached (Sustain for a finished cycle)."""
    finished: dt.date | None
    """When the team left Sustain for the next theme; None while it goes on."""


class Facts:
    """A read-only view of one workbook for the criteria to ask questions of."""

    def __init__(
        self,
        wb: Workbook,
        today: dt.date,
        history: CycleHistory | None = None,
        *,
        theme: str | None = None,
    ) -> None:
        self.wb = wb
        self.today = today
        self.history = history
        """Committed versions of the PDSA files, when the workbook is in git (and it was read)."""
        self.theme_id = theme
        """The theme asked for (a report of a finished theme): its aims, not the current ones."""
        self._series: dict[str, list[tuple[dt.date, float]]] = {}

    # --- identity and ramp -------------------------------------------------
    @cached_property
    def manifest(self) -> Manifest | None:
        """microsys.yaml, if valid."""
        return self.wb.manifest

    @cached_property
    def ramp(self) -> RampState:
        """ramp.yaml (defaults when missing or invalid)."""
        return self.wb.ramp

    @cached_property
    def belonging(self) -> Belonging:
        """Which theme each record belongs to."""
        return Belonging(self.wb)

    # --- meetings ----------------------------------------------------------
    @cached_property
    def meetings(self) -> list[Meeting]:
        """Meetings, oldest first."""
        return sorted(self.wb.meetings, key=lambda m: m.date)

    def meetings_since(self, since: dt.date | None) -> list[Meeting]:
        """Meetings on or after ``since`` (all when None)."""
        return [m for m in self.meetings if since is None or m.date >= since]

    # --- themes and aims ---------------------------------------------------
    @cached_property
    def selected_theme(self) -> Theme | None:
        """The theme named by `selected:`, if it exists."""
        themes = self.wb.themes
        if themes is None or themes.selected is None:
            return None
        return next((t for t in themes.themes if t.id == themes.selected), None)

    @cached_property
    def theme(self) -> Theme | None:
        """The theme of the current improvement cycle: what the ramp's stage is about.

        In Diagnose (and Assess) it is the selected theme. In Treat and Sustain it is
        the theme recorded by this cycle's moves, so that a team which marks its theme
        done and selects the next one before `ramp next` (the order teams work in) is
        still judged on the theme it is finishing. Older ramp.yaml files record no
        theme: then, in Sustain, a selected theme with no global aim yet is taken as
        the next one, and the cycle's theme is the last one with a global aim
        (preferring one marked done).
        """
        themes = self.wb.themes
        if themes is None:
            return None
        by_id = {t.id: t for t in themes.themes}
        if self.theme_id is not None:
            return by_id.get(self.theme_id)
        if self.ramp.stage not in ("treat", "sustain"):
            return self.selected_theme
        for move in reversed(self.ramp.history):
            if move.to == "diagnose":
                break  # the start of this cycle: earlier moves belong to earlier themes
            if move.theme in by_id:
                return by_id[move.theme]
        selected = self.selected_theme
        aims = self.wb.aims
        aimed = {a.theme for a in aims.global_aims} if aims is not None else set()
        if self.ramp.stage == "sustain" and (selected is None or selected.id not in aimed):
            worked = [t for t in themes.themes if t.id in aimed and t.status != "parked"]
            done = [t for t in worked if t.status == "done"]
            if done or worked:
                return (done or worked)[-1]
        return selected

    @cached_property
    def ramp_cycles(self) -> list[RampCycle]:
        """The improvement cycles in ramp.yaml's history, oldest first, each with its theme and moves.

        A cycle runs from the move into Diagnose (or the first move) to the move
        out of Sustain, which ends it and starts the next. Its theme is the one
        its moves recorded; the current cycle's, when none is recorded, is the
        theme being worked on now.
        """
        cycles: list[list[StageChange]] = [[]]
        for move in self.ramp.history:
            cycles[-1].append(move)
            if move.from_ == "sustain":
                cycles.append([move])
        out = []
        for number, moves in enumerate(cycles, start=1):
            last = number == len(cycles)
            # The move that started a later cycle was recorded with the theme it finished.
            own = moves[1:] if number > 1 else moves
            recorded = [m.theme for m in own if m.theme]
            theme = recorded[-1] if recorded else None
            if last and theme is None:
                current = Facts(self.wb, self.today).theme
                theme = current.id if current else None
            out.append(
                RampCycle(
                    number=number,
                    theme=theme,
                    moves=tuple(moves),
                    stage=self.ramp.stage if last else "sustain",
                    finished=None if last else moves[-1].date,
                )
            )
        return out

    def ramp_cycle(self, theme: str | None) -> RampCycle | None:
        """The (latest) improvement cycle that worked on ``theme``."""
        found = [c for c in self.ramp_cycles if theme is not None and c.theme == theme]
        return found[-1] if found else None

    @cached_property
    def global_aim(self) -> GlobalAim | None:
        """The global aim of the current cycle's theme (the last one, if several)."""
        aims = self.wb.aims
        theme = self.theme
        if aims is None or theme is None:
            return None
        matching = [a for a in aims.global_aims if a.theme == theme.id]
        return matching[-1] if matching else None

    @cached_property
    def specific_aims(self) -> list[SpecificAim]:
        """The specific aims of the current global aim."""
        aims = self.wb.aims
        ga = self.global_aim
        if aims is None or ga is None:
            return []
        return [a for a in aims.specific_aims if a.global_aim == ga.id]

    # --- measures ----------------------------------------------------------
    @cached_property
    def measures(self) -> dict[str, Measure]:
        """Measures by id."""
        return {m.id: m for m in self.wb.measures}

    def series(self, measure_id: str) -> list[tuple[dt.date, float]]:
        """(date, value) of a measure, oldest first; proportions as value / denominator."""
        if measure_id not in self._series:
            out = [
                (p.date, p.value / p.denominator if p.denominator else p.value)
                for p in self.wb.values(measure_id)
                if p.value is not None
            ]
            out.sort(key=lambda t: t[0])
            self._series[measure_id] = out
        return self._series[measure_id]

    def points_between(
        self, measure_id: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> int:
        """Number of dates with values in [start, end) (open ends when None)."""
        dates = {
            d
            for d, _ in self.series(measure_id)
            if (start is None or d >= start) and (end is None or d < end)
        }
        return len(dates)

    def last_value_date(self, measure_id: str) -> dt.date | None:
        """Date of the newest value."""
        s = self.series(measure_id)
        return s[-1][0] if s else None

    # --- changes and cycles ------------------------------------------------
    @cached_property
    def change_ideas(self) -> dict[str, ChangeIdea]:
        """Change ideas by id."""
        ci = self.wb.change_ideas
        return {i.id: i for i in ci.ideas} if ci else {}

    @cached_property
    def pdsa(self) -> list[PDSA]:
        """PDSA cycles ordered by number."""
        return sorted(self.wb.pdsa_cycles, key=lambda c: _cycle_number(c.id))

    @cached_property
    def sdsa(self) -> list[SDSA]:
        """SDSA cycles ordered by number."""
        return sorted(self.wb.sdsa_cycles, key=lambda c: _cycle_number(c.id))

    @cached_property
    def playbook(self) -> list[PlaybookEntry]:
        """Playbook entries."""
        return self.wb.playbook

    def cycles_of(self, change: str) -> list[PDSA]:
        """PDSA cycles testing ``change``, in order."""
        return [c for c in self.pdsa if c.change == change]

    @staticmethod
    def test_start(cycle: PDSA | SDSA) -> dt.date | None:
        """When a cycle's test began: Do's start, else the plan date."""
        if cycle.do and cycle.do.started:
            return cycle.do.started
        if isinstance(cycle, PDSA) and cycle.plan and cycle.plan.date:
            return cycle.plan.date
        return None

    @staticmethod
    def completed(cycle: PDSA | SDSA) -> bool:
        """True when the cycle reached Act with a decision."""
        return cycle.act is not None and cycle.act.decision is not None

    def cycle_measures(self, cycle: PDSA | SDSA) -> list[str]:
        """Measures a cycle names that exist in the workbook."""
        return [m for m in cycle.measures if m in self.measures]

    @cached_property
    def adoptions(self) -> list[Adoption]:
        """Adopted changes, by the first cycle that adopted them (or the idea's status)."""
        seen: dict[str, Adoption] = {}
        for c in self.pdsa:
            if c.act and c.act.decision == "adopt" and c.change not in seen:
                seen[c.change] = Adoption(c.change, c.act.date, c)
        for idea in self.change_ideas.values():
            if idea.status == "adopted" and idea.id not in seen:
                seen[idea.id] = Adoption(idea.id, None, None)
        return list(seen.values())

    def adoption_measures(self, adoption: Adoption) -> list[str]:
        """Measures that show whether an adopted change holds: its cycles', SDSAs' and playbook's."""
        found: list[str] = []
        sources: Iterable[Sequence[str]] = (
            [c.measures for c in self.cycles_of(adoption.change)]
            + [s.measures for s in self.sdsa if s.change == adoption.change]
            + [p.measures for p in self.playbook if adoption.change in p.changes]
        )
        for ids in sources:
            found.extend(m for m in ids if m in self.measures and m not in found)
        return found

    def adoption_measures_of_cycle(self, cycle: PDSA) -> list[str]:
        """The measures a cycle names, else those of its change's other cycles and playbook."""
        own = self.cycle_measures(cycle)
        if own:
            return own
        return self.adoption_measures(Adoption(cycle.change, cycle.act.date if cycle.act else None, cycle))

    @cached_property
    def sequences(self) -> list[list[PDSA]]:
        """Chains of PDSA cycles linked by `previous:`, each oldest first (loops ignored)."""
        by_id = {c.id: c for c in self.pdsa}
        followers: dict[str, list[PDSA]] = defaultdict(list)
        for c in self.pdsa:
            if c.previous and c.previous in by_id and c.previous != c.id:
                followers[c.previous].append(c)
        heads = [c for c in self.pdsa if not c.previous or c.previous not in by_id]
        chains: list[list[PDSA]] = []
        for head in heads:
            chain = [head]
            seen = {head.id}
            while followers.get(chain[-1].id):
                nxt = followers[chain[-1].id][0]
                if nxt.id in seen:
                    break
                chain.append(nxt)
                seen.add(nxt.id)
            chains.append(chain)
        return chains

    # --- git history -------------------------------------------------------
    def copied_in(self, c: PDSA) -> bool:
        """True for a cycle tested before the workbook was kept in git (`tracked_since:`)."""
        since = self.manifest.tracked_since if self.manifest else None
        start = self.test_start(c)
        return since is not None and start is not None and start < since

    @cached_property
    def late_predictions(self) -> set[str]:
        """PDSA cycles whose prediction git shows was committed with or after their results.

        The same judgement as the `pdsa.prediction-after-the-fact` warning; empty
        when the history was not read (no git, or `--no-git`).
        """
        if self.history is None:
            return set()
        late = set()
        for sf, model in self.wb.records("pdsa"):
            c = cast(PDSA, model)
            versions = self.history.get(sf.rel)
            if versions and not self.copied_in(c) and prediction_late(versions, filled(c.prediction)):
                late.add(c.id)
        return late
