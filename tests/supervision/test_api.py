"""The supervision API: create and move notices, instructions and promises with the callers' own tokens; the
services' answers as 400/403/409; lists hold what each caller reads."""

import pytest
from django.urls import reverse

from supervision.models import Notice

from .world import build_world


@pytest.fixture
def w(db):
    return build_world()


def issue(api, w, **changes):
    body = {"project": w.project.pk, "unit": w.unit.pk, "text": "限期完成数据对接", "deadline": str(w.in_days(5))}
    body.update(changes)
    return api.as_user(w.office).post(reverse("api:notice-list"), body, format="json")


def test_a_notice_through_the_api(api, w):
    created = issue(api, w)
    assert created.status_code == 201, created.content
    assert created.data["level"] == "blue" and created.data["status"] == "issued"
    pk = created.data["id"]

    assert issue(api, w).status_code == 409  # one open notice per unit and project

    unit = api.as_user(w.liaison)
    assert unit.post(reverse("api:notice-acknowledge", args=[pk])).status_code == 200
    answered = unit.post(reverse("api:notice-answer", args=[pk]), {"text": "已完成"}, format="json")
    assert answered.status_code == 200 and answered.data["status"] == "answered"
    assert unit.post(reverse("api:notice-accept", args=[pk]), {}, format="json").status_code == 403

    office = api.as_user(w.office)
    returned = office.post(reverse("api:notice-send-back", args=[pk]), {"reason": "缺证明"}, format="json")
    assert returned.status_code == 200 and returned.data["status"] == "returned"
    assert office.post(reverse("api:notice-send-back", args=[pk]), {"reason": "再退"}, format="json").status_code == 409
    red = office.post(reverse("api:notice-hang-red", args=[pk]), {"leader": w.leader.pk}, format="json")
    assert red.status_code == 200 and red.data["level"] == "red"
    assert [event["step"] for event in red.data["events"]] == ["issue", "acknowledge", "answer", "return", "hang_red"]


def test_lists_hold_what_each_caller_reads(api, w):
    pk = issue(api, w).data["id"]
    assert [row["id"] for row in api.as_user(w.liaison).get(reverse("api:notice-list")).data["results"]] == [pk]
    assert api.as_user(w.other_liaison).get(reverse("api:notice-list")).data["results"] == []
    assert api.as_user(w.other_liaison).get(reverse("api:notice-detail", args=[pk])).status_code == 404
    assert api.as_user(w.leader).get(reverse("api:notice-detail", args=[pk])).status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"deadline": "9999-12-31"},
        {"deadline": "92521-01-01"},
        {"unit": 1e30},
        {"project": 99999999999999.98},
        {"deadline": "2026-02-30"},
        {"text": ""},
        {"text": "x\x00y"},
        {"unit": 999999},
        {"unit": "abc"},
        {"project": None},
        {"text": "长" * 5000},
    ],
)
def test_bad_input_is_400(api, w, changes):
    response = issue(api, w, **changes)
    assert response.status_code == 400, response.content
    assert not Notice.objects.exists()


def test_a_liaison_cannot_issue(api, w):
    body = {"project": w.project.pk, "unit": w.unit.pk, "text": "自己督办自己", "deadline": str(w.in_days(5))}
    assert api.as_user(w.liaison).post(reverse("api:notice-list"), body, format="json").status_code == 403


def test_an_instruction_recorded_on_the_leaders_behalf(api, w):
    body = {
        "project": w.project.pk,
        "leader": w.leader.pk,
        "units": [w.unit.pk],
        "text": "请加快推进",
        "due_date": str(w.in_days(10)),
    }
    created = api.as_user(w.office).post(reverse("api:instruction-list"), body, format="json")
    assert created.status_code == 201, created.content
    assert created.data["on_behalf"] is True and created.data["leader_name"]
    pk = created.data["id"]
    report = api.as_user(w.liaison).post(
        reverse("api:instruction-report", args=[pk]), {"text": "已推进"}, format="json"
    )
    assert report.status_code == 200
    done = api.as_user(w.office).post(reverse("api:instruction-carry-out", args=[pk]), {}, format="json")
    assert done.status_code == 200 and done.data["status"] == "done"


def test_a_promise_through_the_api(api, w):
    reply = w.course.reply(w.proposal, w.unit)
    body = {"reply": reply.pk, "text": "年底前建成", "due_date": str(w.in_days(100)), "projects": [w.project.pk]}
    created = api.as_user(w.liaison).post(reverse("api:commitment-list"), body, format="json")
    assert created.status_code == 201, created.content
    pk = created.data["id"]
    assert (
        api.as_user(w.liaison).post(reverse("api:commitment-confirm", args=[pk]), {}, format="json").status_code == 403
    )
    api.as_user(w.liaison).post(reverse("api:commitment-report", args=[pk]), {"text": "已建成"}, format="json")
    confirmed = api.as_user(w.committee).post(reverse("api:commitment-confirm", args=[pk]), {}, format="json")
    assert confirmed.status_code == 200 and confirmed.data["status"] == "fulfilled"


def test_a_search_of_200_words_is_refused_not_run(api, client, w):
    words = " ".join(f"词{n}" for n in range(200))
    assert api.as_user(w.office).get(reverse("api:notice-list"), {"search": words}).status_code == 400
    client.force_login(w.office)
    page = client.get("/supervision/notices/", {"search": words})
    assert page.status_code == 200
    assert "最多可搜索 10 个词" in page.content.decode()  # a form error; the list is not run
