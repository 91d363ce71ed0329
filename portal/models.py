from django.db import models


class CacheEpoch(models.Model):
    """The cache's epoch: part of every cache key (portal.cache), replaced whenever something
    could not be written to or removed from the cache. Entries made before that are then never
    read again, whatever the cache brings back when it returns. One row; none means "0"."""

    token = models.CharField(max_length=16)

    class Meta:
        verbose_name = "cache epoch"

    def __str__(self) -> str:
        return self.token
