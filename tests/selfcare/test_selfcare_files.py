"""Files with a message left on the self-service page: a photo of the bill is kept with the
message, opened by the agent in the inbox and carried onto the order the message opens;
only to one's own message just written and still waiting, of a kind an order takes, three
a message and ten a day; audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from factories import png, self_sign_in
from kefu.contact.models import Interaction, MessageFile
from kefu.core.audit import AuditLog
from kefu.core.base import utcnow
from kefu.selfcare import files

MESSAGE = {"topic": "complaint", "text": "账单里有一笔不明扣费，截图附上。"}


def _write(client: Any, headers: dict[str, str]) -> int:
    sent = client.post("/api/v1/self/messages", json=MESSAGE, headers=headers)
    assert sent.status_code == 201, sent.text
    return int(sent.json()["id"])


def _add(client: Any, headers: dict[str, str], message_id: int, name: str, content: bytes):  # type: ignore[no-untyped-def]
    url = f"/api/v1/self/messages/{message_id}/files"
    return client.post(url, files={"file": (name, content)}, headers=headers)


def test_a_photo_goes_with_the_message_to_the_inbox_and_onto_its_order(client, db, center) -> None:
    headers = self_sign_in(client)
    message_id = _write(client, headers)
    added = _add(client, headers, message_id, "C:\\手机截图\\账单.jpg", png())
    assert added.status_code == 201, added.text
    assert added.json()["file_name"] == "账单.png" and added.json()["media_type"] == "image/png"
    again = _add(client, headers, message_id, "账单.jpg", png())  # a retry: kept once
    assert again.json()["id"] == added.json()["id"]
    # a phone's photo is megabytes: the request guard lets this path's body through
    big = _add(client, headers, message_id, "信号.png", png() + bytes(2_000_000))
    assert big.status_code == 201, big.text
    shown = client.get("/api/v1/self/overview").json()["messages"][0]["files"]
    assert shown == ["账单.png", "信号.png"]

    thread = client.get(f"/api/v1/messages/{message_id}", headers=center["agent"]).json()
    assert [f["file_name"] for f in thread["files"]] == ["账单.png", "信号.png"]
    order = {"type": "complaint", "category_id": center["leaf"], "subject": "不明扣费"}
    made = client.post(f"/api/v1/messages/{message_id}/orders", json=order, headers=center["agent"])
    assert made.status_code == 201, made.text
    kept = client.get(
        f"/api/v1/work-orders/{made.json()['id']}/attachments", headers=center["agent"]
    ).json()["items"]
    assert [(a["file_name"], a["source"]) for a in kept] == [
        ("账单.png", "web"),
        ("信号.png", "web"),
    ]
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "selfcare.file")).all()
    assert len(rows) == 2  # the retry added nothing
    assert {(row.actor_name, row.entity_id) for row in rows} == {
        ("subscriber 138****8000", str(message_id))
    }


def test_what_is_no_file_an_order_takes_is_refused_at_its_field(client, center) -> None:
    headers = self_sign_in(client)
    message_id = _write(client, headers)
    page = _add(client, headers, message_id, "photo.png", b"<html><script>x</script></html>")
    assert page.status_code == 422 and page.json()["error"]["field"] == "file"
    empty = _add(client, headers, message_id, "empty.png", b"")
    assert empty.status_code == 422
    assert _add(client, {}, message_id, "a.png", png()).status_code == 403  # no CSRF token


def test_three_files_a_message_and_only_ones_own_waiting_message(client, db, center) -> None:
    headers = self_sign_in(client)
    message_id = _write(client, headers)
    for n in range(files.FILES_PER_MESSAGE):
        assert _add(client, headers, message_id, f"{n}.png", png(n + 1, 1)).status_code == 201
    fourth = _add(client, headers, message_id, "4.png", png(9, 1))
    assert fourth.status_code == 422 and fourth.json()["error"]["code"] == "selfcare_files_limit"

    late = _write(client, headers)
    db.execute(
        update(Interaction)
        .where(Interaction.id == late)
        .values(offered_at=utcnow() - timedelta(hours=2))
    )
    db.commit()
    too_late = _add(client, headers, late, "late.png", png(6, 6))
    assert too_late.status_code == 409
    assert too_late.json()["error"]["code"] == "selfcare_files_too_late"
    assert len(db.scalars(select(MessageFile)).all()) == files.FILES_PER_MESSAGE

    other = self_sign_in(client, "13900139000")
    refused = _add(client, other, late, "x.png", png(5, 5))
    assert refused.status_code == 404  # another number's message is not there at all


def test_ten_files_a_day_at_most(client, center) -> None:
    headers = self_sign_in(client)
    sent = 0
    while sent < files.FILES_PER_DAY:
        message_id = _write(client, headers)
        for _ in range(min(files.FILES_PER_MESSAGE, files.FILES_PER_DAY - sent)):
            sent += 1
            assert _add(client, headers, message_id, "p.png", png(sent, 1)).status_code == 201
    over = _add(client, headers, _write(client, headers), "p.png", png(99, 1))
    assert over.status_code == 429 and over.json()["error"]["code"] == "selfcare_files_per_day"
