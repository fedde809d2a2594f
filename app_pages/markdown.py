"""Text from reports inside labels Streamlit renders as markdown (buttons, expanders,
subheaders, chips): escaped so that it shows as written, never as markup."""
from __future__ import annotations

import re

# Characters that would turn a report's own words into markdown (emphasis, links, headings,
# tables, html, maths).
MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$])")


def plain(text) -> str:
    """A report's words for a markdown-rendered label, shown as written: "a*b" -> "a\\*b"."""
    return MARKDOWN.sub(r"\\\1", "" if text is None else str(text))
