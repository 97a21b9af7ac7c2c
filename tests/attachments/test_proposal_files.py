"""Files of the proposals (issue 20): the proposal's original as a scan, a reply's letter as signed and stamped, a
co-handling unit's opinion letter. Who adds them and who reads them follows the object: the committee of the
proposal's own CPPCC adds the scan; a reply's own unit adds its letter until it is issued, and a draft's files are
its unit's alone; the co-handling unit adds its letter until its opinion is sent. Another CPPCC's people and the
anonymous public get nothing, and the public pages show a published reply's text only."""

import datetime
import io
import os
import zipfile
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.choices import OrganizationKind, RegionLevel, Role
from accounts.models import Region
from attachments.models import Attachment
from proposals import services
from proposals.choices import AssignmentRole, ProposalStatus, ReplyStatus
from proposals.models import Category, Proposal, ResultClass
from proposals.services.letter_files import make_pending_letter_pdfs
from tests.factories import OrganizationFactory, ProposalFactory, SessionFactory, UserFactory
from tests.proposals.course import Course

from . import pictures

pytestmark = pytest.mark.django_db

S = ProposalStatus


def ofd(name="答复函.ofd") -> SimpleUploadedFile:
    """A minimal OFD (GB/T 33190): a zip package whose root holds OFD.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "OFD.xml",
            '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" '
            'DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        )
        package.writestr("Doc_0/Document.xml", '<?xml version="1.0" encoding="UTF-8"?><ofd:Document/>')
    return SimpleUploadedFile(name, out.getvalue(), "application/ofd")


def region_cppcc(region: Region, *, committee: str, units: list[str]) -> SimpleNamespace:
    """``region``'s CPPCC: its committee's account, session, category, class A and government units, each unit with
    a liaison and a signer."""
    region.cppcc = OrganizationFactory(name=f"{region.name}政协", kind=OrganizationKind.CPPCC, region=region)
    region.save()
    committee_unit = OrganizationFactory(name=f"{region.name}政协提案委", kind=OrganizationKind.CPPCC, region=region)
    side = SimpleNamespace(
        region=region,
        committee=UserFactory(username=committee, organization=committee_unit, role=Role.COMMITTEE),
        session=SessionFactory(name="十五届四次", region=region),
        category=Category.objects.create(region=region, name="城市建设与管理", order=1),
        result_class=ResultClass.objects.create(region=region, code="A", name="解决或采纳", order=1),
        units=[],
    )
    for name in units:
        unit = OrganizationFactory(name=name, short_name=name[-5:], region=region)
        unit.liaison = UserFactory(username=f"liaison-{unit.pk}", organization=unit, role=Role.LIAISON)
        unit.signer = UserFactory(username=f"signer-{unit.pk}", organization=unit, role=Role.SIGNER)
        side.units.append(unit)
    return side


def build_world() -> SimpleNamespace:
    """镇海区's CPPCC: a proposal its 经信局 leads with 住建局 co-handling, and 水利局 not assigned; 东莞市's CPPCC
    beside it, with its committee and a unit."""
    zhejiang = Region.objects.create(name="浙江省", level=RegionLevel.PROVINCE, code="330000")
    ningbo = Region.objects.create(name="宁波市", level=RegionLevel.CITY, code="330200", parent=zhejiang)
    zhenhai = Region.objects.create(name="镇海区", level=RegionLevel.COUNTY, code="330211", parent=ningbo)
    guangdong = Region.objects.create(name="广东省", level=RegionLevel.PROVINCE, code="440000")
    dongguan = Region.objects.create(name="东莞市", level=RegionLevel.CITY, code="441900", parent=guangdong)
    zh = region_cppcc(
        zhenhai, committee="zh-committee", units=["镇海区经济和信息化局", "镇海区住房和建设局", "镇海区水利局"]
    )
    dg = region_cppcc(dongguan, committee="dg-committee", units=["东莞市发展和改革局"])
    lead, co, other = zh.units
    proposal = ProposalFactory(session=zh.session, category=zh.category, number="27", proposers=["储建华"])
    course = Course(committee=zh.committee, result_class=zh.result_class)
    course.bring(proposal, S.ASSIGNED, lead=lead, co=[co])
    return SimpleNamespace(
        zh=zh, dg=dg, lead=lead, co=co, other=other, proposal=proposal, course=course, dg_unit=dg.units[0]
    )


@pytest.fixture
def w(db):
    return build_world()


def page(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def upload_url(obj) -> str:
    return reverse("attachment-upload", args=[ContentType.objects.get_for_model(type(obj)).pk, obj.pk])


def upload(client, obj, *files, **fields):
    """The page's drop zone, as its script sends it (JSON answer)."""
    return client.post(upload_url(obj), {"file": list(files), **fields}, headers={"accept": "application/json"})


