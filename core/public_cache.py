"""Whole-page cache for what the public reads, always in step with the database.

Two aliases of Django's cache framework do the work:

- ``public_pages`` keeps rendered pages, in each process's memory;
- ``public_version`` holds the *content version* the pages are keyed by: Redis in
  production (shared by every process), memory in the quick start's single process.

Any change to what public pages show bumps the version, at once and again on commit, so
no process serves a page older than the data (domain fact 5: the public list agrees with
the database). Only anonymous GETs are cached: a visitor with a session (signed in, or
with a message waiting) always gets a freshly rendered page.

A version is a fresh token, never a counter, so a Redis that restarts empty cannot bring
back an old version with its old pages. If Redis cannot be reached, pages are rendered
uncached and a change is still saved (the failed bump is logged); pages also expire after
PUBLIC_PAGE_CACHE_SECONDS, which bounds staleness in that one failure.

A signed-in person never gets a cached page, but two kinds of view share more with them:

- ``cached_public_page(same_for_everyone=True)``: the response names no one (the CSV); it
  comes from the page cache for every visitor, signed in or not.
- ``cached_public_page(content_for_everyone=True)``: the page is the same for every visitor
  but for the parts marked ``{% per_visitor %}`` (in base.html the account menu with its CSRF
  token and the messages; in a page's own template, e.g. How to join's first step; each
  rendered with the context processors' variables only, outside any loop):
  tests/config/test_public_cache.py renders each such page for
  several people and compares. The first rendering keeps the page with those parts left
  out (``{% public_content %}``), keyed like the pages by the content version, the language
  and the path, so it changes with the data as they do; the next signed-in request of the
  path renders only the visitor's parts into it, without calling the view.
"""

import logging
import math
import secrets
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from redis import RedisError

logger = logging.getLogger(__name__)
_CACHED_HEADERS = ("Content-Type", "Content-Disposition")
VERSION_KEY = "public-content-version"


def _new_version() -> str:
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


def content_version() -> str:
    """The current version; raises redis.RedisError when Redis cannot be reached."""
    versions = caches["public_version"]
    version = versions.get(VERSION_KEY)
    if version is None:
        versions.add(VERSION_KEY, _new_version(), timeout=None)
        version = versions.get(VERSION_KEY)
    return version


def bump_content_version() -> None:
    try:
        caches["public_version"].set(VERSION_KEY, _new_version(), timeout=None)
    except RedisError:
        logger.exception("Public page cache: the content version could not be bumped.")


def _bump_now_and_on_commit(**kwargs):
    # Now: this process's own following reads see the change. On commit: no other process
    # can have cached a page between this change and its commit.
    bump_content_version()
    transaction.on_commit(bump_content_version)


def invalidate_public_pages_on_change(*models):
    """Connect the models whose rows public pages show."""
    for model in models:
        post_save.connect(_bump_now_and_on_commit, sender=model, weak=False)
        post_delete.connect(_bump_now_and_on_commit, sender=model, weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _bump_now_and_on_commit, sender=field.remote_field.through, weak=False
            )


def _cacheable(request, anyone=False) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE
        and request.method == "GET"
        and (
            anyone
            or (
                settings.SESSION_COOKIE_NAME not in request.COOKIES
                and "messages" not in request.COOKIES
            )
        )
    )


CONTENT_KEY_ATTRIBUTE = "public_content_key"  # on the request; read by {% public_content %}


def _content_key(request) -> str | None:
    if not (settings.PUBLIC_PAGE_CACHE and request.method == "GET"):
        return None
    try:
        version = content_version()
    except RedisError:
        logger.warning("Public page cache: Redis unreachable, rendering uncached.")
        return None
    return f"content:{version}:{get_language()}:{request.get_full_path()}"


SHARED_PAGE_ATTRIBUTE = "public_shared_page"  # set by {% public_content %} as it renders


def _with_shared_content(view, request, *args, **kwargs):
    key = _content_key(request)
    if key is None:
        return view(request, *args, **kwargs)
    pages = caches["public_pages"]
    shared = pages.get(key)
    if shared is not None:
        from core.templatetags.portal import fill_shared_page  # core's tags import this module

        page = fill_shared_page(shared, request)
        if page is not None:
            return HttpResponse(page, charset=shared[1])
    setattr(request, CONTENT_KEY_ATTRIBUTE, key)
    try:
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and hasattr(response, "render"):
            response.render()  # a class-based view's TemplateResponse: render it now
    finally:
        delattr(request, CONTENT_KEY_ATTRIBUTE)  # an error page is not this page
    shared = getattr(request, SHARED_PAGE_ATTRIBUTE, None)
    if shared is not None and response.status_code == 200:
        from core.templatetags.portal import keep_shared_page

        if (kept := keep_shared_page(shared, response)) is not None:
            pages.set(key, kept, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return response


def cached_public_page(view=None, *, content_for_everyone=False, same_for_everyone=False):
    """Serve the view's 200 responses from the page cache for anonymous visitors (for every
    visitor with ``same_for_everyone``); with ``content_for_everyone``, a signed-in person
    gets the page kept for everyone with their own parts rendered in (see the module). Only
    for public views: a kept page is served without calling the view."""
    if view is None:
        return lambda view: cached_public_page(
            view,
            content_for_everyone=content_for_everyone,
            same_for_everyone=same_for_everyone,
        )

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (_cacheable(request) or (same_for_everyone and _cacheable(request, anyone=True))):
            if content_for_everyone:
                return _with_shared_content(view, request, *args, **kwargs)
            return view(request, *args, **kwargs)
        try:
            version = content_version()
        except RedisError:
            logger.warning("Public page cache: Redis unreachable, rendering uncached.")
            return view(request, *args, **kwargs)
        pages = caches["public_pages"]
        key = f"page:{version}:{get_language()}:{request.get_full_path()}"
        hit = pages.get(key)
        if hit is not None:
            content, headers = hit
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if hasattr(response, "render"):  # a class-based view's TemplateResponse
            response.render()
        if response.streaming:
            content = b"".join(response.streaming_content)
            fresh = HttpResponse(content)
            for name in _CACHED_HEADERS:
                if name in response:
                    fresh[name] = response[name]
            response = fresh
        timeout = _keep_for(response)
        if timeout:
            headers = {name: response[name] for name in _CACHED_HEADERS if name in response}
            pages.set(key, (response.content, headers), timeout)
        return response

    return wrapped


def _keep_for(response) -> int:
    """Seconds to keep the page: PUBLIC_PAGE_CACHE_SECONDS, or less where the view says what
    it shows changes with the clock (``response.public_content_changes_at``: a meeting's
    registration closes, it starts, it ends), which no change to the data announces."""
    timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
    changes_at = getattr(response, "public_content_changes_at", None)
    if changes_at is not None:
        timeout = min(timeout, math.floor((changes_at - timezone.now()).total_seconds()))
    return max(timeout, 0)
