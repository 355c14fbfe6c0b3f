"""The public meeting pages: upcoming and past meetings, a page per meeting, its calendar
file, and the calendar feed of every public meeting. Drafts are not public (404)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from core.access import public
from core.public_cache import cached_public_page
from dialogues.calendar import feed_ics, meeting_event_ics
from dialogues.models import Meeting

PAST_PER_PAGE = 20
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _public_meetings():
    return Meeting.objects.public().with_counts().prefetch_related("public_parties")


@public
@cached_public_page
def meeting_list(request):
    meetings = _public_meetings()
    past = Paginator(meetings.past(), PAST_PER_PAGE).get_page(request.GET.get("page"))
    upcoming = list(meetings.upcoming())
    response = render(
        request, "dialogues/meeting_list.html", {"upcoming": upcoming, "page_obj": past}
    )
    return _changes_with_the_clock(response, upcoming)


@public
@cached_public_page
def meeting_detail(request, pk):
    meeting = get_object_or_404(_public_meetings(), pk=pk)
    response = render(request, "dialogues/meeting_detail.html", {"meeting": meeting})
    return _changes_with_the_clock(response, [meeting])


def _changes_with_the_clock(response, meetings):
    """The page cache keeps the page only until one of the meetings it shows closes its
    registration, starts or ends (core/public_cache.py): "Register" never outlives the
    deadline, nor "upcoming" the meeting."""
    moments = [moment for meeting in meetings if (moment := meeting.next_change_at())]
    if moments:
        response.public_content_changes_at = min(moments)
    return response


@public
@cached_public_page
def meeting_ics(request, pk):
    meeting = get_object_or_404(Meeting.objects.public(), pk=pk)
    response = HttpResponse(
        meeting_event_ics(meeting, language=get_language()), content_type=CALENDAR_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@public
@cached_public_page
def feed(request):
    """Every published (and cancelled) meeting, for calendars to subscribe to."""
    meetings = Meeting.objects.public().order_by("starts_at", "pk")
    return HttpResponse(
        feed_ics(meetings, language=get_language()), content_type=CALENDAR_CONTENT_TYPE
    )
