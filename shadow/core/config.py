"""Per-user settings kept outside the database: theme, remembered identity, date order.

The file is ``config.json`` in the platform's user config folder, or the path in
``SHADOW_CONFIG``. Programme-wide settings (service levels, closures) live in
the database instead, so everyone sharing a file sees the same ones.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def config_path() -> Path:
    override = os.environ.get("SHADOW_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("shadow", appauthor=False)) / "config.json"


def load() -> dict[str, Any]:
    """The settings, or {} when there are none yet or the file cannot be read."""
    try:
        data = json.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(data: dict[str, Any]) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def get(key: str, default: Any = None) -> Any:
    return load().get(key, default)


def put(key: str, value: Any) -> None:
    data = load()
    data[key] = value
    save(data)


def remembered_identity(db_path: Path) -> int | None:
    """The person id chosen in the TUI's first-run prompt for this database."""
    value = load().get("identities", {}).get(str(Path(db_path).absolute()))
    return value if isinstance(value, int) else None


def remember_identity(db_path: Path, person_id: int | None) -> None:
    data = load()
    identities = data.setdefault("identities", {})
    key = str(Path(db_path).absolute())
    if person_id is None:
        identities.pop(key, None)
    else:
        identities[key] = person_id
    save(data)
