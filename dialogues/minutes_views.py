"""The minutes' PDF of a meeting, served by the portal itself once the minutes are
published: as the PDF its bytes show, never as anything its name might say."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from core.access import public
from core.uploads import detect_type
from dialogues.models import Meeting


@public
def minutes_document(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.public()
        .filter(minutes_published_at__isnull=False)
        .exclude(minutes_document=""),
        pk=pk,
    )
    try:
        file = meeting.minutes_document.open("rb")
    except OSError as error:
        raise Http404("The minutes' file is missing.") from error
    kind = detect_type(file)
    if kind is None or kind.mime != "application/pdf":
        file.close()
        raise Http404("The stored minutes are not a PDF.")
    response = FileResponse(
        file, content_type="application/pdf", filename=f"minutes-{meeting.pk}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
