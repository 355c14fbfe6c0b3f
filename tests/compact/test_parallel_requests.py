"""Parallel requests through a real, threaded server: the database decides, and every
person gets an answer (a message), never a 500."""

import http.client
import re
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from compact.models import Signature
from core.models import ActionRecord
from tests.factories import RepresentativeFactory, SignatureFactory, build_compact

PARALLEL = 16


def request(base, method, path, cookies, body=None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.getheader("Set-Cookie") or "", response.read().decode()


@pytest.mark.django_db(transaction=True)
def test_parallel_withdrawals_record_one_and_answer_every_request(live_server):
    agreement = build_compact(scale=1)
    rep = RepresentativeFactory(may_sign=True)
    signature = SignatureFactory(organisation=rep.organisation, agreement=agreement)
    client = Client()
    client.force_login(rep.user)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    with translation.override("en"):
        path = reverse("compact:withdraw", args=[rep.organisation.pk, signature.pk])
    status, set_cookie, html = request(live_server.url, "GET", path, cookies)
    assert status == 200
    cookies["csrftoken"] = re.search(r"csrftoken=([^;]+)", set_cookie)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    body = urlencode({"csrfmiddlewaretoken": token, "reason": "We merged."})

    start = threading.Barrier(PARALLEL)
    answers = []

    def withdraw():
        start.wait()
        answers.append(request(live_server.url, "POST", path, cookies, body))

    threads = [threading.Thread(target=withdraw) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(status for status, _cookie, _html in answers) == [302] * PARALLEL
    # Each request leaves a message for the person (cookie storage): one success, the
    # others "already withdrawn".
    assert all("messages=" in cookie for _status, cookie, _html in answers)
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None
    assert Signature.objects.filter(pk=signature.pk, withdrawn_at__isnull=False).count() == 1
    assert ActionRecord.objects.filter(action_type="compact.signature.withdrawn").count() == 1