def draft(w, text="经研究，现答复如下：已列入明年计划。"):
    return services.reply_save_draft(
        actor=w.lead.liaison,
        proposal=w.proposal,
        text=text,
        result_class=w.zh.result_class,
        doc_number="镇经信〔2026〕9号",
    )


def move(user, proposal, slug, data):
    return page(user).post(reverse("proposal-move", args=[proposal.pk, slug]), data)


# --- The proposal's original scan -------------------------------------------------------------------------------


def test_the_committee_keeps_the_proposal_scan_and_nobody_else_adds_to_it(w):
    answer = upload(page(w.zh.committee), w.proposal, pictures.pdf("第27号提案原件.pdf"), kind="proposal_scan")
    assert answer.status_code == 201, answer.content
    scan = w.proposal.attachments.get()
    assert (scan.kind, scan.name, scan.uploaded_by) == ("proposal_scan", "第27号提案原件.pdf", w.zh.committee)
    for outsider in (w.lead.liaison, w.lead.signer, w.other.liaison):
        assert upload(page(outsider), w.proposal, pictures.pdf("另一份.pdf")).status_code == 403
    # Another CPPCC's committee does not learn the proposal exists.
    assert upload(page(w.dg.committee), w.proposal, pictures.pdf("另一份.pdf")).status_code == 404
    assert page(w.dg.committee).get(reverse("attachment-download", args=[scan.pk])).status_code == 404
    assert w.proposal.attachments.count() == 1
    # Every reader of the proposal reads its scan.
    for reader in (w.lead.liaison, w.other.liaison, w.zh.committee):
        response = page(reader).get(reverse("attachment-download", args=[scan.pk]))
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_reply_letter_is_not_a_kind_the_proposal_takes(w):
    answer = upload(page(w.zh.committee), w.proposal, pictures.pdf(), kind="reply_letter")
    assert answer.status_code == 400 and "reply_letter" in answer.json()["error"]
    url = reverse("api:proposal-attachments", args=[w.proposal.pk])
    answer = Client()
    answer.force_login(w.zh.committee)
    refused = answer.post(url, {"file": [pictures.pdf()], "kind": "reply_letter"})
    assert refused.status_code == 400 and refused.json() == {"file": ["此处不能添加该类文件。"]}
    assert not w.proposal.attachments.exists()


def test_an_archived_proposal_takes_no_files_and_keeps_its_own(db):
    committee = UserFactory(username="committee-archive", role=Role.COMMITTEE)
    proposal = ProposalFactory()
    assert upload(page(committee), proposal, pictures.pdf("原件.pdf")).status_code == 201
    services.proposal_archive(actor=committee, proposal=proposal)
    proposal = Proposal.all_objects.get(pk=proposal.pk)
    assert upload(page(committee), proposal, pictures.png(5, "又一份.png")).status_code == 403
    scan = proposal.attachments.get()
    assert page(committee).get(reverse("attachment-download", args=[scan.pk])).status_code == 200
    services.proposal_restore(actor=committee, proposal=proposal)
    assert upload(page(committee), proposal, pictures.png(5, "又一份.png")).status_code == 201


# --- A reply's letter ------------------------------------------------------------------------------------------


