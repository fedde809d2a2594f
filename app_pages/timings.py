"""Where a page run's time goes, for `python -m bench pages-browser`. Off unless
JIXIAO_TIMINGS names a file; then every script run appends one JSON line to it:

    {"session": "…", "page": "budget", "outcome": "done", "started": 1765017000.12,
     "script_s": 0.41, "queries_s": 0.12, "connect_s": 0.02, "figures_s": 0.05, "charts_s": 0.08,
     "tables_s": 0.03, "other_s": 0.11, "queries": 9, "query_misses": 3}

Phases are exclusive, so they add up to script_s: a query asked for while a figure is built
counts as query time only. queries: data.run, its cache included (a hit unpickles the
frame); connect: opening the store; figures: building Plotly figures (plotly's figure and
trace constructors, add_*/update_* and plotly.express); charts and tables: st.plotly_chart
and st.dataframe (the figure's JSON, the frame's Arrow); other: the rest of the script
(widgets, layout, Streamlit's own work). The plotly and streamlit calls are wrapped only
when the file is named, so a normal dashboard runs their code untouched.
"""
from __future__ import annotations

import functools
import json
import os
import threading
import time
from contextlib import contextmanager

PHASES = ("queries", "connect", "figures", "charts", "tables")
ENV = "JIXIAO_TIMINGS"
_local = threading.local()
_lock = threading.Lock()
_wrapped = False


def begin() -> None:
    """A script run starts (top of app.py)."""
    path = os.environ.get(ENV)
    if not path:
        _local.run = None
        return
    _wrap_libraries()
    _local.run = {"path": path, "started": time.time(), "clock": time.perf_counter(), "stack": [],
                  "spent": dict.fromkeys(PHASES, 0.0), "queries": 0, "query_misses": 0}


def end(page: str, stopped_by: BaseException | None) -> None:
    """The script run ends (app.py's finally, `stopped_by` the exception under way, if
    any): append its line, its outcome "done", "rerun" (st.rerun or a newer request),
    "stop" (st.stop) or "error"."""
    run = getattr(_local, "run", None)
    if run is None:
        return
    # Local: streamlit's control-flow exceptions, only when timing.
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    outcome = ("done" if stopped_by is None else "rerun" if isinstance(stopped_by, RerunException)
               else "stop" if isinstance(stopped_by, StopException) else "error")
    _local.run = None
    script = time.perf_counter() - run["clock"]
    line = {"session": _session_id(), "page": page, "outcome": outcome, "started": run["started"],
            "script_s": script, **{f"{name}_s": spent for name, spent in run["spent"].items()},
            "other_s": script - sum(run["spent"].values()),
            "queries": run["queries"], "query_misses": run["query_misses"]}
    with _lock, open(run["path"], "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def count(name: str) -> None:
    """One more of `name` ("queries", "query_misses") in this run."""
    run = getattr(_local, "run", None)
    if run is not None:
        run[name] += 1


@contextmanager
def phase(name: str):
    """Time the block as `name`, less the phases nested in it. Re-entering the phase that
    is already running (a figure built inside a figure's constructor) adds nothing."""
    run = getattr(_local, "run", None)
    if run is None or (run["stack"] and run["stack"][-1][0] == name):
        yield
        return
    now = time.perf_counter()
    if run["stack"]:
        outer, since = run["stack"][-1]
        run["spent"][outer] += now - since
    run["stack"].append((name, now))
    try:
        yield
    finally:
        now = time.perf_counter()
        _, since = run["stack"].pop()
        run["spent"][name] += now - since
        if run["stack"]:
            run["stack"][-1] = (run["stack"][-1][0], now)


def _timed(name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with phase(name):
            return function(*args, **kwargs)
    wrapper.__timed__ = True
    return wrapper


def _wrap(owner, attribute: str, name: str) -> None:
    function = getattr(owner, attribute, None)
    if function is not None and not getattr(function, "__timed__", False):
        setattr(owner, attribute, _timed(name, function))


def _wrap_libraries() -> None:
    """Plotly's figure building and Streamlit's chart and table calls, timed from now on."""
    global _wrapped
    with _lock:
        if _wrapped:
            return
        _wrapped = True
        # Local: plotly and the DeltaGenerator are wrapped only when timings are asked for.
        import plotly.express as px
        import plotly.graph_objects as go
        import streamlit as st
        from plotly.basedatatypes import BaseFigure, BaseTraceType
        from streamlit.delta_generator import DeltaGenerator

        for owner in (go.Figure, BaseFigure):
            for attribute in ("__init__", "add_trace", "add_traces", "update_layout", "update_traces",
                              "update_xaxes", "update_yaxes"):
                _wrap(owner, attribute, "figures")
        for attribute in dir(go.Figure):
            if attribute.startswith("add_"):
                _wrap(go.Figure, attribute, "figures")
        for attribute in ("Bar", "Scatter", "Scattergl", "Histogram", "Pie", "Heatmap", "Box"):
            trace = getattr(go, attribute)
            if issubclass(trace, BaseTraceType):
                _wrap(trace, "__init__", "figures")
        for attribute in ("bar", "scatter", "line", "histogram", "pie", "box"):
            _wrap(px, attribute, "figures")
        # st.dataframe is a method bound to the main DeltaGenerator when streamlit is
        # imported: both it and the class (columns, containers, the sidebar) are wrapped.
        for owner in (DeltaGenerator, st):
            _wrap(owner, "plotly_chart", "charts")
            _wrap(owner, "dataframe", "tables")


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx   # local: only when timing

    context = get_script_run_ctx()
    return context.session_id if context else None
