"""Reading the unit links tables carry (widgets.unit_links): each unit name is its profile's
URL, /units?unit=NAME&<the filters>, shown as the name."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit


def unit_of(link: str | None) -> str | None:
    """The unit a link opens; a cell that is no profile link fails the test."""
    if link is None:
        return None
    parts = urlsplit(link)
    assert parts.path == "/units" and link.startswith("/units?unit="), link
    return parse_qs(parts.query)["unit"][0]


def unit_names(frame, column: str = "implementing_unit"):
    """A table as the browser shows it: its unit links read back as the names (pandas)."""
    shown = frame.copy()
    shown[column] = [unit_of(link) for link in frame[column]]
    return shown
