"""Hugo's string functions (title, humanize, urlize, anchorize, substr, ...) and spf13/cast's conversions."""

from __future__ import annotations

import re
from typing import Any

from ..gotemplate.gofmt import format_value
from ..gotemplate.gorunes import (cat, go_lower, go_lower_rune, go_title_rune, go_trim_space, go_upper,
                                  go_upper_rune, is_digit, is_go_space, is_letter, is_mark, is_punct, is_upper)
from ..gotemplate.strconv import format_float_f, go_parse_int
from ..gotemplate.values import GoEnum, GoObject, MISSING, TemplateError, TypedList, Unsupported, go_type_name


def cast_string(value: Any) -> str:
    """spf13/cast's ToStringE, as Hugo's string functions convert their arguments."""
    if value is None or value is MISSING:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, GoEnum):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float_f(value)
    if isinstance(value, GoObject):
        return value.string()
    raise TemplateError(f"unable to cast {format_value(value)} of type {go_type_name(value)} to string")


def cast_int(value: Any, what: str = "") -> int:
    """spf13/cast's ToIntE."""
    if value is None or value is MISSING:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        text = value[:-2] if value.endswith(".0") else value
        parsed = go_parse_int(text)
        if parsed is not None:
            return parsed
    raise TemplateError(what or f"unable to cast {go_type_name(value)} to int")


# jdkato/prose transform (Hugo's title case): words AP style leaves lower case mid-title.
_SMALL_WORDS = frozenset("a an and as at but by en for if in nor of on or per the to vs vs. via v v.".split())
_PREPOSITIONS = frozenset(
    "with from into during including until against among throughout despite towards upon "
    "concerning about over through before between after since without under within along "
    "following across beyond around down near above".split()
)
_TITLE_SANITIZER = {
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
}
_TITLE_SEPARATORS = frozenset("\t\n\f\r -/")  # Go's \s plus '-' and '/' in `[^\s-/]`


def _title_words(s: str) -> list[tuple[int, int]]:
    """Spans matched by prose's `[\\p{N}\\p{L}]+[^\\s-/]*` (a word runs to the next separator)."""
    spans = []
    i = 0
    n = len(s)
    while i < n:
        if cat(s[i])[0] in "LN":
            j = i
            while j < n and s[j] not in _TITLE_SEPARATORS:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def _prose_title(s: str, chicago: bool) -> str:
    """transform.TitleConverter.Title, reproducing its byte-offset arithmetic."""
    t = "".join(_TITLE_SANITIZER.get(c, c) for c in s).encode()
    end = len(t)

    def char_at(index: int) -> int:
        if 0 <= index < len(t):
            return t[index]
        return t[0]

    out: list[str] = []
    last = 0
    idx = 0
    for start, stop in _title_words(s):
        out.append(s[last:start])
        last = stop
        word = s[start:stop]
        raw = word.encode()
        lowered = go_lower(word)
        pos = t.find(raw, idx)
        pos = pos if pos >= 0 else -1
        if pos == -1:
            pos = idx - 1
        prev = char_at(pos - 1)
        # prose mixes units: positions are byte offsets, the word length is counted in runes.
        ext = len(word)
        idx = pos + ext
        bounding = pos == 0 or idx == end
        small = lowered in _SMALL_WORDS or (chicago and lowered in _PREPOSITIONS)
        if (
            not bounding
            and small
            and prev in (ord(" "), ord("-"), ord("/"))
            and char_at(pos - 2) not in (ord(":"), ord("-"))
            and (char_at(pos + ext) != ord("-") or char_at(pos - 1) == ord("-"))
        ):
            out.append(lowered)
        else:
            out.append(go_title_rune(word[0]) + word[1:])
    out.append(s[last:])
    return "".join(out)


def _go_strings_title(s: str) -> str:
    """Go's deprecated strings.Title (titleCaseStyle "go")."""

    def is_separator(c: str) -> bool:
        if ord(c) <= 0x7F:
            return not (c.isascii() and (c.isalnum() or c == "_"))
        if is_letter(c) or is_digit(c):
            return False
        return is_go_space(c)

    out = []
    prev = " "
    for c in s:
        out.append(go_title_rune(c) if is_separator(prev) else c)
        prev = c
    return "".join(out)


def title_case(s: str, style: str) -> str:
    """Hugo's title casing in one of its titleCaseStyle styles."""
    style = style.lower()
    if style == "go":
        return _go_strings_title(s)
    if style == "none":
        return s
    if style == "firstupper":
        return go_upper_rune(s[0]) + s[1:] if s else s
    return _prose_title(s, chicago=style == "chicago")


