"""Front matter: `<angle>` and `[bracket]` slots left in its string values."""

from __future__ import annotations

import re

from ..findings import PLACEHOLDER, Finding
from ..post.placeholders import bracket_slots

_QUOTED = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'([^\'\n]*)\'')
_FRONT_MATTER_SCALAR = re.compile(r"^\s*(?:-\s+)?(?:[\w.-]+\s*[:=]\s*)?(.*?)\s*$")


def front_matter_placeholders(front_matter: str) -> list[Finding]:
    """Find `<angle>` and `[bracket]` slots left in the string values of a front matter block."""
    findings: list[Finding] = []
    for number, line in enumerate(front_matter.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped in ("---", "+++") or stripped.startswith("#"):
            continue
        values = [m.group(1) if m.group(1) is not None else m.group(2) for m in _QUOTED.finditer(line)]
        if not values:
            scalar = _FRONT_MATTER_SCALAR.match(line)
            value = scalar.group(1) if scalar else ""
            if value.startswith("[") and not value.startswith("[["):
                value = value if re.fullmatch(r"\[[^\[\],]+\]", value) else ""
            elif value.startswith("{"):
                value = ""
            values = [value] if value else []
        for value in values:
            slots = re.findall(r"<[^<>\n]+>", value) + bracket_slots(value)
            for slot in slots:
                findings.append(Finding(number, PLACEHOLDER,
                                        f"the front matter still holds the placeholder {slot}; fill it in, or leave the value empty (\"\")"))
    return findings

