"""The standard plan template: its description (``spec``) and its generator (``build``)."""

from .spec import SPEC, TEMPLATE_VERSION, Field, Kind, Table, TemplateSpec

__all__ = ["SPEC", "TEMPLATE_VERSION", "Field", "Kind", "Table", "TemplateSpec"]
