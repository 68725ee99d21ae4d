"""The packaged defaults, read when first needed (``config.DEFAULTS``): a sync forks its reading processes before
it reads any setting, so importing ``mapsheet.config`` must not parse them (nor import the TOML reader)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import mapsheet.config
from mapsheet.config import Config, build_config


def test_the_defaults_are_the_packaged_file_read_once():
    packaged = mapsheet.config._toml().loads((Path(mapsheet.config.__file__).with_name("defaults.toml")).read_text(encoding="utf-8"))
    from mapsheet.config import DEFAULTS

    assert DEFAULTS == packaged
    assert mapsheet.config.DEFAULTS is DEFAULTS  # one dict, as before: read once, not at each look-up
    assert Config.default().raw == packaged and build_config({}, "test").raw == packaged
    with pytest.raises(AttributeError, match="no attribute 'DEFAULT'"):
        mapsheet.config.DEFAULT  # noqa: B018


def test_importing_the_configuration_reads_no_setting():
    probe = "import sys, mapsheet.config; print('tomllib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]
