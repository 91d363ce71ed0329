"""What an import shows on its check page, held until the officer saves the draft.

Nothing reaches the database before the officer saves: the check page's review (the source,
what was left out) and an email's attachments are held in a private folder beside the
attachments' own (PRIVATE_STORAGE_ROOT/imports/<token>/), readable by the officer who imported
them only, and deleted when the draft is saved or after a day.
"""

import json
import secrets
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ..attachments import check_upload
from .pipeline import ImportResult

KEPT_FOR_SECONDS = 24 * 60 * 60
TOKEN_BYTES = 16


def _root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "imports"


def _folder(token: str) -> Path | None:
    if (
        not token
        or len(token) != TOKEN_BYTES * 2
        or not all(c in "0123456789abcdef" for c in token)
    ):
        return None
    return _root() / token


def hold(result: ImportResult, user_id: int) -> dict:
    """Hold the import for its check page; its review, with the token that finds it again."""
    _forget_old()
    token = secrets.token_hex(TOKEN_BYTES)
    folder = _root() / token
    folder.mkdir(parents=True, mode=0o700)
    offered, refused = [], []
    for number, held in enumerate(result.source.attachments):
        try:
            file_type = check_upload(SimpleUploadedFile(held.name, held.content))
        except ValidationError as error:
            refused.append({"text": held.name, "reason": " ".join(error.messages)})
            continue
        (folder / f"{number}.bin").write_bytes(held.content)
        offered.append(
            {"number": number, "name": held.name, "size": len(held.content), "type": file_type.name}
        )
    review = {
        "token": token,
        "user": user_id,
        "kind": result.source.kind,
        "kind_name": result.kind_name,
        "name": result.source.name,
        "subject": result.source.subject,
        "blocks": [asdict(block) for block in result.source.blocks],
        "notes": result.source.notes,
        "dropped": [asdict(item) for item in result.dropped],
        "attachments_refused": refused,
        "offered": offered,
        "facts_kept": len(result.facts) - len(result.facts_left_out),
        "facts_left_out": [asdict(fact) for fact in result.facts_left_out],
        "fragments": [asdict(fragment) for fragment in result.fragments],
        "marking_hint": result.marking_hint,
        "title_from": result.draft.title_from,
        "structureless": result.draft.structureless,
        "key_points": len(result.draft.key_points),
        "sections": result.draft.sections,
    }
    (folder / "review.json").write_text(json.dumps(review), encoding="utf-8")
    return review


def review_for(token: str, user_id: int) -> dict | None:
    """The held review, if it exists, is recent and is this officer's."""
    folder = _folder(token)
    if folder is None or not (folder / "review.json").is_file():
        return None
    if time.time() - (folder / "review.json").stat().st_mtime > KEPT_FOR_SECONDS:
        return None
    review = json.loads((folder / "review.json").read_text(encoding="utf-8"))
    return review if review.get("user") == user_id else None


def chosen_files(review: dict, numbers: list[str]) -> list[SimpleUploadedFile]:
    """The offered attachments the officer kept ticked, read back from the folder."""
    folder = _folder(review["token"])
    files = []
    for offer in review["offered"]:
        if str(offer["number"]) in numbers and folder is not None:
            path = folder / f"{offer['number']}.bin"
            if path.is_file():
                files.append(SimpleUploadedFile(offer["name"], path.read_bytes()))
    return files


def release(token: str) -> None:
    folder = _folder(token)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _forget_old() -> None:
    root = _root()
    if not root.is_dir():
        return
    for folder in root.iterdir():
        try:
            if time.time() - folder.stat().st_mtime > KEPT_FOR_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
