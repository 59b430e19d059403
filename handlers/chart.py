"""The yearly budget chart (PNG, headless matplotlib) with Vietnamese labels and amounts."""
from __future__ import annotations

import io
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from knowledge.numbers import fmt_number  # noqa: E402


def budget_chart(series: list[tuple[str, dict[str, Decimal]]], title: str) -> bytes:
    """Stacked bars: one bar per year, one colour per source; `series` = [(source name, {year: amount})]."""
    years = sorted({y for _, values in series for y in values})
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
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
    plt.close(fig)
    return out.getvalue()
