"""Reading the profile links tables carry (widgets.unit_links): each unit or department name is
its profile's URL, /units?unit=NAME&<the filters> (a department's /units?dept=NAME&…), shown
as the name."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

KEYS = {"supervising_dept": "dept"}          # a column's profile key; any other column's: unit


def unit_of(link: str | None, key: str = "unit") -> str | None:
    """The unit (department) a link opens; a cell that is no profile link fails the test."""
    if link is None:
        return None
    parts = urlsplit(link)
    assert parts.path == "/units" and link.startswith(f"/units?{key}="), link
    return parse_qs(parts.query)[key][0]


def unit_names(frame, column: str = "implementing_unit", key: str | None = None):
    """A table as the browser shows it: its profile links read back as the names (pandas)."""
    shown = frame.copy()
    shown[column] = [unit_of(link, key or KEYS.get(column, "unit")) for link in frame[column]]
    return shown
