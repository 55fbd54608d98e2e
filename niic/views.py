from django.shortcuts import render

from tracks.models import Conference


def home(request):
    conference = Conference.objects.current()
    context = {"conference": conference}
    if conference is not None:
        context["tracks"] = conference.tracks.all()
        context["has_sample_sessions"] = conference.sessions.filter(is_sample=True).exists()
    return render(request, "niic/home.html", context)
