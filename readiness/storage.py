"""Media storage failures: what a storage raises when it cannot read, write or delete a file,
and a delete that waits for the transaction and survives them.

The local file system raises OSError; the optional S3 storage (DJANGO_S3_BUCKET) raises
botocore's errors instead (an unreachable endpoint, a refused request), which are not OSErrors.
"""

from __future__ import annotations

import contextlib
import logging
import os
import posixpath
from collections.abc import Iterable

from django.core.files.storage import Storage, default_storage
from django.db import transaction

logger = logging.getLogger(__name__)

STORAGE_ERRORS: tuple[type[Exception], ...] = (OSError,)
try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # the s3 extra is not installed: only the file system is possible
    pass
else:
    STORAGE_ERRORS += (BotoCoreError, ClientError)


def delete_files_on_commit(names: Iterable[str], storage: Storage | None = None) -> None:
    """Delete stored files once the current transaction commits (never if it rolls back).

    A file that cannot be deleted then is logged by name (names hold no personal data) for an
    operator to remove; the others are still deleted, and the committed change stands.
    """
    storage = storage or default_storage
    pending = [name for name in names if name]

    def delete() -> None:
        for name in pending:
            try:
                storage.delete(name)
            except STORAGE_ERRORS:
                logger.warning("Could not delete stored file %s; remove it by hand", name)
        _remove_empty_folders(storage, pending)

    transaction.on_commit(delete)


def _remove_empty_folders(storage: Storage, names: Iterable[str]) -> None:
    """Remove the folders the deleted files leave empty (``reports/<public id>/``): an empty
    folder named by an erased assessment's id still says it existed. Object stores (S3) have
    no folders, so only a storage with local paths has anything to do."""
    folders = {posixpath.dirname(name) for name in names} - {""}
    for folder in folders:
        try:
            path = storage.path(folder)
        except NotImplementedError:
            return
        # rmdir only ever removes an empty folder: one still holding another report stays.
        with contextlib.suppress(OSError):
            os.rmdir(path)
