"""Go's time.Time for templates: Format with Go's reference layouts, its methods, RFC 3339."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date as _date
from datetime import datetime, timedelta, timezone
from typing import Any

from .values import GoEnum, GoObject, Member, Unsupported, method


class Month(GoEnum):
    """time.Month."""

    go_type = "time.Month"
    names = (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
    offset = 1


class Weekday(GoEnum):
    """time.Weekday."""

    go_type = "time.Weekday"
    names = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


_STD_LONG_MONTH, _STD_MONTH, _STD_NUM_MONTH, _STD_ZERO_MONTH = 1, 2, 3, 4
_STD_LONG_WEEKDAY, _STD_WEEKDAY = 5, 6
_STD_DAY, _STD_UNDER_DAY, _STD_ZERO_DAY, _STD_UNDER_YEARDAY, _STD_ZERO_YEARDAY = 7, 8, 9, 10, 11
_STD_HOUR, _STD_HOUR12, _STD_ZERO_HOUR12 = 12, 13, 14
_STD_MINUTE, _STD_ZERO_MINUTE, _STD_SECOND, _STD_ZERO_SECOND = 15, 16, 17, 18
_STD_LONG_YEAR, _STD_YEAR, _STD_PM, _STD_LOWER_PM, _STD_TZ = 19, 20, 21, 22, 23
_STD_ISO_TZ, _STD_ISO_SECONDS_TZ, _STD_ISO_SHORT_TZ, _STD_ISO_COLON_TZ, _STD_ISO_COLON_SECONDS_TZ = (
    24,
    25,
    26,
    27,
    28,
)
_STD_NUM_TZ, _STD_NUM_SECONDS_TZ, _STD_NUM_SHORT_TZ, _STD_NUM_COLON_TZ, _STD_NUM_COLON_SECONDS_TZ = (
    29,
    30,
    31,
    32,
    33,
)
_STD_FRAC = 34  # carried with (digits, trim, separator)

_STD_0X = (_STD_ZERO_MONTH, _STD_ZERO_DAY, _STD_ZERO_HOUR12, _STD_ZERO_MINUTE, _STD_ZERO_SECOND, _STD_YEAR)
_TZ_PATTERNS = (
    ("070000", "SECONDS"),
    ("07:00:00", "COLON_SECONDS"),
    ("0700", ""),
    ("07:00", "COLON"),
    ("07", "SHORT"),
)
_TZ_CODES = {
    ("Z", "SECONDS"): _STD_ISO_SECONDS_TZ,
    ("Z", "COLON_SECONDS"): _STD_ISO_COLON_SECONDS_TZ,
    ("Z", ""): _STD_ISO_TZ,
    ("Z", "COLON"): _STD_ISO_COLON_TZ,
    ("Z", "SHORT"): _STD_ISO_SHORT_TZ,
    ("-", "SECONDS"): _STD_NUM_SECONDS_TZ,
    ("-", "COLON_SECONDS"): _STD_NUM_COLON_SECONDS_TZ,
    ("-", ""): _STD_NUM_TZ,
    ("-", "COLON"): _STD_NUM_COLON_TZ,
    ("-", "SHORT"): _STD_NUM_SHORT_TZ,
}


def _next_std_chunk(layout: str) -> tuple[str, Any, str]:
    """time.nextStdChunk: the literal prefix, the next layout element, and the rest."""
    n = len(layout)
    i = 0
    while i < n:
        c = layout[i]
        if c == "J" and layout.startswith("Jan", i):
            if layout.startswith("January", i):
                return layout[:i], _STD_LONG_MONTH, layout[i + 7 :]
            if not (i + 3 < n and "a" <= layout[i + 3] <= "z"):
                return layout[:i], _STD_MONTH, layout[i + 3 :]
        elif c == "M" and i + 3 <= n:
            if layout.startswith("Mon", i):
                if layout.startswith("Monday", i):
                    return layout[:i], _STD_LONG_WEEKDAY, layout[i + 6 :]
                if not (i + 3 < n and "a" <= layout[i + 3] <= "z"):
                    return layout[:i], _STD_WEEKDAY, layout[i + 3 :]
            if layout.startswith("MST", i):
                return layout[:i], _STD_TZ, layout[i + 3 :]
        elif c == "0":
            if i + 1 < n and "1" <= layout[i + 1] <= "6":
                return layout[:i], _STD_0X[ord(layout[i + 1]) - ord("1")], layout[i + 2 :]
            if layout.startswith("002", i):
                return layout[:i], _STD_ZERO_YEARDAY, layout[i + 3 :]
        elif c == "1":
            if i + 1 < n and layout[i + 1] == "5":
                return layout[:i], _STD_HOUR, layout[i + 2 :]
            return layout[:i], _STD_NUM_MONTH, layout[i + 1 :]
        elif c == "2":
            if layout.startswith("2006", i):
                return layout[:i], _STD_LONG_YEAR, layout[i + 4 :]
            return layout[:i], _STD_DAY, layout[i + 1 :]
        elif c == "_":
            if i + 1 < n and layout[i + 1] == "2":
                if layout.startswith("2006", i + 1):
                    return layout[: i + 1], _STD_LONG_YEAR, layout[i + 5 :]
                return layout[:i], _STD_UNDER_DAY, layout[i + 2 :]
            if layout.startswith("__2", i):
                return layout[:i], _STD_UNDER_YEARDAY, layout[i + 3 :]
        elif c == "3":
            return layout[:i], _STD_HOUR12, layout[i + 1 :]
        elif c == "4":
            return layout[:i], _STD_MINUTE, layout[i + 1 :]
        elif c == "5":
            return layout[:i], _STD_SECOND, layout[i + 1 :]
        elif c == "P" and layout.startswith("PM", i):
            return layout[:i], _STD_PM, layout[i + 2 :]
        elif c == "p" and layout.startswith("pm", i):
            return layout[:i], _STD_LOWER_PM, layout[i + 2 :]
        elif c in "-Z":
            for pattern, variant in _TZ_PATTERNS:
                if layout.startswith(pattern, i + 1):
                    return layout[:i], _TZ_CODES[(c, variant)], layout[i + 1 + len(pattern) :]
        elif c in ".," and i + 1 < n and layout[i + 1] in "09":
            ch = layout[i + 1]
            j = i + 1
            while j < n and layout[j] == ch:
                j += 1
            if not (j < n and "0" <= layout[j] <= "9"):
                return layout[:i], (_STD_FRAC, j - (i + 1), ch == "9", c), layout[j:]
        i += 1
    return layout, 0, ""


def _pad_int(value: int, width: int) -> str:
    if value < 0:
        return "-" + str(-value).rjust(width, "0")
    return str(value).rjust(width, "0")


class GoTime(GoObject):
    """time.Time: an aware datetime plus nanoseconds, Go zone name and monotonic flag."""

    go_type = "time.Time"

    def __init__(self, moment: datetime, zone_name: str, nanos: int | None = None, monotonic: bool = False):
        self.dt = moment
        self.zone_name = zone_name
        self.nanos = moment.microsecond * 1000 if nanos is None else nanos
        self.monotonic = monotonic

    @property
    def offset(self) -> int:
        """The zone's offset from UTC in seconds."""
        delta = self.dt.utcoffset() or timedelta(0)
        return int(delta.total_seconds())

    def format(self, layout: str) -> str:
        """time.Time.Format with a Go layout."""
        out: list[str] = []
        dt = self.dt
        while layout:
            prefix, std, layout = _next_std_chunk(layout)
            out.append(prefix)
            if not std:
                break
            if isinstance(std, tuple):
                out.append(self._fraction(std))
                continue
            out.append(self._element(std, dt))
        return "".join(out)

    def _fraction(self, std: tuple[int, int, bool, str]) -> str:
        _, digits, trim, sep = std
        if trim and (digits == 0 or self.nanos == 0):
            return ""
        text = str(self.nanos).rjust(9, "0")[:digits]
        if trim:
            text = text.rstrip("0")
            return sep + text if text else ""
        return sep + text

    def _element(self, std: int, dt: datetime) -> str:
        if std == _STD_YEAR:
            return _pad_int(dt.year % 100, 2)
        if std == _STD_LONG_YEAR:
            return _pad_int(dt.year, 4)
        if std == _STD_MONTH:
            return Month.names[dt.month - 1][:3]
        if std == _STD_LONG_MONTH:
            return Month.names[dt.month - 1]
        if std == _STD_NUM_MONTH:
            return str(dt.month)
        if std == _STD_ZERO_MONTH:
            return _pad_int(dt.month, 2)
        weekday = (dt.weekday() + 1) % 7
        if std == _STD_WEEKDAY:
            return Weekday.names[weekday][:3]
        if std == _STD_LONG_WEEKDAY:
            return Weekday.names[weekday]
        if std == _STD_DAY:
            return str(dt.day)
        if std == _STD_UNDER_DAY:
            return str(dt.day).rjust(2, " ")
        if std == _STD_ZERO_DAY:
            return _pad_int(dt.day, 2)
        yday = dt.timetuple().tm_yday
        if std == _STD_UNDER_YEARDAY:
            return str(yday).rjust(3, " ")
        if std == _STD_ZERO_YEARDAY:
            return _pad_int(yday, 3)
        if std == _STD_HOUR:
            return _pad_int(dt.hour, 2)
        hour12 = dt.hour % 12 or 12
        if std == _STD_HOUR12:
            return str(hour12)
        if std == _STD_ZERO_HOUR12:
            return _pad_int(hour12, 2)
        if std == _STD_MINUTE:
            return str(dt.minute)
        if std == _STD_ZERO_MINUTE:
            return _pad_int(dt.minute, 2)
        if std == _STD_SECOND:
            return str(dt.second)
        if std == _STD_ZERO_SECOND:
            return _pad_int(dt.second, 2)
        if std == _STD_PM:
            return "PM" if dt.hour >= 12 else "AM"
        if std == _STD_LOWER_PM:
            return "pm" if dt.hour >= 12 else "am"
        offset = self.offset
        if std == _STD_TZ:
            if self.zone_name:
                return self.zone_name
            minutes = abs(offset) // 60
            return ("-" if offset < 0 else "+") + _pad_int(minutes // 60, 2) + _pad_int(minutes % 60, 2)
        iso = std in (
            _STD_ISO_TZ,
            _STD_ISO_SECONDS_TZ,
            _STD_ISO_SHORT_TZ,
            _STD_ISO_COLON_TZ,
            _STD_ISO_COLON_SECONDS_TZ,
        )
        if iso and offset == 0:
            return "Z"
        minutes = abs(offset) // 60
        text = ("-" if offset < 0 else "+") + _pad_int(minutes // 60, 2)
        colon_seconds = (_STD_ISO_COLON_SECONDS_TZ, _STD_NUM_COLON_SECONDS_TZ)
        if std in (_STD_ISO_COLON_TZ, _STD_NUM_COLON_TZ, *colon_seconds):
            text += ":"
        if std not in (_STD_NUM_SHORT_TZ, _STD_ISO_SHORT_TZ):
            text += _pad_int(minutes % 60, 2)
        if std in (_STD_ISO_SECONDS_TZ, _STD_NUM_SECONDS_TZ, *colon_seconds):
            if std in colon_seconds:
                text += ":"
            text += _pad_int(abs(offset) % 60, 2)
        return text

    def string(self) -> str:
        """The time as Go's Time.String prints it (`2006-01-02 15:04:05.999999999 -0700 MST`)."""
        if self.monotonic:
            # Go appends the monotonic clock reading ("m=+0.05"), which no renderer can reproduce.
            raise Unsupported("printing now without .Format")
        return self.format("2006-01-02 15:04:05.999999999 -0700 MST")

    def in_utc(self) -> GoTime:
        """time.Time.UTC."""
        return GoTime(self.dt.astimezone(timezone.utc), "UTC", self.nanos)

    def add_date(self, years: int, months: int, days: int) -> GoTime:
        """time.Time.AddDate (normalising overflowing days as Go does)."""
        month_index = self.dt.month - 1 + months
        year = self.dt.year + years + month_index // 12
        month = month_index % 12 + 1
        day = _date(year, month, 1) + timedelta(days=self.dt.day - 1 + days)
        moment = datetime.combine(day, self.dt.timetz())
        return GoTime(moment, self.zone_name, self.nanos)

    def unix(self) -> int:
        """time.Time.Unix."""
        return math.floor(self.dt.timestamp())

    def member(self, name: str) -> Member | None:
        """The method of time.Time a template may call by `name` (Format, Year, Unix, ...), or None."""
        dt = self.dt
        members: dict[str, Callable[[], Member]] = {
            "Format": lambda: method(self.format, "string"),
            "Year": lambda: method(lambda: dt.year),
            "Month": lambda: method(lambda: Month(dt.month)),
            "Day": lambda: method(lambda: dt.day),
            "Hour": lambda: method(lambda: dt.hour),
            "Minute": lambda: method(lambda: dt.minute),
            "Second": lambda: method(lambda: dt.second),
            "Nanosecond": lambda: method(lambda: self.nanos),
            "YearDay": lambda: method(lambda: dt.timetuple().tm_yday),
            "Weekday": lambda: method(lambda: Weekday((dt.weekday() + 1) % 7)),
            "Unix": lambda: method(self.unix),
            "UTC": lambda: method(self.in_utc),
            "Local": lambda: method(lambda: GoTime(self.dt, self.zone_name, self.nanos)),
            "AddDate": lambda: method(self.add_date, "int", "int", "int"),
            "IsZero": lambda: method(lambda: False),
            "String": lambda: method(self.string),
        }
        maker = members.get(name)
        return maker() if maker else None


_RFC3339_RE = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?([Zz]|[+-]\d\d:\d\d)\Z"
)


def parse_rfc3339(text: str) -> tuple[datetime, int] | None:
    """An RFC 3339 timestamp as (aware datetime, nanoseconds), or None."""
    m = _RFC3339_RE.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac = (m.group(7) or "").ljust(9, "0")
    nanos = int(frac) if frac else 0
    zone = m.group(8)
    if zone in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    try:
        moment = datetime(year, month, day, hour, minute, second, nanos // 1000, tzinfo=tz)
    except ValueError:
        return None
    return moment, nanos


def zone_name(moment: datetime) -> str:
    """The abbreviation Go would print for MST, as far as a Python tzinfo can tell it."""
    tz = moment.tzinfo
    offset = moment.utcoffset()
    if isinstance(tz, timezone):
        if offset == timedelta(0):
            return "UTC"
        # A bare offset is Go's "fabricated location" unless it matches the machine's zone,
        # in which case Go reports the local abbreviation.
        local = datetime.now().astimezone()
        if local.utcoffset() == offset:
            return local.tzname() or ""
        return ""
    name = moment.tzname() or ""
    return "" if name.startswith(("UTC+", "UTC-")) else name


def time_from_datetime(moment: datetime, monotonic: bool = False) -> GoTime:
    """A Python datetime as a Go time.Time (a naive one in local time)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return GoTime(moment, zone_name(moment), monotonic=monotonic)


