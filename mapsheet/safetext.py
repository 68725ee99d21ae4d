"""Text from a plan made safe to write anywhere: XML 1.0 (every .xlsx part) cannot hold most control
characters, and a file name may hold bytes that are not UTF-8. One definition, used by the roll-up writers
and the annotating file writer."""

from __future__ import annotations

from .errors import display_path

#: Control characters (but tab, line feed and carriage return) and DEL as their visible pictures: ESC -> ␛.
_PICTURES = {c: 0x2400 + c for c in range(32) if chr(c) not in "\t\n\r"} | {0x7F: 0x2421}


def xml_safe(text: str) -> str:
    """``text`` with control characters shown as their pictures (␛, ␇), bytes of a file name that are not
    UTF-8 as \\xff escapes, and the two non-characters XML refuses dropped."""
    if text.isprintable():
        return text
    text = text.translate(_PICTURES)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = display_path(text)
    return "".join(ch for ch in text if ch not in "\ufffe\uffff")
