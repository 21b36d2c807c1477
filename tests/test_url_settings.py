"""What a link or a host's iframe may set in the URL, and that nothing else gets through."""

from __future__ import annotations

from unbg.core import actions
from unbg.core.url_settings import url_settings


def test_valid_settings_are_taken():
    assert url_settings("?embed=1&model=quality&format=webp&background=00AA00&best=1") == {
        "model": "quality", "export_format": "webp", "background": "#00aa00", "best": True}
    assert url_settings("best=0&format=mask") == {"best": False, "export_format": "mask"}


def test_bad_or_unknown_values_are_ignored():
    assert url_settings("") == {}
    assert url_settings("?model=evil&format=gif&background=%23fff&best=yes&lang=fr&page=busy") == {}
    assert url_settings("?background=00aa00zz&background=123") == {}


def test_the_store_starts_with_them():
    store = actions.create_store()
    actions.apply_url_settings(store, url_settings("?model=quality&format=jpeg"))
    assert store.get("model") == "quality" and store.get("export_format") == "jpeg"
    assert store.get("page") == "loading"  # nothing else changed