def test_a_drafts_files_are_its_own_units_alone(w, api):
    reply = draft(w)
    url = reverse("api:reply-attachments", args=[reply.pk])
    answer = api.as_user(w.lead.liaison).post(url, {"file": [ofd("答复函（签章）.ofd")]}, format="multipart")
    assert answer.status_code == 201, answer.content
    (letter,) = answer.json()
    assert (letter["kind"], letter["content_type"], letter["name"]) == (
        "reply_letter",
        "application/ofd",
        "答复函（签章）.ofd",
    )
    # The unit's signer reads and adds too; the draft answers 404 to everyone else, its files with it.
    assert api.as_user(w.lead.signer).get(url).status_code == 200
    assert upload(page(w.lead.signer), reply, pictures.pdf("附件.pdf"), kind="other").status_code == 201
    for outsider in (w.co.liaison, w.other.liaison, w.zh.committee, w.dg.committee, w.dg_unit.liaison):
        assert api.as_user(outsider).get(url).status_code == 404, outsider
        assert api.as_user(outsider).get(f"/api/v1/attachments/{letter['id']}/download/").status_code == 404
        assert page(outsider).get(reverse("attachment-download", args=[letter["id"]])).status_code == 404
        assert upload(page(outsider), reply, pictures.pdf("冒充.pdf")).status_code == 404
    assert reply.attachments.count() == 2


def test_another_units_liaison_cannot_add_to_a_reply_it_reads(w, api):
    reply = draft(w)
    services.reply_sign_off(actor=w.lead.signer, proposal=w.proposal)
    # Issued: every reader of the proposal reads the reply and its files, but adds nothing.
    url = reverse("api:reply-attachments", args=[reply.pk])
    assert api.as_user(w.other.liaison).get(url).status_code == 200
    answer = api.as_user(w.other.liaison).post(url, {"file": [pictures.pdf()]}, format="multipart")
    assert answer.status_code == 403


def test_an_issued_replys_files_are_locked(w, api):
    reply = draft(w)
    assert upload(page(w.lead.liaison), reply, pictures.pdf("答复函（盖章）.pdf")).status_code == 201
    stamped = reply.attachments.get()
    services.reply_sign_off(actor=w.lead.signer, proposal=w.proposal)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.ISSUED
    before = set(reply.attachments.values_list("pk", flat=True))
    assert len(before) == 1  # the stamped letter; the server's PDF follows the step (test_reply_pdf.py)
    for unit_user in (w.lead.liaison, w.lead.signer):
        assert upload(page(unit_user), reply, pictures.pdf("补充.pdf")).status_code == 403
        response = api.as_user(unit_user).post(
            reverse("api:reply-attachments", args=[reply.pk]), {"file": [pictures.pdf("补充.pdf")]}, format="multipart"
        )
        assert response.status_code == 403
        assert api.as_user(unit_user).delete(f"/api/v1/attachments/{stamped.pk}/").status_code == 403
        assert page(unit_user).post(reverse("attachment-remove", args=[stamped.pk])).status_code == 403
    assert set(reply.attachments.values_list("pk", flat=True)) == before


def test_a_draft_returned_to_the_drafter_still_takes_files_and_a_stale_one_does_not(w):
    reply = draft(w)
    services.reply_return(actor=w.lead.signer, proposal=w.proposal, note="请补充资金来源。")
    assert upload(page(w.lead.liaison), reply, pictures.pdf("修改稿.pdf")).status_code == 201
    # A re-assignment requested: nobody answers until the committee decides, files included.
    draft(w)
    services.proposal_request_reassign(actor=w.lead.liaison, proposal=w.proposal, reason="不属于本单位职责")
    assert upload(page(w.lead.liaison), reply, pictures.pdf("再改稿.pdf")).status_code == 403


# --- A co-handling unit's opinion letter ---------------------------------------------------------------------


