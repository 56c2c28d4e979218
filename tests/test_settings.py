"""Every setting is declared once, has help, is documented in the README, and its serve flag comes from the same
declaration."""

import argparse
from dataclasses import fields
from pathlib import Path

import pytest

from liveblog.cli import build_parser
from liveblog.config import SETTINGS, Settings, load_settings, readme_table

pytestmark = pytest.mark.unit

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_the_table_and_the_settings_object_agree():
    assert [s.name for s in SETTINGS] == [f.name for f in fields(Settings)]
    for setting in SETTINGS:
        assert getattr(Settings(), setting.name) == setting.default, setting.name
        assert setting.help


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_each_setting_is_documented(setting):
    assert f"`{setting.env}`" in README


def test_the_readme_table_is_the_declared_one():
    assert readme_table() in README, "paste liveblog.config.readme_table() over the README's settings table"


# The serve flags as they were spelt before they were built from the table (scripts and Procfiles use them),
# and the ones added since.
SERVE_FLAGS = {"--db", "--host", "--port", "--workers", "--base-url", "--proxy-headers", "--no-proxy-headers",
               "--access-log", "--no-access-log", "--grip", "--grip-key", "--nchan", "--demo", "-h", "--help",
               "--allowed-hosts", "--key-file"}


def serve_parser() -> argparse.ArgumentParser:
    [commands] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return commands.choices["serve"]


def test_the_serve_flags_are_the_declared_ones_spelt_as_before():
    assert {option for action in serve_parser()._actions for option in action.option_strings} == SERVE_FLAGS


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.flag], ids=lambda s: s.name)
def test_each_serve_flag_sets_its_setting_and_names_its_variable(setting):
    argv, expected = {bool: ([], True), int: (["7"], 7), str: (["x"], "x")}[type(setting.default)]
    assert getattr(build_parser().parse_args(["serve", setting.flag, *argv]), setting.name) == expected
    assert setting.env in " ".join(serve_parser().format_help().split())


def test_flags_win_over_environment_over_defaults():
    env = {"LIVEBLOG_PORT": "9000", "LIVEBLOG_DB": "/tmp/env.db", "LIVEBLOG_PROXY_HEADERS": "true"}
    settings = load_settings({"port": 9100}, environ=env)
    assert settings.port == 9100 and settings.db == "/tmp/env.db" and settings.proxy_headers is True
    assert load_settings(environ={}).db == "liveblog.db"


def test_bad_values_fail_loudly():
    with pytest.raises(ValueError, match="LIVEBLOG_PORT"):
        load_settings(environ={"LIVEBLOG_PORT": "eighty"})
    with pytest.raises(KeyError):
        load_settings({"no_such_setting": 1}, environ={})


def test_pushpin_needs_its_key():
    """Without the key, any client sending a Grip-Sig header would pass for Pushpin and skip the
    per-address stream limit: the setting is refused instead."""
    with pytest.raises(ValueError, match="--grip-key"):
        load_settings({"grip_url": "http://127.0.0.1:5561"}, environ={})
    assert load_settings({"grip_url": "http://127.0.0.1:5561"}, environ={"LIVEBLOG_GRIP_KEY": "k"}).grip_key == "k"
