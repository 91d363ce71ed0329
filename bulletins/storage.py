"""Where attachments are kept: a folder no URL reaches; only the attachment view serves them."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="bulletins.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file system storage under PRIVATE_STORAGE_ROOT, read when used (tests move it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        # No URL: FileSystemStorage.url() refuses when base_url is None.
        return None
