"""Configuration: packaged defaults, overridden by a project file, checked strictly.

Where settings come from, in order: ``mapsheet/defaults.toml`` (packaged), then the first of
``mapsheet.toml`` or ``pyproject.toml`` with a ``[tool.mapsheet]`` table found in the plan's folder or
any parent (or ``--config PATH``). Any key or value mapsheet does not know is a ``ConfigError`` that
names the file, the key and, where it can, what was probably meant.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .levels import CODE_PREFIX, Family, Severity

PROJECT_FILES = ("mapsheet.toml", "pyproject.toml")


def _toml():
    """The TOML reader: imported, like the defaults, when first needed, so that a sync starts its reading
    processes before it (they never read a setting file; about 10 ms)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


@lru_cache(maxsize=1)
def defaults_text() -> str:
    """The packaged defaults as written: what the defaults are, known without the TOML reader (a sync keys the
    settings of plans that have no project file by it, and parses them only where plans are read)."""
    # Beside this module: importlib.resources finds the same file, but importing it costs every sync about 2 ms.
    return Path(__file__).with_name("defaults.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    return _toml().loads(defaults_text())


def __getattr__(name: str) -> Any:
    """``DEFAULTS``, the packaged defaults (one dict, shared), read at first use (PEP 562)."""
    if name == "DEFAULTS":
        return _defaults()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Config:
    """The settings a check is run with (mapsheet.toml over the defaults): passed in, never read from a global."""

    select: list[str]
    ignore: list[str]
    severity: dict[str, Severity]
    points: dict[Severity, float]
    rule_weights: dict[str, float]
    family_weights: dict[Family, float]
    grades: dict[str, float]
    bands: dict[str, float]
    thresholds: dict[str, Any]
    verdict: dict[str, Any] = field(default_factory=dict)
    source: str = "defaults"
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def default(cls) -> "Config":
        return _default_config()


@lru_cache(maxsize=1)
def _default_config() -> Config:
    return build_config({}, "defaults")


def find_project_file(start: Path) -> Path | None:
    folder = start if start.is_dir() else start.parent
    for d in (folder.resolve(), *folder.resolve().parents):
        for name in PROJECT_FILES:
            candidate = d / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(pyproject: Path) -> bool:
    tomllib = _toml()
    try:
        return "mapsheet" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, OSError):
        return False


def load_config(path: Path | None = None, *, near: Path | None = None) -> Config:
    """The configuration in ``path``, or the project file found near ``near``, or the defaults."""
    if path is None and near is not None:
        path = find_project_file(near)
    if path is None:
        return Config.default()
    path = Path(path)
    tomllib = _toml()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("mapsheet", {})
    return build_config(data, str(path))


def build_config(overrides: dict[str, Any], source: str) -> Config:
    merged = copy.deepcopy(_defaults())
    _check_keys(overrides, _defaults(), source, "")
    for key, value in overrides.items():
        if isinstance(value, dict):
            merged.setdefault(key, {}).update(value)
        else:
            merged[key] = value
    return _validate(merged, source)


_OPEN_TABLES = {"severity", "rule_weights"}  # keyed by rule codes, checked against the catalogue


def _check_keys(data: dict, reference: dict, source: str, prefix: str) -> None:
    for key, value in data.items():
        where = f"{prefix}{key}"
        if prefix.rstrip(".") in _OPEN_TABLES:
            continue
        if key not in reference:
            from difflib import get_close_matches  # only for this error

            hint = get_close_matches(key, list(reference), n=1)
            also = f"; did you mean '{prefix}{hint[0]}'?" if hint else f"; known keys: {', '.join(sorted(reference))}"
            raise ConfigError(f"{source}: unknown setting '{where}'{also}")
        expected = reference[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: '{where}' must be a table ([{where}])")
            _check_keys(value, expected, source, f"{where}.")
        elif not _same_type(value, expected):
            raise ConfigError(f"{source}: '{where}' must be {_type_name(expected)}, not {value!r}")


def _same_type(value: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(expected, bool)
    if isinstance(expected, (int, float)):
        return isinstance(value, (int, float)) and value >= 0
    if isinstance(expected, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, type(expected))


def _type_name(expected: Any) -> str:
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return "a number >= 0"
    if isinstance(expected, list):
        return "a list of strings"
    return type(expected).__name__


def _rule_catalogue() -> dict:
    from .rules.registry import all_rules

    return all_rules()


def _validate(data: dict[str, Any], source: str) -> Config:
    # The rule modules are loaded only for a configuration that names particular rules (the default selects every
    # code, "MAP"): a sync that reads no plan needs none.
    every = [item for item in data["select"] if CODE_PREFIX.startswith(item.upper())]
    named = len(every) < len(data["select"]) or any(data[key] for key in ("ignore", "severity", "rule_weights"))
    rules = _rule_catalogue() if named else {}
    names = {r.name: r.code for r in rules.values()}

    def rule_code(key: str, setting: str) -> str:
        if key.upper() in rules:
            return key.upper()
        if key in names:
            return names[key]
        from difflib import get_close_matches  # only for this error

        hint = get_close_matches(key, [*rules, *names], n=1)
        raise ConfigError(f"{source}: '{setting}' names no rule '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else ""))

    for setting in ("select", "ignore"):
        for item in data[setting]:
            if item not in every and not any(code.startswith(item.upper()) for code in rules) and item not in names:
                raise ConfigError(f"{source}: '{setting}' entry '{item}' matches no rule code, prefix or name")
    severity = {}
    for key, value in data["severity"].items():
        try:
            severity[rule_code(key, f"severity.{key}")] = Severity(str(value).lower())
        except ValueError:
            raise ConfigError(f"{source}: 'severity.{key}' must be error, warning or info, not {value!r}") from None
    weights = {}
    for key, value in data["rule_weights"].items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{source}: 'rule_weights.{key}' must be a number >= 0, not {value!r}")
        weights[rule_code(key, f"rule_weights.{key}")] = float(value)
    family_weights = {Family(k): float(v) for k, v in data["family_weights"].items()}
    if abs(sum(family_weights.values()) - 100) > 1e-6:
        raise ConfigError(f"{source}: family_weights must add up to 100 (they add up to "
                          f"{sum(family_weights.values()):g})")
    for table, key in (("thresholds", "min_customer_share"), ("thresholds", "engagement_gap"),
                       ("thresholds", "min_on_time_share"), ("verdict", "failing_share"),
                       ("verdict", "min_understood_share")):
        if not 0 <= data[table][key] <= 1:
            raise ConfigError(f"{source}: '{table}.{key}' is a share between 0 and 1, not {data[table][key]!r}")
    for key in ("off_track_dimensions", "failing_rules", "failing_min_rows"):
        if data["verdict"][key] < 1 or data["verdict"][key] != int(data["verdict"][key]):
            raise ConfigError(f"{source}: 'verdict.{key}' must be a whole number >= 1, not {data['verdict'][key]!r}")
    if not data["bands"]["off_track_below"] <= data["bands"]["at_risk_below"] <= 100:
        raise ConfigError(f"{source}: bands must satisfy off_track_below <= at_risk_below <= 100")
    return Config(
        select=list(data["select"]), ignore=list(data["ignore"]), severity=severity,
        points={Severity(k): float(v) for k, v in data["points"].items()}, rule_weights=weights,
        family_weights=family_weights, grades=dict(data["grades"]), bands=dict(data["bands"]),
        thresholds=dict(data["thresholds"]), verdict=dict(data["verdict"]), source=source, raw=data)
