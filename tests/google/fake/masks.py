"""Write masks: the `fields` of an update request names what to copy from the request into the state."""
from __future__ import annotations

import copy

from . import fields as fieldmask


def apply_update(target: dict, source: dict, mask_text: str) -> None:
    """Copy the masked fields from source into target; a masked field absent from source is cleared."""
    if not mask_text:
        from .errors import invalid

        raise invalid("At least one field must be updated, but 'fields' is empty.")
    from .styles import twin_fields

    mask = twin_fields(fieldmask.parse(mask_text))
    _apply(target, source, mask)


def _apply(target: dict, source: dict, mask: dict) -> None:
    if "*" in mask:
        target.clear()
        target.update(copy.deepcopy(source))
        return
    for key, sub in mask.items():
        if sub is None or key not in source or not isinstance(source.get(key), dict):
            if key in source and source[key] is not None:
                target[key] = copy.deepcopy(source[key])
            else:
                target.pop(key, None)
            continue
        child = target.setdefault(key, {})
        if not isinstance(child, dict):
            child = target[key] = {}
        _apply(child, source[key], sub)
        if not child:
            target.pop(key, None)
