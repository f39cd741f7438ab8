"""The annual review's chart: the incident counts drawn with matplotlib (PNG or SVG bytes).

Drawn on a bare :class:`matplotlib.figure.Figure` with the Agg canvas, never
through pyplot: no global figure state and no window, so the web server may
draw in several threads and a server without a display works.
"""

from __future__ import annotations

import io

from ..errors import CaseError, shown
from .stats import Stats

#: The chart formats, by file suffix.
FORMATS = {".png": "png", ".svg": "svg"}

#: The tables drawn, in reading order (two by two).
PANELS = ("incident_type", "month", "channel", "perpetrator_kind")

#: Size in inches and resolution: an A4 page's width at print quality.
SIZE = (10.0, 7.5)
DPI = 150

#: The bars' colour (the municipality's documents are black and one dark blue).
COLOUR = "#1f4e79"


def chart_format(suffix: str) -> str:
    """The matplotlib format of a file suffix; a Danish error for any other."""
    fmt = FORMATS.get(suffix.lower())
    if fmt is None:
        raise CaseError(f"diagrammet (--chart) kan gemmes som {' eller '.join(FORMATS)}, "
                        f"ikke '{shown(suffix) or 'uden endelse'}'")
    return fmt


def draw(result: Stats, fmt: str = "png") -> bytes:
    """The chart of ``result`` as PNG or SVG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(f"Vold og krænkende handlinger, {result.period_text} ({result.cases} hændelser)")
    for axes, key in zip(figure.subplots(2, 2).flat, PANELS):
        rows = result.tables.get(key, [])
        labels = [row.label for row in rows]
        counts = [row.count for row in rows]
        if key == "month":
            axes.bar(range(len(rows)), counts, color=COLOUR)
            axes.set_xticks(range(len(rows)), [label[:3] for label in labels], rotation=90 if len(rows) > 6 else 0)
        else:
            positions = range(len(rows))[::-1]  # the choice list's first item on top
            axes.barh(list(positions), counts, color=COLOUR)
            axes.set_yticks(list(positions), labels)
        axes.set_title(result.title(key))
        count_axis = axes.yaxis if key == "month" else axes.xaxis
        count_axis.get_major_locator().set_params(integer=True)  # whole incidents, no 0.5 ticks
        axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    # No creation date or software version in the file: the same figures give the same bytes.
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()
