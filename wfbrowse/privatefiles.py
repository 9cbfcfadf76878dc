"""The app's own files (settings, history): written atomically and privately, and set aside,
never deleted, when they cannot be read."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any


def write_json(file: Path, data: Any, *, indent: int = 2) -> None:
    """Write atomically (readers see the old file or the new one, never half), mode 0600.

    The temporary file is created in the same folder (so os.replace is a rename on one file
    system) with mode 0600, which the final file keeps; the folder is made 0700.
    """
    import json  # here: the app's start reads settings and history, and never writes them
    import tempfile

    folder = file.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    payload = json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
    handle, temp_name = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, 0o600)  # mkstemp already does; made explicit for other platforms
        os.replace(temp_name, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def _utc_stamp() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def set_aside(path: Path) -> Path:
    """Rename an unreadable file next to itself, under a name no earlier copy has."""
    base = path.with_name(f"{path.name}.broken-{_utc_stamp()}")
    target = base
    counter = 1
    while target.exists():
        target = base.with_name(f"{base.name}-{counter}")
        counter += 1
    os.replace(path, target)
    return target


def set_aside_with_warning(file: Path, what: str, why: str) -> str:
    """Set the file aside; the one line that says so (`what`: "settings", "history")."""
    try:
        aside = set_aside(file)
    except OSError as error:
        return (
            f"ignoring the {what} in {file} ({why}); it could not be renamed aside "
            f"({type(error).__name__}): fix or remove it"
        )
    return f"ignoring the {what} in {file} ({why}); the file was moved to {aside}"
