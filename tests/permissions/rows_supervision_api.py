"""The permission table's rows for the supervision API (督办单, 领导批示, 办理承诺): the world's notice (issued, blue)
and instruction (open, naming the own unit) on the own unit's project, and the open promise of its issued reply.

Derived from the rules of ``supervision.services``: a unit's people (liaison and signer) acknowledge and answer its
notices, report on its instructions and promises, and add their evidence; the office accepts or sends back the
answers on its projects, records instructions (代录) and marks them carried out; a leader gives instructions and
hangs a notice red (挂牌督办); only the committee confirms a promise or sends its report back. Another unit's rows
do not exist for a liaison (404). A step in the wrong state answers 409."""

from attachments.models import Attachment
from supervision.choices import CommitmentStatus, InstructionStatus, NoticeLevel, NoticeStatus, Step
from supervision.models import Commitment, Event, Instruction, Notice
from tests.attachments import pictures
from tests.permissions.table import NOBODY_405, api, api_action, api_list, body, exists, later

# A method a route does not take: 405 to the roles holding the model permission it stands for, else 403 (table).
STAFF_405 = "401 405 403 403 403 405"  # the change (and add) permission of notices and instructions
ISSUERS_405 = "401 405 403 403 405 405"  # add an instruction: the office, the committee, a leader
PROMISERS_405 = "401 403 405 405 403 405"  # add a promise: the units and the committee
# A unit's own rows: every reader but another unit's liaison, to whom they do not exist.
UNITS_OWN = "401 200 200 404 200 200"
# A step of the own unit's people (the signer's too).
UNIT_STEP = "401 403 200 404 403 403"
EVIDENCE = "401 403 201 404 403 403"


def status_is(model, attr, value, field="status"):
    return lambda w: getattr(model.objects.get(pk=getattr(w, attr).pk), field) == value


def reported(attr, model_field):
    return lambda w: Event.objects.filter(step=Step.REPORT, **{model_field: getattr(w, attr)}).exists()


def evidence(w):
    return {"file": pictures.photo(42, name="整改照片.jpg")}


def detail(name, obj, *, POST, PUT, DELETE=NOBODY_405, signer=None):
    return api(name, obj=obj, GET=UNITS_OWN, POST=POST, PUT=PUT, PATCH=PUT, DELETE=DELETE, signer=signer or {})


def step(name, obj, *, POST, change, data=None, done=None, signer=None):
    return api_action(
        name, obj=obj, POST=POST, change=change, delete=NOBODY_405, data=data, done=done, signer=signer or {}
    )


def attachments(name, obj, *, change):
    return api(
        name,
        obj=obj,
        multipart=True,
        data=evidence,
        done=exists(Attachment, name="整改照片.jpg"),
        GET=UNITS_OWN,
        POST=EVIDENCE,
        PUT=change,
        PATCH=change,
        DELETE=NOBODY_405,
        signer={"POST": "201"},
    )


# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
SUPERVISION_API = [
    # 督办单: the office issues one on a project (the committee on a proposal); another unit's project is free of
    # open notices, the own project already has one (409 on a second).
    api_list(
        "notice-list",
        POST="401 201 403 403 403 403",
        PUT=STAFF_405,
        DELETE=NOBODY_405,
        data=body(
            project=lambda w: w.others_project.pk, unit=lambda w: w.other_unit.pk, text="请报送进度。", deadline=later
        ),
        done=exists(Notice, text="请报送进度。"),
    ),
    api_list(
        "notice-list",
        "open-already",
        POST="401 409 403 403 403 403",
        PUT=STAFF_405,
        DELETE=NOBODY_405,
        data=body(project=lambda w: w.own_project.pk, unit=lambda w: w.unit.pk, text="请报送进度。", deadline=later),
    ),
    detail("notice-detail", "notice", POST=STAFF_405, PUT=STAFF_405),
    step(
        "notice-acknowledge",
        "notice",
        POST=UNIT_STEP,
        change=STAFF_405,
        done=status_is(Notice, "notice", NoticeStatus.ACKNOWLEDGED),
        signer={"POST": "200"},
    ),
    step(
        "notice-answer",
        "notice",
        POST=UNIT_STEP,
        change=STAFF_405,
        data=body(text="已完成整改。"),
        done=status_is(Notice, "notice", NoticeStatus.ANSWERED),
        signer={"POST": "200"},
    ),
    # The issuing side accepts or sends back an answer; the world's notice is not answered yet.
    step("notice-accept", "notice", POST="401 409 403 404 403 403", change=STAFF_405),
    step(
        "notice-send-back",
        "notice",
        POST="401 409 403 404 403 403",
        change=STAFF_405,
        data=body(reason="整改材料不全。"),
    ),
    # A leader's own decision, or the office's record of it naming the leader.
    step(
        "notice-hang-red",
        "notice",
        POST="401 200 403 404 200 403",
        change=STAFF_405,
        data=body(leader=lambda w: w.users["leader"].pk, note="列入挂牌督办。"),
        done=status_is(Notice, "notice", NoticeLevel.RED, field="level"),
        signer={"POST": "403"},
    ),
    attachments("notice-attachments", "notice", change=STAFF_405),
    # 领导批示: a leader gives his own, the office records one naming the leader; the committee records them on
    # proposals only.
    api_list(
        "instruction-list",
        POST="401 201 403 403 201 403",
        PUT=STAFF_405,
        DELETE=NOBODY_405,
        data=body(
            project=lambda w: w.own_project.pk,
            units=lambda w: [w.unit.pk],
            leader=lambda w: w.users["leader"].pk,
            text="抓紧推进联调。",
            due_date=later,
        ),
        done=exists(Instruction, text="抓紧推进联调。"),
        signer={"POST": "403"},
    ),
    detail("instruction-detail", "instruction", POST=ISSUERS_405, PUT=STAFF_405, signer={"POST": "403"}),
    step(
        "instruction-report",
        "instruction",
        POST=UNIT_STEP,
        change=STAFF_405,
        data=body(text="已完成联调。"),
        done=reported("instruction", "instruction"),
        signer={"POST": "200"},
    ),
    step(
        "instruction-carry-out",
        "instruction",
        POST="401 200 403 404 403 403",
        change=STAFF_405,
        done=status_is(Instruction, "instruction", InstructionStatus.DONE),
    ),
    attachments("instruction-attachments", "instruction", change=STAFF_405),
    # 办理承诺: the reply's unit or the committee records one; nobody changes or deletes one.
    api_list(
        "commitment-list",
        POST="401 403 201 403 403 201",
        PUT=NOBODY_405,
        DELETE=NOBODY_405,
        data=body(reply=lambda w: w.reply.pk, text="年内完成接入。", due_date=lambda w: later(w, 60)),
        done=exists(Commitment, text="年内完成接入。"),
        signer={"POST": "201"},
    ),
    detail("commitment-detail", "commitment", POST=PROMISERS_405, PUT=NOBODY_405, signer={"POST": "405"}),
    step(
        "commitment-report",
        "commitment",
        POST=UNIT_STEP,
        change=NOBODY_405,
        data=body(text="已接入区级视频资源。"),
        done=status_is(Commitment, "commitment", CommitmentStatus.CLAIMED),
        signer={"POST": "200"},
    ),
    # Only the committee confirms (also from what it saw itself) or sends back a report; the world's is not reported.
    step(
        "commitment-confirm",
        "commitment",
        POST="401 403 403 404 403 200",
        change=NOBODY_405,
        done=status_is(Commitment, "commitment", CommitmentStatus.FULFILLED),
    ),
    step(
        "commitment-send-back",
        "commitment",
        POST="401 403 403 404 403 409",
        change=NOBODY_405,
        data=body(reason="未见佐证材料。"),
    ),
    attachments("commitment-attachments", "commitment", change=NOBODY_405),
]
