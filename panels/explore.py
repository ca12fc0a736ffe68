"""Streamlit glue for Explore routes: the grid click and the link to Find standards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from htq import charts


def find_query(route: str, levels: Sequence[int]) -> dict[str, Any]:
    """Return the Find standards URL parameters for a route and levels."""
    params: dict[str, Any] = {"level": [str(v) for v in levels] or "all"}
    if route:
        params["route"] = route
    return params


def pick_grid_cell() -> None:
    """Callback of the route x level grid: show the clicked route and level on the map."""
    route, level = charts.grid_cell(st.session_state.get("grid"))
    if route:
        st.session_state["route"] = route
    if level:
        st.session_state["level"] = [level]
