"""``microsys new``: the next record of a workbook, from a template, pre-linked.

Each function works out the record (next free id, today's date, links to the
change idea, the previous cycle and its measures), renders it, checks that it
is valid, and returns the changes to write. Nothing is written here: the
caller passes the changes to :func:`microsys.storage.commit`, which never
overwrites a file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from microsys.errors import RefusedError, UsageError
from microsys.ramp.facts import Facts, filled
from microsys.schema.base import Model
from microsys.schema.improvement import ChangeIdea
from microsys.schema.messages import did_you_mean
from microsys.storage import Change
from microsys.workbook.loader import Workbook, refuse_if_broken
from microsys.workbook.privacy_gate import refuse_new_identifiers
from microsys.yaml.edit import YamlDocument, append_item, block_list, new_mapping, new_sequence

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class NewRecord:
    """What ``new`` will write, and what it wants the user to know."""

    changes: tuple[Change, ...]
    rel: str
    id: str
    notes: tuple[str, ...] = field(default_factory=tuple)


def next_id(existing: Iterable[str], prefix: str) -> str:
    """``prefix`` + one more than the highest number among ids with that prefix."""
    numbers = [
        int(m.group(1)) for i in existing if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", i, re.I))
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _render(name: str, context: dict[str, Any]) -> str:
    from microsys.render.jinja import make_env
    from microsys.resources import templates_dir

    env = make_env([templates_dir() / "records"])
    return str(env.get_template(name).render(**context))


def _validated(wb: Workbook, text: str, rel: str, model: type[Model], before: bytes | None = None) -> str:
    """Refuse to write a record that would not pass ``check`` (a bad option value, or a bug).

    Also refused: new lines that hold what looks like a patient identifier.
    """
    from pydantic import ValidationError

    from microsys.schema.messages import translate
    from microsys.yaml.load import ReadLimits, parse_text

    data, diagnostics = parse_text(Path(rel), text, ReadLimits())
    if not diagnostics:
        try:
            model.model_validate(data)
        except ValidationError as exc:
            diagnostics = translate(exc, model, Path(rel))
    if diagnostics:
        first = diagnostics[0]
        where = ".".join(str(p) for p in first.yaml_path)
        raise UsageError(
            f"the new {rel} would not be valid" + (f" at `{where}`" if where else "") + f": {first.message}",
            hint=first.hint or "check the values given on the command line",
        )
    refuse_new_identifiers(
        wb.path / rel, before.decode("utf-8") if before is not None else None, text, "write it"
    )
    return text


def _new_file(
    wb: Workbook, rel: str, text: str, model: type[Model], rid: str, notes: Sequence[str]
) -> NewRecord:
    path = wb.root / rel
    if path.exists():
        raise RefusedError(
            f"{wb.path / rel} already exists; nothing was written",
            hint="microsys never overwrites a file: choose another id or date",
        )
    text = _validated(wb, text, rel, model)
    from microsys.schema.editor import SCHEMA_DIR, with_modeline

    if (wb.root / SCHEMA_DIR).is_dir():  # the workbook keeps editor schemas: point the new file at its own
        text = with_modeline(rel, text)
    return NewRecord((Change(path, text.encode("utf-8"), None),), rel, rid, tuple(notes))


def _check_id(value: str, what: str) -> str:
    if not _ID.match(value) or len(value) > 64:
        raise UsageError(
            f"`{value}` cannot be a {what} id",
            hint="use letters, digits, `-`, `_` or `.`, starting with a letter, e.g. clinic-wait",
        )
    return value


def _known_change(facts: Facts, change: str) -> str:
    if change in facts.change_ideas:
        return change
    known = sorted(facts.change_ideas)
    guess = did_you_mean(change, known)
    if guess:
        hint = f"did you mean `{guess}`?"
    elif known:
        hint = "change ideas in this workbook: " + ", ".join(known)
    else:
        hint = 'add the idea first: microsys new change DIR "the idea"'
    raise UsageError(f"there is no change idea `{change}` in change-ideas.yaml", hint=hint)


def _one_line(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def new_pdsa(
    wb: Workbook,
    today: dt.date,
    *,
    change: str | None,
    after: str | None,
    title: str | None,
    scale: str | None,
) -> NewRecord:
    """The next PDSA cycle. It follows ``after``, or the latest cycle testing the same change."""
    facts = Facts(wb, today)
    by_id = {c.id: c for c in facts.pdsa}
    previous = None
    if after is not None:
        previous = by_id.get(after)
        if previous is None:
            guess = did_you_mean(after, sorted(by_id))
            raise UsageError(
                f"there is no cycle `{after}` in pdsa/",
                hint=f"did you mean `{guess}`?" if guess else "see the files in pdsa/",
            )
        if change is not None and change != previous.change:
            raise UsageError(
                f"{after} tests {previous.change}, not {change}",
                hint="a cycle that follows another tests the same change; drop --change or --after",
            )
        change = previous.change
    if change is None:
        raise UsageError(
            "say which change idea the cycle tests", hint="add --change C1 (an id from change-ideas.yaml)"
        )
    change = _known_change(facts, change)
    if previous is None:
        earlier = facts.cycles_of(change)
        previous = earlier[-1] if earlier else None
    rid = next_id(list(by_id) + [f.stem for f in (wb.root / "pdsa").glob("*.yaml")], "PDSA-")
    notes = []
    objective = None
    measures: list[str] = []
    if previous is not None:
        notes.append(f"follows {previous.id}")
        measures = list(previous.measures)
        if previous.act and filled(previous.act.next_step):
            objective = _one_line(previous.act.next_step)
            notes.append(f"objective taken from the next step of {previous.id}")
        if not facts.completed(previous):
            notes.append(f"{previous.id} has no Act decision yet: finish it before this test")
    idea = facts.change_ideas[change]
    notes.extend(_testing_notes(facts, idea))
    text = _render(
        "pdsa.yaml.j2",
        {
            "id": rid,
            "title": _one_line(title),
            "change": change,
            "change_title": idea.title,
            "previous": previous.id if previous else None,
            "objective": objective,
            "measures": measures,
            "scale": _one_line(scale),
            "today": today.isoformat(),
        },
    )
    from microsys.schema.cycles import PDSA

    return _new_file(wb, f"pdsa/{rid}.yaml", text, PDSA, rid, notes)


def _testing_notes(facts: Facts, idea: ChangeIdea) -> list[str]:
    """What a team should know before testing ``idea``: it lost the vote, or its theme is finished."""
    notes = []
    ci = facts.wb.change_ideas
    rounds = sorted(
        (r for r in (ci.votes if ci else []) if r.votes or r.selected), key=lambda r: (r.date, r.round)
    )
    if rounds:
        last = rounds[-1]
        chosen = set(last.selected) if last.selected else set()
        if not chosen and last.votes:
            top = max(last.votes.values())
            chosen = {i for i, n in last.votes.items() if n == top}
        if idea.id not in chosen and idea.status not in ("selected", "testing", "adopted"):
            how = (
                f"was not chosen in the multi-vote of {last.date} ({last.votes[idea.id]} vote(s))"
                if idea.id in last.votes
                else f"was not part of the multi-vote of {last.date}"
            )
            notes.append(f"{idea.id} {how}: testing it is fine, but say why in the plan")
    themes = {t.id: t for t in (facts.wb.themes.themes if facts.wb.themes else [])}
    theme = themes.get(idea.theme or "")
    if theme is not None and theme.status == "done":
        notes.append(
            f"{idea.id} belongs to {theme.id} ({theme.title}), a finished theme: "
            "link it to the current theme (`theme:` in change-ideas.yaml) if it is part of the new work"
        )
    return notes


def new_sdsa(
    wb: Workbook, today: dt.date, *, change: str, playbook: str | None, title: str | None
) -> NewRecord:
    """The next SDSA cycle for an adopted change."""
    facts = Facts(wb, today)
    change = _known_change(facts, change)
    adopted = {a.change: a for a in facts.adoptions}
    notes = []
    if change not in adopted:
        notes.append(f"{change} is not adopted yet: SDSA cycles standardise adopted changes")
    earlier = [s for s in facts.sdsa if s.change == change]
    previous = earlier[-1] if earlier else None
    if playbook is None:
        entry = next((p for p in facts.playbook if change in p.changes), None)
        playbook = entry.id if entry else None
    elif playbook not in {p.id for p in facts.playbook}:
        notes.append(f"there is no playbook entry `{playbook}` yet: `microsys new playbook` makes one")
    measures = previous.measures if previous else []
    if not measures and change in adopted:
        measures = facts.adoption_measures(adopted[change])
    rid = next_id([s.id for s in facts.sdsa] + [f.stem for f in (wb.root / "sdsa").glob("*.yaml")], "SDSA-")
    text = _render(
        "sdsa.yaml.j2",
        {
            "id": rid,
            "title": _one_line(title),
            "change": change,
            "change_title": facts.change_ideas[change].title,
            "playbook": playbook,
            "previous": previous.id if previous else None,
            "measures": list(measures),
            "today": today.isoformat(),
        },
    )
    from microsys.schema.cycles import SDSA

    return _new_file(wb, f"sdsa/{rid}.yaml", text, SDSA, rid, notes)


def new_measure(
    wb: Workbook,
    *,
    measure_id: str,
    name: str,
    type: str,
    direction: str,
    chart: str,
    frequency: str,
    unit: str | None,
    numerator: str | None,
    denominator: str | None,
    csv: bool,
    description: str | None = None,
    data_source: str | None = None,
) -> NewRecord:
    """A new measure file (and an empty CSV beside it with ``csv``).

    Without ``description`` (for a measurement) or ``data_source`` the operational
    definition is left to fill in, and a note says so.
    """
    from typing import get_args

    from microsys.schema.measures import Direction, Frequency, Measure
    from microsys.spc.kinds import BY_ID, CHART_TYPES, choices_text

    _check_id(measure_id, "measure")
    for value, options, flag in (
        (type, ("outcome", "process", "balancing"), "--type"),
        (direction, get_args(Direction), "--direction"),
        (chart, CHART_TYPES, "--chart"),
        (frequency, get_args(Frequency), "--frequency"),
    ):
        if value not in options:
            raise UsageError(
                f"`{value}` is not a choice for {flag}", hint="choose one of: " + ", ".join(options)
            )
    if measure_id in {m.id for m in wb.measures} or (wb.root / "measures" / f"{measure_id}.yaml").exists():
        raise RefusedError(f"a measure `{measure_id}` already exists", hint="choose another id")
    if not unit and not (numerator and denominator):
        raise UsageError(
            "say what the measure measures: a unit, or what is counted out of what",
            hint='give --unit (e.g. --unit minutes), or --numerator "..." and --denominator "..." '
            "for a proportion or rate",
        )
    notes = []
    if BY_ID[chart].denominator and not (numerator and denominator):
        notes.append(
            f"a {chart} chart counts something out of something: fill in `numerator` and `denominator`"
        )
    text = _render(
        "measure.yaml.j2",
        {
            "id": measure_id,
            "name": _one_line(name),
            "type": type,
            "direction": direction,
            "chart": chart,
            "chart_kinds": choices_text(),
            "frequency": frequency,
            "unit": _one_line(unit),
            "numerator": _one_line(numerator),
            "denominator": _one_line(denominator),
            "description": _one_line(description),
            "data_source": _one_line(data_source),
            "csv": csv,
        },
    )
    if not data_source or not (description or (numerator and denominator)):
        notes.append(
            "fill in the operational definition (`description:`, `data_source:`) so that anyone "
            "collecting it gets the same number"
        )
    record = _new_file(wb, f"measures/{measure_id}.yaml", text, Measure, measure_id, notes)
    if csv:
        header = "date,value,denominator,note\n" if BY_ID[chart].denominator else "date,value,note\n"
        csv_path = wb.root / "measures" / f"{measure_id}.csv"
        if csv_path.exists():
            raise RefusedError(f"{wb.path / 'measures' / csv_path.name} already exists; nothing was written")
        return NewRecord(
            (*record.changes, Change(csv_path, header.encode("utf-8"), None)),
            record.rel,
            record.id,
            record.notes,
        )
    return record


def new_meeting(wb: Workbook, *, date: dt.date, kind: str) -> NewRecord:
    """A meeting record: attendees from the lead team, open actions carried over."""
    facts = Facts(wb, date)
    team = facts.manifest.lead_team if facts.manifest else []
    earlier = [m for m in facts.meetings if m.date < date]
    last = earlier[-1] if earlier else None
    actions = [a for a in (last.actions if last else []) if a.status == "open"]
    comments = _suppressions_of_actions(wb, last, actions) if last else {}
    text = _render(
        "meeting.yaml.j2",
        {
            "date": date.isoformat(),
            "kind": kind,
            "attendees": [m.name for m in team],
            "actions": actions,
            "comments": comments,
            "carried_from": last.date.isoformat() if last else "",
        },
    )
    notes = [f"{len(actions)} open action(s) carried over from {last.date}"] if actions and last else []
    from microsys.schema.meetings import Meeting

    return _new_file(wb, _meeting_file(wb, date, kind), text, Meeting, date.isoformat(), notes)


def _suppressions_of_actions(wb: Workbook, meeting: Any, actions: list[Any]) -> dict[int, str]:
    """The ``# microsys: disable=...`` comment of each carried action, by its index in ``actions``.

    An action carried over keeps the suppression (and its reason) the team gave it. The
    comment is read on the line of that action's own ``action:`` key (or the line above
    it), found by position, so two actions worded alike never swap comments.
    """
    source = next((sf for sf, m in wb.records("meeting") if m is meeting), None)
    if source is None or source.text is None or "microsys:" not in source.text:
        return {}
    from microsys.yaml.positions import locate, parse_round_trip

    try:
        tree = parse_round_trip(source.text)
    except Exception:  # the file loaded once; if it cannot be read so now, carry no comments
        return {}
    lines = source.text.split("\n")
    found: dict[int, str] = {}
    for i, action in enumerate(actions):
        index = next((k for k, a in enumerate(meeting.actions) if a is action), None)
        if index is None:
            continue
        line_no, _ = locate(tree, ["actions", index, "action"], at_key=True)
        if not 1 <= line_no <= len(lines) or "action" not in lines[line_no - 1]:
            continue
        line = lines[line_no - 1]
        above = lines[line_no - 2].strip() if line_no > 1 else ""
        at = line.find("# microsys:")
        comment = line[at:].strip() if at >= 0 else (above if above.startswith("# microsys:") else "")
        if comment:
            found[i] = comment
    return found


def _meeting_file(wb: Workbook, date: dt.date, kind: str) -> str:
    """``meetings/<date>.yaml``; another kind of meeting that day (a huddle, a lead team) adds its kind.

    Raises:
        RefusedError: a meeting of this kind is already recorded that day.
    """
    from microsys.schema.meetings import Meeting

    for sf, model in wb.records("meeting"):
        m = cast(Meeting, model)
        if m.date == date and m.kind == kind:
            raise RefusedError(
                f"{sf.path} already records a {kind} meeting on {date}; nothing was written",
                hint="edit that file, or give another --date or --kind",
            )
    day = date.isoformat()
    for stem in (day, f"{day}-{kind}", *(f"{day}-{kind}-{n}" for n in range(2, 100))):
        if not (wb.root / "meetings" / f"{stem}.yaml").exists():
            return f"meetings/{stem}.yaml"
    return f"meetings/{day}.yaml"  # a hundred meetings in a day: let _new_file refuse


def new_self_assessment(wb: Workbook, *, date: dt.date, scale_max: int = 5) -> NewRecord:
    """A self-assessment named by its date, with the ten characteristics to rate."""
    from microsys.schema.meetings import CHARACTERISTICS, SelfAssessment

    if not 2 <= scale_max <= 10:
        raise UsageError(f"a scale of 1 to {scale_max} cannot be used", hint="use --scale 5 (or 2 to 10)")
    earlier = sorted(sa.date for sa in wb.self_assessments if sa.date < date)
    text = _render(
        "self-assessment.yaml.j2",
        {
            "date": date.isoformat(),
            "scale_max": scale_max,
            "characteristics": CHARACTERISTICS,
            "previous": earlier[-1].isoformat() if earlier else "",
        },
    )
    notes = ["rate each characteristic under `ratings:` (the lines to copy are in the file)"]
    return _new_file(
        wb, f"self-assessment/{date.isoformat()}.yaml", text, SelfAssessment, date.isoformat(), notes
    )


def new_driver_diagram(wb: Workbook, today: dt.date, *, diagram_id: str | None, aim: str | None) -> NewRecord:
    """A driver diagram for an aim, its fishbone linked and the theme's change ideas listed to place."""
    from microsys.schema.improvement import DriverDiagram

    facts = Facts(wb, today)
    aims = wb.aims
    known = [a.id for a in aims.specific_aims] + [a.id for a in aims.global_aims] if aims else []
    if aim is None:
        # The first specific aim of the theme worked on (a driver diagram starts from a measurable
        # aim), else its global aim.
        ga = facts.global_aim
        aim = next((a.id for a in facts.specific_aims), ga.id if ga else None)
        if aim is None:
            raise UsageError(
                "there is no aim to draw a driver diagram for",
                hint="write the global aim (and a specific aim) in aims.yaml first, or give --aim",
            )
    elif aim not in known:
        guess = did_you_mean(aim, known)
        if guess:
            hint = f"did you mean `{guess}`?"
        elif known:
            hint = "aims in this workbook: " + ", ".join(known)
        else:
            hint = "write the aim in aims.yaml first"
        raise UsageError(f"there is no aim `{aim}` in aims.yaml", hint=hint)
    ga = aims.global_aim_of(aim) if aims else None
    sa = next((a for a in (aims.specific_aims if aims else []) if a.id == aim), None)
    aim_text = (sa.statement if sa else None) or (ga.process if ga else None)
    theme = next((t for t in (wb.themes.themes if wb.themes else []) if ga and t.id == ga.theme), None)
    if diagram_id is None:
        diagram_id = slug_id(theme.title if theme else aim)
    _check_id(diagram_id, "driver diagram")
    fishbones = [fb for fb in wb.fishbones if ga is not None and fb.global_aim == ga.id] or [
        fb for fb in wb.fishbones if fb.global_aim is None
    ]
    fishbone = fishbones[0] if fishbones else None
    causes: list[str] = []
    for category in fishbone.categories if fishbone else []:
        for item in category.causes:
            causes.extend([item] if isinstance(item, str) else [item.cause, *item.sub_causes])
    ideas = [
        i
        for i in facts.change_ideas.values()
        if i.status not in ("abandoned", "parked") and (theme is None or i.theme in (None, theme.id))
    ]
    text = _render(
        "driver-diagram.yaml.j2",
        {
            "id": diagram_id,
            "aim": aim,
            "aim_text": aim_text,
            "fishbone": fishbone.id if fishbone else None,
            "today": today.isoformat(),
            "ideas": ideas,
            "causes": causes,
        },
    )
    notes = ["write the drivers, then place the change ideas (listed at the end of the file) under them"]
    rel = f"driver-diagrams/{diagram_id}.yaml"
    return _new_file(wb, rel, text, DriverDiagram, diagram_id, notes)


