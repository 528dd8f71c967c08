import pytest


@pytest.fixture(autouse=True)
def _isolated_user(tmp_path, monkeypatch):
    """Never touch the real user's config, database or identity."""
    monkeypatch.setenv("SHADOW_CONFIG", str(tmp_path / "config" / "config.json"))
    monkeypatch.delenv("SHADOW_USER", raising=False)
    monkeypatch.delenv("SHADOW_DB", raising=False)
