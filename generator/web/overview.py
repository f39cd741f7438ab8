"""The overview across cases: every open case's overdue and coming deadlines, and (HR) the figures
for the annual review."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from ..register import cases as register_cases
from . import state

bp = Blueprint("overview", __name__)


@bp.route("/overblik")
def index():
    register = state.register()
    today = state.today()
    rows = register_cases.list_cases(register, today=today, open_only=True,
                                      created_by=None if g.user.sees_all else g.user.name)
    rows = sorted((row for row in rows if row.next_due is not None), key=lambda row: row.next_due)
    return render_template("overview.html", rows=rows, today=today, active="overview")