def slug_id(text: str) -> str:
    """An id made from a title: ``Clinic flow`` -> ``clinic-flow``."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    ident = "-".join(words)[:48].strip("-")
    return ident if ident[:1].isalpha() else f"d-{ident}" if ident else "drivers"


def new_playbook(
    wb: Workbook, today: dt.date, *, entry_id: str, title: str, changes: Sequence[str]
) -> NewRecord:
    """A playbook entry for adopted changes, with their measures and process map linked."""
    from microsys.schema.cycles import PlaybookEntry

    facts = Facts(wb, today)
    _check_id(entry_id, "playbook")
    changes = [_known_change(facts, c) for c in changes]
    measures: list[str] = []
    adopted = {a.change: a for a in facts.adoptions}
    for c in changes:
        if c in adopted:
            measures.extend(m for m in facts.adoption_measures(adopted[c]) if m not in measures)
    ga = facts.global_aim
    notes: list[str] = []
    theirs = [m for m in wb.process_maps if ga is not None and m.global_aim == ga.id]
    # The playbook writes down how the work is done now: the standard or future-state map,
    # never the as-is map with the waits the team removed.
    wanted = [m for m in theirs if m.state == "standard"] or [m for m in theirs if m.state == "future"]
    if not wanted and theirs:
        notes.append(
            "no future-state or standard process map: map the process as it is done now, "
            "mark it `state: future` (or `standard`) and set `process_map:` in the entry"
        )
    maps = [m.id for m in wanted]
    try:
        review = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        review = today + dt.timedelta(days=365)
    text = _render(
        "playbook.yaml.j2",
        {
            "id": entry_id,
            "title": _one_line(title),
            "changes": changes,
            "measures": measures,
            "process_map": maps[-1] if maps else None,
            "review_date": review.isoformat(),
        },
    )
    return _new_file(wb, f"playbook/{entry_id}.yaml", text, PlaybookEntry, entry_id, notes)


def _list_file(wb: Workbook, rel: str, key: str, header: str) -> tuple[YamlDocument | None, Any]:
    """Open ``rel`` for appending to its ``key`` list (or plan a new file)."""
    sf = wb.file(rel)
    refuse_if_broken(wb, sf)
    if sf is None:
        data = new_mapping()
        data[key] = new_sequence()
        data.yaml_set_start_comment(header)
        return None, data
    doc = YamlDocument.read(wb.root / rel, sf.path)
    if not isinstance(doc.data, dict):
        raise RefusedError(f"{sf.path} does not hold `key: value` lines", hint="run `microsys check` first")
    block_list(doc.data, key)
    return doc, doc.data


def _list_change(wb: Workbook, rel: str, doc: YamlDocument | None, data: Any) -> Change:
    if doc is not None:
        return doc.change()
    import io

    from microsys.yaml.edit import new_yaml

    buf = io.StringIO()
    new_yaml().dump(data, buf)
    return Change(wb.root / rel, buf.getvalue().encode("utf-8"), None)


def new_change(
    wb: Workbook,
    today: dt.date,
    *,
    title: str,
    source: str | None,
    theme: str | None,
    description: str | None,
) -> NewRecord:
    """Append a change idea to change-ideas.yaml with the next free id."""
    from microsys.schema.improvement import ChangeIdeas

    facts = Facts(wb, today)
    if not title.strip():
        raise UsageError(
            "the change idea needs a title", hint='e.g. microsys new change DIR "pre-clinic huddle"'
        )
    if theme is None and facts.selected_theme is not None:
        theme = facts.selected_theme.id
    doc, data = _list_file(wb, "change-ideas.yaml", "ideas", "Change ideas: what could we try?")
    rid = next_id(list(facts.change_ideas), "C")
    entry = new_mapping()
    entry["id"] = rid
    entry["title"] = _one_line(title)
    if description:
        entry["description"] = description.strip()
    if source:
        entry["source"] = source
    if theme:
        entry["theme"] = theme
    entry["status"] = "idea"
    append_item(data["ideas"], entry)
    change = _list_change(wb, "change-ideas.yaml", doc, data)
    _validated(wb, change.content.decode("utf-8"), "change-ideas.yaml", ChangeIdeas, change.expected)
    return NewRecord((change,), "change-ideas.yaml", rid, (f"for theme {theme}",) if theme else ())


def new_theme(wb: Workbook, today: dt.date, *, title: str, description: str | None) -> NewRecord:
    """Append a candidate theme to themes.yaml with the next free id."""
    from microsys.schema.improvement import Themes

    if not title.strip():
        raise UsageError("the theme needs a title", hint='e.g. microsys new theme DIR "clinic flow"')
    themes = wb.themes
    doc, data = _list_file(wb, "themes.yaml", "themes", "Themes for improvement.")
    rid = next_id([t.id for t in themes.themes] if themes else [], "T")
    entry = new_mapping()
    entry["id"] = rid
    entry["title"] = _one_line(title)
    if description:
        entry["description"] = description.strip()
    entry["status"] = "candidate"
    append_item(data["themes"], entry)
    change = _list_change(wb, "themes.yaml", doc, data)
    _validated(wb, change.content.decode("utf-8"), "themes.yaml", Themes, change.expected)
    return NewRecord((change,), "themes.yaml", rid, ())
