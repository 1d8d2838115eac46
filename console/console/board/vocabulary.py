"""The words of a request the pages show (statuses, categories, urgencies, SLA states), marked for
translation, and the manager's status moves from each status."""

from __future__ import annotations

from console.i18n import N_

STATUSES = {
    "new": N_("New"), "in_progress": N_("In progress"), "purchasing": N_("Purchasing"),
    "clarification": N_("Clarification"), "completed": N_("Completed"), "returned": N_("Returned"),
    "accepted": N_("Accepted"), "cancelled": N_("Cancelled"),
}
# The board's columns: open work first; closed requests only when the person asks for them.
OPEN_COLUMNS = ("new", "in_progress", "purchasing", "clarification", "returned", "completed")
CLOSED_COLUMNS = ("accepted", "cancelled")
CATEGORIES = {
    "electricity": N_("Electricity"), "plumbing": N_("Plumbing"), "heating": N_("Heating"),
    "ventilation": N_("Ventilation"), "elevator": N_("Elevator"), "cleaning": N_("Cleaning"),
    "landscaping": N_("Landscaping"), "security": N_("Security"), "internet": N_("Internet"),
    "repair": N_("Repair"), "other": N_("Other"),
}
URGENCIES = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "critical": N_("Critical")}
SLA_STATES = {"on_time": N_("On time"), "at_risk": N_("At risk"), "breached": N_("Breached"),
              "paused": N_("Paused"), "met": N_("Met")}
# What a manager may move a request to from each status (Core's lifecycle decides in the end);
# cancelling has its own form, with a reason.
MOVES = {
    "in_progress": ("purchasing", "clarification", "completed"),
    "purchasing": ("in_progress",),
    "clarification": ("in_progress",),
    "returned": ("in_progress",),
}
CANCELLABLE = frozenset({"new", "in_progress", "purchasing", "clarification", "returned"})
ASSIGNABLE = frozenset({"new", "in_progress", "purchasing", "clarification", "returned"})
