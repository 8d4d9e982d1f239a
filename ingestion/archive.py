"""Content-addressed archive of raw files: ``archive/ab/abcdef….ext``, written once, never deleted."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path


def archive_file(src: Path, archive: Path) -> tuple[str, Path]:
    """Copy ``src`` into the archive under its sha256 (idempotent); returns (sha256, archived path)."""
    data = src.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    dest = archive / digest[:2] / (digest + src.suffix.lower())
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        # a name of its own per writer: two threads archiving identical bytes must not share a temp file
        tmp = dest.with_name(f"{dest.name}.{os.getpid()}-{threading.get_ident()}.part")
        tmp.write_bytes(data)
        os.replace(tmp, dest)  # atomic: a crash never leaves a half-written archive entry
        dest.chmod(0o444)
    return digest, dest
