"""The overview across cases: every open case's overdue and coming tasks (the register's
``overdue``) and, for HR, the year's figures for the annual review with the chart (``stats``)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, g, render_template, request, send_file

from ..register import overview as register_overview
from ..register import stats as register_stats
from ..register.cases import list_cases
from . import state

bp = Blueprint("overview", __name__)

#: Days ahead the overview shows coming tasks for.
WITHIN_DAYS = 14


def _year() -> int:
    text = request.args.get("aar", "")
    year = state.today().year
    return int(text) if text.isdigit() and 2000 <= int(text) <= year + 1 else year


@bp.route("/overblik")
def index():
    register = state.register()
    today = state.today()
    tasks = register_overview.overdue(register, today=today, within=WITHIN_DAYS)
    if not g.user.sees_all:  # a leader's own cases
        own = {row.id for row in list_cases(register, today=today, created_by=g.user.name)}
        tasks = [task for task in tasks if task.case_id in own]
    year = _year()
    figures = register_stats.stats(register, *register_stats.period(year=year)) if g.user.sees_all else None
    return render_template("overview.html", tasks=tasks, figures=figures, year=year, today=today,
                           within=WITHIN_DAYS, active="overview")


@bp.route("/overblik/diagram-<int:year>.png")
def chart(year: int):
    """The year's chart (HR only: the figures span every case)."""
    if not g.user.sees_all:
        abort(404)
    from ..register import chart as register_chart  # matplotlib loads only when a chart is drawn

    figures = register_stats.stats(state.register(), *register_stats.period(year=year))
    return send_file(io.BytesIO(register_chart.draw(figures, "png")), mimetype="image/png", max_age=0)
