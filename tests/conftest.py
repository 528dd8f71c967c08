import pytest

from tests.dbfiles import copy_database, sample_with_accounts


@pytest.fixture(autouse=True)
def _isolated_user(tmp_path, monkeypatch):
    """Never touch the real user's config, database or identity."""
    monkeypatch.setenv("SHADOW_CONFIG", str(tmp_path / "config" / "config.json"))
    monkeypatch.delenv("SHADOW_USER", raising=False)
    monkeypatch.delenv("SHADOW_DB", raising=False)


@pytest.fixture(scope="session")
def _accounts_file(tmp_path_factory):
    return sample_with_accounts(tmp_path_factory.mktemp("accounts") / "shadow.json")


@pytest.fixture
def accounts_db(_accounts_file, tmp_path):
    """A copy of the sample programme with a coordinator, a staff and a viewer account
    (``tests.dbfiles.COORD``, ``STAFF``, ``VIEWER``; passwords in ``PASSWORDS``)."""
    return copy_database(_accounts_file, tmp_path / "shadow.json")
