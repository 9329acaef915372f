"""The weekly engagement chart for the coordinator digest: counts in, PNG bytes out, no display.

matplotlib is imported when a chart is drawn, not when the app starts: it is most of the
start-up time of every ``mentorbot tick`` that cron runs, and few ticks draw a chart."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date


def render_engagement_chart(
    weeks: Sequence[tuple[date, int, int]], usefulness: Sequence[float | None] | None = None
) -> bytes:
    """A line chart of check-ins answered and tasks done per week, as PNG bytes; with
    ``usefulness`` (one mean rating per week, None where too few people rated to show one), the
    usefulness trend on a second axis, with gaps for the weeks not shown."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.5), dpi=100)
    axes = figure.subplots()
    labels = [start.strftime("%b %d") for start, _, _ in weeks]
    axes.plot(labels, [a for _, a, _ in weeks], marker="o", label="Check-ins answered")
    axes.plot(labels, [d for _, _, d in weeks], marker="s", label="Tasks done")
    axes.set_title("Weekly engagement")
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left")
    if usefulness is not None and any(value is not None for value in usefulness):
        rated = axes.twinx()
        rated.plot(
            labels,
            [float("nan") if value is None else value for value in usefulness],
            marker="^",
            linestyle="--",
            color="tab:green",
            label="Usefulness (1-5)",
        )
        rated.set_ylim(1, 5)
        rated.set_ylabel("Usefulness")
        rated.legend(loc="upper right")
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
