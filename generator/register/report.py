"""The annual review (årsopgørelse) as a Word document: the register's figures, the chart, the template.

The engine renders it like any document (the pack's template ``annual_review``,
its letterhead and styles); the register gives it the counts of
:mod:`~beredskab.register.stats` and the chart of :mod:`~beredskab.register.chart`.
"""

from __future__ import annotations

from datetime import date

from .chart import draw
from .session import Register
from .stats import Stats

#: The report's name in plan.yaml ``reports`` and its template.
ANNUAL_REVIEW = "annual_review"

#: The file name the template's <img class="chart"> shows.
CHART_NAME = "chart.png"


def annual_review(reg: Register, result: Stats, today: date | None = None) -> bytes:
    """The annual review of ``result`` (:func:`~beredskab.register.stats.stats` of a period) as .docx bytes."""
    figures = {**result.to_json(), "start": result.start, "end": result.end}  # dates for the date filter
    return reg.engine.render_report(ANNUAL_REVIEW, figures, today or reg.now().date(),
                                    pictures={CHART_NAME: draw(result, "png")}, now=reg.now())
