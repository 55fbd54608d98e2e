"""The track apps file each event under in schedule.xml and schedule.json.

A session of no track (a plenary, a break, the reception: the site says "All tracks") would
carry an empty track, which ConfClerk and Giggity file under a "No track" of their own. The
exports name its format instead ("Plenary", "Break", in the file's language), the word the
site shows for it, so that readers list plenaries and breaks as such."""

from .program import track_name


def event_track(session):
    """The name of the session's track, or of its format when it has none."""
    return session.track_label or session.format_label


def format_tracks(program):
    """The names event_track() gives sessions of no track, in the order they first come, each
    once and none a real track already has (the two are then one track to readers)."""
    taken = {track_name(track) for track in program.tracks}
    names = []
    for session in program.sessions:
        name = event_track(session)
        if not session.track_label and name not in taken and name not in names:
            names.append(name)
    return names
