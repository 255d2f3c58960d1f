"""The queue's ORG column: shown when the queue holds requesters of an organisation and the subject keeps its room."""

from sopdash.tui.widgets.ticket_queue import MIN_SUBJECT, fit_columns


def names(width, organisations):
    return [c.name for c in fit_columns(width, 3, organisations=organisations)]


def test_the_organisation_sits_beside_the_requester_when_there_is_room():
    assert names(120, True) == ["id", "priority", "status", "subject", "requester", "organisation", "assignee", "ack",
                                "resolution"]
    assert "organisation" not in names(120, False)
    assert "organisation" not in names(80, True)
    for width in range(60, 200):
        subject = next(c for c in fit_columns(width, 3, organisations=True) if c.name == "subject")
        extra = {"requester", "organisation"} & set(names(width, True))
        assert not extra or subject.width >= MIN_SUBJECT
