"""Imported by the test suite's Celery worker (tests/worker.py starts it with --include).

Tests that use the worker flush the test database after each test, and the content types
come back with new ids; a worker that lives through many tests must not keep the ids it
looked up before (the action log's records point at their subject by content type)."""

from celery.signals import task_prerun


@task_prerun.connect
def forget_content_types(**kwargs):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