# gobuffalo/flect's acronym list (Hugo's humanize upper-cases these words).
_ACRONYMS = frozenset(
    """OK UTF8 HTML JSON JWT ID UUID SQL ACK ACL ADSL AES ANSI API ARP ATM BGP BSS CCITT CHAP CIDR
    CIR CLI CPE CPU CRC CRT CSMA CMOS DCE DEC DES DHCP DNS DRAM DSL DSLAM DTE DMI EHA EIA EIGRP EOF
    ESS FCC FCS FDDI FTP GBIC gbps GEPOF HDLC HTTP HTTPS IANA ICMP IDF IDS IEEE IETF IMAP IP IPS ISDN
    ISP kbps LACP LAN LAPB LAPF LLC MAC Mbps MC MDF MIB MoCA MPLS MTU NAC NAT NBMA NIC NRZ NRZI NVRAM
    OIDC OSI OSPF OUI PAP PAT PC PIM PCM PDU POP3 POTS PPP PPTP PTT PVST RAM RARP RFC RIP RLL ROM
    RSTP RTP RCP SDLC SFD SFP SLARP SLIP SMTP SNA SNAP SNMP SOF SRAM SSH SSID STP SYN TDM TFTP TIA
    TOFU UDP URL URI USB UTP VC VLAN VLSM VPN W3C WAN WEP WiFi WPA WWW""".split()
)
_FLECT_SPACES = frozenset("_ :-/")


def _flect_is_space(c: str) -> bool:
    return c in _FLECT_SPACES or is_go_space(c)


def _flect_append(parts: list[str], *words: str) -> list[str]:
    for word in words:
        start, stop = 0, len(word)
        while start < stop and _flect_is_space(word[start]):
            start += 1
        while stop > start and _flect_is_space(word[stop - 1]):
            stop -= 1
        word = word[start:stop]
        if go_upper(word) in _ACRONYMS:
            word = go_upper(word)
        if word:
            parts.append(word)
    return parts


def _flect_parts(s: str) -> list[str]:
    """flect's toParts: split on spaces/_-:/ and camelCase, upper-casing known acronyms."""
    parts: list[str] = []
    s = go_trim_space(s)
    if not s:
        return parts
    if go_upper(s) in _ACRONYMS:
        return [go_upper(s)]
    prev = "\0"
    buf: list[str] = []
    for c in s:
        starts_part = _flect_is_space(c) or (
            is_upper(c) and (not is_upper(prev) or go_upper("".join(buf)) in _ACRONYMS)
        )
        if starts_part:
            _flect_append(parts, "".join(buf))
            buf = [c]
        elif is_letter(c) or is_digit(c) or is_punct(c) or c == "`":
            buf.append(c)
        else:
            _flect_append(parts, "".join(buf))
            buf = []
        prev = c
    _flect_append(parts, "".join(buf))
    return parts


def _flect_titleize(s: str) -> str:
    return " ".join(go_title_rune(p[0]) + p[1:] for p in _flect_parts(s))


def _flect_humanize(s: str) -> str:
    if not s:
        return ""
    if not go_trim_space(s):
        return s
    parts = _flect_parts(s)
    if not parts:
        # flect indexes Parts[0] unchecked; Hugo reports the resulting panic.
        raise TemplateError("runtime error: index out of range [0] with length 0")
    joined = _flect_append([], _flect_titleize(parts[0]))
    if len(parts) > 1:
        _flect_append(joined, *parts[1:])
    return " ".join(joined)


_ATOI_RE = re.compile(r"[+-]?[0-9]+\Z")


def humanize(value: Any) -> str:
    """Hugo's humanize: an ordinal for a number, else flect's humanized words."""
    word = cast_string(value)
    if not word:
        return ""
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if is_int or (_ATOI_RE.match(word) and -(2**63) <= int(word) < 2**63):
        number = int(word)
        if abs(number) % 100 in (11, 12, 13):
            suffix = "th"
        else:
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(abs(number) % 10, "th")
        return f"{number}{suffix}"
    return _flect_humanize(go_lower(_flect_humanize(word)))


def anchorize(value: Any) -> str:
    """Hugo's anchorize: goldmark's "github" anchor sanitizer."""
    out = []
    for c in go_trim_space(cast_string(value)):
        if c in "- ":
            out.append("-")
        elif c == "_" or is_letter(c) or is_digit(c):
            out.append(go_lower_rune(c))
    return "".join(out)


_HEX = "0123456789abcdefABCDEF"


