"""Sessions written to the database and read from the cache (Redis in production).

Django's ``cached_db`` store, surviving a cache that cannot be reached: reading a session
falls back to the database (as Django's does), and putting it back into the cache after
that read is skipped and logged instead of failing the request (Django's lets the error
through: with Redis down, every signed-in page would be an error). Deleting a session
(signing out) still fails while the cache cannot be reached: a session left in the cache
would let its cookie in again once the cache is back.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # the cache unreachable, or a key it refuses: read the database
            logger.warning("Session cache unreadable (%s)", self._cache, exc_info=True)
            data = None
        if data is not None:
            return data
        session = self._get_session_from_db()
        if not session:
            return {}
        data = self.decode(session.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=session.expire_date))
        except Exception:
            logger.warning("Session not put into the cache (%s)", self._cache, exc_info=True)
        return data
