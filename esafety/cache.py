"""Django's Redis cache, with one redis-py client per connection pool instead of one per
call: Django builds a new client object for every cache operation (about 0.2 ms each, and
a page makes from five to forty). The client is thread-safe; its pool holds the sockets.

Every key carries the installation's KEY_PREFIX (settings.CACHE_KEY_PREFIX; see
settings.py), so installations may share one Redis database. Every call here goes through
Django's make_key, and clear() deletes this installation's keys only (Django's empties the
whole Redis database, every other installation's figures and sessions with it)."""

import re

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def clear(self):
        """Delete the keys that start with this installation's prefix, and no others."""
        client = self._cache.get_client(write=True)
        # make_key gives "<prefix>:<version>:<key>"; the prefix's glob characters are escaped.
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True