def _path_sanitize(s: str) -> str:
    """Hugo's paths.Sanitize: keep letters, digits, marks and . / \\ _ # + ~ - @ %XX."""
    raw = s.encode()

    def allowed(c: str, byte_index: int) -> bool:
        if c == " ":
            return False
        if is_letter(c) or is_digit(c) or c in "./\\_#+~-@" or is_mark(c):
            return True
        return (
            c == "%"
            and byte_index + 2 < len(raw)
            and chr(raw[byte_index + 1]) in _HEX
            and chr(raw[byte_index + 2]) in _HEX
        )

    indexed = []
    offset = 0
    for c in s:
        indexed.append((c, offset))
        offset += len(c.encode())
    if all(allowed(c, i) for c, i in indexed):
        return s
    out: list[str] = []
    prepend = False
    was_hyphen = False
    for c, i in indexed:
        if allowed(c, i):
            was_hyphen = c == "-"
            if prepend:
                if not was_hyphen:
                    out.append("-")
                prepend = False
            out.append(c)
        elif out and not was_hyphen and is_go_space(c):
            prepend = True
    return "".join(out)


def _url_should_escape(byte: int, fragment: bool) -> bool:
    c = chr(byte)
    if c.isascii() and c.isalnum():
        return False
    if c in "-_.~":
        return False
    if c in "$&+,/:;=?@":
        return False if fragment else c == "?"
    return not (fragment and c in "!()*")


def _url_escape(data: bytes, fragment: bool) -> str:
    return "".join(chr(b) if not _url_should_escape(b, fragment) else f"%{b:02X}" for b in data)


def _url_unescape(data: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == ord("%"):
            out.append(int(data[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def _url_valid_encoded(data: bytes, fragment: bool) -> bool:
    return all(chr(b) in "!$&'()*+,;=:@[]%" or not _url_should_escape(b, fragment) for b in data)


def _url_component(text: str, fragment: bool) -> str:
    """net/url: unescape into Path (or Fragment), then EscapedPath (or EscapedFragment)."""
    raw = text.encode()
    escaped = _url_escape(_url_unescape(raw), fragment)
    # Go keeps the caller's own escaping (RawPath) when it is a valid alternative encoding.
    if escaped != text and _url_valid_encoded(raw, fragment):
        return text
    return escaped


def urlize(value: Any) -> str:
    """Hugo's urlize: sanitize, lower-case, then round-trip through Go's url.Parse/String."""
    path = go_lower(_path_sanitize(cast_string(value)))
    path, hash_sign, frag = path.partition("#")
    if path.startswith("//") and not path.startswith("///"):
        raise Unsupported("urlize of a string starting with //")
    result = _url_component(path, fragment=False)
    if hash_sign and frag:
        result += "#" + _url_component(frag, fragment=True)
    return result


def substr(value: Any, *nums: Any) -> str:
    """Hugo's substr: a substring by rune start and length (negative counts from the end)."""
    s = cast_string(value)
    runes = list(s)
    rlen = len(runes)
    if not nums:
        raise TemplateError("too few arguments")
    if len(nums) > 2:
        raise TemplateError("too many arguments")
    start = cast_int(nums[0], "start argument must be an integer")
    length = rlen if len(nums) == 1 else cast_int(nums[1], "length argument must be an integer")
    if rlen == 0:
        return ""
    if start < 0:
        start += rlen
    start = max(start, 0)
    if start > rlen - 1:
        return ""
    stop = rlen
    if length == 0:
        return ""
    if length < 0:
        stop += length
    else:
        stop = start + length
    if start >= stop or stop < 0:
        return ""
    return "".join(runes[start : min(stop, rlen)])


def slicestr(value: Any, *bounds: Any) -> str:
    """Hugo's slicestr: the runes from start to end."""
    s = cast_string(value)
    if len(bounds) > 2:
        raise TemplateError("too many arguments")
    runes = list(s)
    start = cast_int(bounds[0]) if bounds else 0
    stop = cast_int(bounds[1]) if len(bounds) > 1 else len(runes)
    if start < 0 or start > stop or stop > len(runes):
        raise TemplateError(f"runtime error: slice bounds out of range [{start}:{stop}]")
    return "".join(runes[start:stop])


def replace(s: Any, old: Any, new: Any, *limit: Any) -> str:
    """Hugo's replace: old replaced by new (at most `limit` times)."""
    text, before, after = cast_string(s), cast_string(old), cast_string(new)
    if not limit:
        return text.replace(before, after)
    count = cast_int(limit[0])
    return text.replace(before, after, count if count >= 0 else -1)


def split(s: Any, sep: Any) -> list[Any]:
    """Hugo's split: a []string split at sep."""
    text, delimiter = cast_string(s), cast_string(sep)
    if delimiter == "":
        return TypedList(list(text), "string")
    return TypedList(text.split(delimiter), "string")


