"""The charts the bot sends (PNG, headless matplotlib): the yearly budget, and the roadmap on a time line.

Each chart is its own Figure, never pyplot's shared state, so charts may be drawn in worker threads at once."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from matplotlib.figure import Figure

from knowledge.numbers import fmt_number


def budget_chart(series: list[tuple[str, dict[str, Decimal]]], title: str) -> bytes:
    """Stacked bars: one bar per year, one colour per source; `series` = [(source name, {year: amount})]."""
    years = sorted({y for _, values in series for y in values})
    fig = Figure(figsize=(8, 5), dpi=100)
    ax = fig.subplots()
    bottom = [0.0] * len(years)
    for (name, values), colour in zip(series, ("#1f5fa8", "#f0a030", "#4a9a5a", "#9a4a8a")):
        heights = [float(values.get(y, 0)) for y in years]
        bars = ax.bar(years, heights, bottom=bottom, label=name, color=colour)
        for bar, h, b in zip(bars, heights, bottom):
            if h:
                ax.annotate(fmt_number(Decimal(str(h))), (bar.get_x() + bar.get_width() / 2, b + h / 2),
                            ha="center", va="center", fontsize=8, color="white")
        bottom = [b + h for b, h in zip(bottom, heights)]
    for x, total in zip(years, bottom):
        ax.annotate(fmt_number(Decimal(str(total))), (x, total), ha="center", va="bottom", fontsize=9)
    ax.set_title(title, fontsize=11)
    ax.set_xlabel("Năm")
    ax.set_ylabel("Triệu đồng")
    ax.legend(loc="upper right", fontsize=8)
    ax.margins(y=0.12)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _year_position(when: date) -> float:
    """A day as a fraction of the year axis (2018-07-02 -> about 2018.5)."""
    start = date(when.year, 1, 1)
    return when.year + (when - start).days / ((date(when.year + 1, 1, 1) - start).days)


def roadmap_chart(phases: list[tuple[str, int, int]], milestones: list[datetime], today: date,
                  title: str) -> bytes:
    """The phases as bars over the years they cover (as the plan states them: whole years), the milestones as
    marks, and today as a line, so an official sees where the plan stands."""
    first = min(p[1] for p in phases)
    last = max(max(p[2] for p in phases) + 1, today.year + 1)
    fig = Figure(figsize=(9, 2.2 + 0.6 * len(phases)), dpi=100)
    ax = fig.subplots()
    rows = len(phases)
    for i, (_, start, end) in enumerate(phases):  # the first phase on top
        ax.barh(rows - i, end + 1 - start, left=start, height=0.5, color=("#1f5fa8", "#f0a030", "#4a9a5a")[i % 3])
    for when in milestones:
        if first <= when.year < last:
            ax.plot(_year_position(when.date()), 0, marker="D", color="#9a4a8a", markersize=7)
    now = _year_position(today)
    ax.axvline(now, color="#c0392b", linewidth=1.5)
    ax.annotate(f"Hôm nay {today.day}/{today.month}/{today.year}", (now, rows + 0.45), ha="right", fontsize=8,
                color="#c0392b")
    ax.set_xlim(first, last)
    ax.set_xticks(range(first, last + 1))
    ax.set_ylim(-0.6, rows + 0.7)
    ax.set_yticks(range(rows + 1), ["Mốc", *(label for label, _, _ in reversed(phases))])
    ax.set_xlabel("Năm")
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
