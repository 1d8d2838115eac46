"""The report's charts as geometry for inline SVG (drawn by the template, so every label is escaped):
filed against closed bars per day, and the share within SLA per group."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

# The drawing's own units; the SVG scales to the page's width.
WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 36, 34, 22
# Day labels under the bars: about this many, so a month's do not overlap on a phone.
DAY_LABELS = 7
# A group's row: its name above its bar, so a long name fits a phone's width too.
ROW_HEIGHT, BAR_HEIGHT = 56, 16
# A bar of a short period stays a bar, not a block.
MAX_BAR = 28


@dataclass(frozen=True)
class Bar:
    """A rectangle of the chart, with what its tooltip says."""

    x: float
    y: float
    width: float
    height: float
    kind: str
    title: str


@dataclass(frozen=True)
class Label:
    """A text of the chart at its anchor point."""

    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Chart:
    """An SVG's view box, its bars and labels."""

    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    empty: bool = True


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _ceiling(value: int) -> int:
    # The top of the scale: the highest bar rounded up to 1, 2 or 5 times a power of ten.
    power = 1
    while True:
        for step in (1, 2, 5):
            if step * power >= value:
                return step * power
        power *= 10


def daily(groups: Sequence[Mapping[str, Any]], first: date, last: date) -> Chart:
    """Filed and closed per local day of the period (days without requests drawn as zero)."""
    by_day = {group["key"]: group for group in groups}
    days = _days(first, last)
    top = _ceiling(max([max(g["filed"], g["closed"]) for g in groups] or [0]))
    chart = Chart(WIDTH, HEIGHT, empty=not groups)
    plot_width, plot_height = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    slot = plot_width / len(days)
    bar = min(max(slot * 0.4, 0.5), MAX_BAR)
    every = max(1, math.ceil(len(days) / DAY_LABELS))
    for index, day in enumerate(days):
        figures = by_day.get(day.isoformat(), {"filed": 0, "closed": 0})
        x = LEFT + index * slot + (slot - 2 * bar) / 2
        for offset, kind in ((0.0, "filed"), (bar, "closed")):
            height = plot_height * figures[kind] / top
            chart.bars.append(Bar(round(x + offset, 2), round(TOP + plot_height - height, 2), round(bar, 2),
                                  round(height, 2), kind, f"{day:%d.%m}: {figures[kind]}"))
        if index % every == 0:
            chart.labels.append(Label(round(x + bar, 2), HEIGHT - 6, f"{day:%d.%m}"))
    chart.labels += [Label(LEFT - 6, TOP + 8, str(top), "end"),
                     Label(LEFT - 6, TOP + plot_height, "0", "end")]
    return chart


def sla_shares(groups: Sequence[Mapping[str, Any]], names: Sequence[str]) -> Chart:
    """A bar per group whose SLA outcome is known: its share within SLA, under the group's name."""
    judged = [(name, group) for name, group in zip(names, groups, strict=True) if group["sla_judged"]]
    chart = Chart(WIDTH, max(ROW_HEIGHT * len(judged), ROW_HEIGHT), empty=not judged)
    span = WIDTH - 90
    for index, (name, group) in enumerate(judged):
        share = group["sla_share"] or 0.0
        y = index * ROW_HEIGHT
        kind = "ok" if share >= 0.9 else "warn" if share >= 0.7 else "bad"
        text = f"{round(share * 100)}%"
        chart.bars.append(Bar(0, y + 32, round(max(span * share, 1), 2), BAR_HEIGHT, kind,
                              f"{name}: {text} ({group['sla_met']}/{group['sla_judged']})"))
        chart.labels.append(Label(0, y + 26, name[:48], "start"))
        chart.labels.append(Label(round(span * share + 8, 2), y + 47, text, "start"))
    return chart