def test_the_co_handling_unit_sends_its_opinion_with_its_letter(w):
    assignment = w.proposal.assignments.get(unit=w.co)
    # The lead unit adds nothing to another unit's opinion.
    assert upload(page(w.lead.liaison), assignment, pictures.pdf("意见.pdf")).status_code == 403
    response = move(
        w.co.liaison, w.proposal, "opinion", {"opinion": "建议纳入城市大脑二期。", "letter": ofd("协办意见.ofd")}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    letter = assignment.attachments.get()
    assert (letter.kind, letter.media_type, letter.uploaded_by) == ("opinion_letter", "application/ofd", w.co.liaison)
    # Sent: the letter is what went to the lead unit.
    assert upload(page(w.co.liaison), assignment, pictures.pdf("补充意见.pdf")).status_code == 403
    # The lead unit reads it (from the proposal's page).
    html = page(w.lead.liaison).get(w.proposal.get_absolute_url()).content.decode()
    assert reverse("attachment-download", args=[letter.pk]) in html and "协办意见.ofd" in html


def test_before_its_opinion_the_co_handling_unit_adds_its_letter_from_the_page(w):
    assignment = w.proposal.assignments.get(unit=w.co)
    assert upload(page(w.co.liaison), assignment, pictures.pdf("意见函.pdf")).status_code == 201
    assert assignment.attachments.get().kind == "opinion_letter"
    # A lead unit's assignment takes no opinion letter.
    lead = w.proposal.assignments.get(unit=w.lead)
    assert lead.role == AssignmentRole.LEAD
    assert upload(page(w.lead.liaison), lead, pictures.pdf("意见函.pdf")).status_code == 403


def test_an_opinion_letter_that_is_not_a_pdf_or_ofd_refuses_the_opinion(w):
    response = move(
        w.co.liaison, w.proposal, "opinion", {"opinion": "建议纳入城市大脑二期。", "letter": pictures.photo(3)}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "PDF 或 OFD" in " ".join(form.errors["letter"]), form.errors
    assignment = w.proposal.assignments.get(unit=w.co)
    assert assignment.opinion == "" and assignment.opinion_on is None
    assert not Attachment.objects.exists()


# --- The proposal's page ------------------------------------------------------------------------------------------


def test_the_proposal_page_shows_each_objects_files_and_the_upload_where_allowed(w):
    upload(page(w.zh.committee), w.proposal, pictures.pdf("第27号提案原件.pdf"), kind="proposal_scan")
    reply = draft(w)
    upload(page(w.lead.liaison), reply, pictures.pdf("答复函（盖章）.pdf"))
    as_liaison = page(w.lead.liaison).get(w.proposal.get_absolute_url()).content.decode()
    assert "第27号提案原件.pdf" in as_liaison and "答复函（盖章）.pdf" in as_liaison
    # The liaison adds to its draft and to nothing else here.
    assert upload_url(reply) in as_liaison and upload_url(w.proposal) not in as_liaison
    as_committee = page(w.zh.committee).get(w.proposal.get_absolute_url()).content.decode()
    assert upload_url(w.proposal) in as_committee
    # The draft and its files are the unit's: another unit sees neither.
    as_other = page(w.other.liaison).get(w.proposal.get_absolute_url()).content.decode()
    assert "答复函（盖章）.pdf" not in as_other and upload_url(reply) not in as_other
    assert "第27号提案原件.pdf" in as_other and upload_url(w.proposal) not in as_other


# --- The API ----------------------------------------------------------------------------------------------------


def test_the_api_lists_and_adds_a_proposals_files(w, api):
    url = reverse("api:proposal-attachments", args=[w.proposal.pk])
    answer = api.as_user(w.zh.committee).post(
        url, {"file": [pictures.pdf("原件.pdf")], "kind": "proposal_scan"}, format="multipart"
    )
    assert answer.status_code == 201, answer.content
    listed = api.as_user(w.other.liaison).get(url).json()
    assert [(item["name"], item["kind"], item["content_type"]) for item in listed] == [
        ("原件.pdf", "proposal_scan", "application/pdf")
    ]
    assert listed[0]["reused_from"] is None
    download = api.as_user(w.other.liaison).get(listed[0]["url"])
    assert download.status_code == 200
    assert "filename*=utf-8''%E5%8E%9F%E4%BB%B6.pdf" in download["Content-Disposition"]
    assert api.as_user(w.lead.liaison).post(url, {"file": [pictures.pdf()]}, format="multipart").status_code == 403
    assert api.as_user(w.dg.committee).get(url).status_code == 404
    # An executable named as a PDF is refused with the reason, and nothing is stored.
    fake = SimpleUploadedFile("答复函.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    refused = api.as_user(w.zh.committee).post(url, {"file": [fake]}, format="multipart")
    assert refused.status_code == 400 and "答复函.pdf" in refused.json()["file"][0]
    assert w.proposal.attachments.count() == 1


# --- Anonymous and public ---------------------------------------------------------------------------------------


@pytest.fixture
def published(w):
    """The lead unit's reply issued with its stamped letter (its contact on it) and published by the committee."""
    services.reply_save_draft(
        actor=w.lead.liaison,
        proposal=w.proposal,
        text="经研究，现答复如下：已列入明年计划。",
        result_class=w.zh.result_class,
        contact_person="周晓燕",
        contact_phone="86278316",
        issued_on=datetime.date.today(),
    )
    reply = services.reply_sign_off(
        actor=w.lead.signer, proposal=w.proposal, files=[pictures.pdf("答复函（盖章）.pdf")]
    )
    services.reply_publish(actor=w.zh.committee, reply=reply)
    upload(page(w.zh.committee), w.proposal, pictures.pdf("第27号提案原件.pdf"))
    make_pending_letter_pdfs()
    return reply


def test_anonymous_requests_for_a_file_are_refused(w, published):
    anonymous = page()
    files = list(Attachment.objects.all())
    assert len(files) == 3
    for attachment in files:
        for url in (
            reverse("attachment-download", args=[attachment.pk]),
            reverse("attachment-thumbnail", args=[attachment.pk]),
        ):
            response = anonymous.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
        for url in (f"/api/v1/attachments/{attachment.pk}/", f"/api/v1/attachments/{attachment.pk}/download/"):
            response = anonymous.get(url)
            assert response.status_code == 401 and b"%PDF" not in response.content, url
    for url in (
        reverse("api:reply-attachments", args=[published.pk]),
        reverse("api:proposal-attachments", args=[w.proposal.pk]),
    ):
        assert anonymous.get(url).status_code == 401
    response = anonymous.post(upload_url(published), {"file": [pictures.pdf()]})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_public_pages_show_a_published_replys_text_and_no_file(w, published):
    anonymous = page()
    detail = anonymous.get(reverse("public-reply-detail", args=[published.pk]))
    listing = anonymous.get(reverse("public-cppcc-replies", args=[w.zh.region.pk]))
    assert detail.status_code == 200 and listing.status_code == 200
    for response in (detail, listing):
        html = response.content.decode()
        assert "/attachments/" not in html and "thumbnail" not in html
        assert ".pdf" not in html and "答复函（盖章）" not in html and "第27号提案原件" not in html
        assert "周晓燕" not in html and "86278316" not in html
    assert "已列入明年计划" in detail.content.decode()
    # Nothing of the scans is in any public answer: not their bytes, not their names.
    scans = [attachment.file.read() for attachment in Attachment.objects.all()]
    for response in (detail, listing):
        assert not any(scan[:200] in response.content for scan in scans)


def test_a_purge_takes_the_files_along(w, django_capture_on_commit_callbacks, settings):
    co = w.proposal.assignments.get(unit=w.co)
    assert upload(page(w.co.liaison), co, pictures.pdf("意见函.pdf")).status_code == 201
    assert upload(page(w.zh.committee), w.proposal, pictures.pdf("原件.pdf")).status_code == 201
    draft(w)
    services.reply_sign_off(actor=w.lead.signer, proposal=w.proposal, files=[pictures.pdf("答复函（盖章）.pdf")])
    make_pending_letter_pdfs()
    stored = [attachment.file.path for attachment in Attachment.objects.all()]
    assert len(stored) == 4
    # Kept in the test's own folder, not the installation's.
    assert all(path.startswith(str(settings.MEDIA_ROOT)) for path in stored)
    with django_capture_on_commit_callbacks(execute=True):
        Proposal.all_objects.get(pk=w.proposal.pk).delete()  # the superuser's purge, in the admin
    assert not Attachment.objects.exists()
    assert not any(os.path.exists(path) for path in stored)
