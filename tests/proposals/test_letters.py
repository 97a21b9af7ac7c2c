"""Reply letters as they go out (答复函, after GB/T 9704): the document number's year in 〔〕, the signer on its line,
the title, one salutation (the text's own when it opens with one), paragraphs without typed indents, the unit and the
date in Chinese form, 抄送 and the contact at the foot (not on the public page); in Chinese whatever the reader's
language; the letter's fonts from the settings, as a stylesheet of the app's own."""

import datetime
import re

import pytest
from django.utils import timezone

from proposals.choices import ReplyStatus
from proposals.letters import doc_number, paragraphs, split_salutation
from proposals.models import Reply, ResultClass
from tests.factories import OrganizationFactory, ProposalFactory, SessionFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "你“关于推动智慧城市建设的建议”的提案已收悉，经我局研究，现答复如下：\n"
    "　　一、加强顶层设计，引领国家试点创建\n"
    "\n"
    "    感谢你对我区智慧城区建设工作的支持和关心。\n"
)


@pytest.mark.parametrize(
    "typed",
    [
        "镇经信[2015]12号",
        "镇经信［2015］12号",
        "镇经信(2015)12号",
        "镇经信（2015）12号",
        "镇经信【2015】12号",
        "镇经信〔2015〕12号",
    ],
)
def test_the_document_numbers_year_is_in_hexagonal_brackets(typed):
    assert doc_number(typed) == "镇经信〔2015〕12号"


def test_a_document_number_without_a_year_is_left_as_typed():
    assert doc_number(" 镇经信函12号 ") == "镇经信函12号"
    assert doc_number("") == ""


@pytest.mark.parametrize(
    ("text", "salutation", "rest"),
    [
        ("李明华委员：\n正文。", "李明华委员：", "\n正文。"),
        ("　　储建华委员:\n正文。", "储建华委员:", "\n正文。"),
        ("民革市委会:贵委提出的提案收悉。", "民革市委会:", "贵委提出的提案收悉。"),
        ("储建华：你的提案收悉。", "储建华：", "你的提案收悉。"),  # the proposer's name, however it ends
    ],
)
def test_a_salutation_the_text_opens_with_is_found(text, salutation, rest):
    assert split_salutation(text, ["储建华", "储建华委员", "民革市委会"]) == (salutation, rest)


@pytest.mark.parametrize(
    "text",
    [
        "你“关于推动智慧城市建设的建议”的提案已收悉，经我局研究，现答复如下：\n正文。",
        "现答复如下：\n一、……",
        "经研究：\n正文。",
        "2012年5月，区委区政府启动国家智慧城市试点创建工作。",
    ],
)
def test_an_opening_sentence_is_not_a_salutation(text):
    assert split_salutation(text, ["储建华"]) == ("", text)


def test_paragraphs_lose_their_typed_indents_and_blank_lines():
    assert paragraphs(TEXT) == [
        "你“关于推动智慧城市建设的建议”的提案已收悉，经我局研究，现答复如下：",
        "一、加强顶层设计，引领国家试点创建",
        "感谢你对我区智慧城区建设工作的支持和关心。",
    ]


@pytest.fixture
def reply(db):
    session = SessionFactory(name="镇海区政协十一届四次会议", year=2015)
    proposal = ProposalFactory(session=session, number="27", proposers=["储建华"])
    return Reply.objects.create(
        proposal=proposal,
        unit=OrganizationFactory(name="镇海区经济和信息化局", short_name="区经信局"),
        text=TEXT,
        result_class=ResultClass.objects.get(code="A"),
        doc_number="镇经信[2015]12号",
        issued_on=datetime.date(2015, 5, 4),
        signer="应国平",
        cc="区政协提案委",
        contact_person="周晓燕",
        contact_phone="86278316",
        is_public=True,
        # Issued (signed off in the system) and published, as a letter on the public page is.
        status=ReplyStatus.ISSUED,
        signed_off_on=datetime.date(2015, 5, 4),
        signed_off_at=timezone.make_aware(datetime.datetime(2015, 5, 4, 10, 0)),
    )


def letter_of(html: str) -> str:
    start = html.index('<article class="reply-letter')
    return html[start : html.index("</article>", start)]


def test_the_letter_is_laid_out_as_an_official_reply(client, committee_user, reply):
    client.force_login(committee_user)
    html = client.get(f"/proposals/replies/{reply.pk}/").content.decode()
    letter = letter_of(html)
    assert re.search(r'class="letter-class"[^>]*>.*?A</div>', letter)
    assert '<span class="letter-number">镇经信〔2015〕12号</span>' in letter
    assert '签发人：<span class="letter-signer-name">应国平</span>' in letter
    assert '<h2 class="letter-title">对镇海区政协十一届四次会议第27号提案的答复</h2>' in letter
    assert '<p class="letter-salutation">储建华委员：</p>' in letter
    assert re.findall(r"<p>(.*?)</p>", letter) == paragraphs(TEXT)
    assert '<div class="letter-unit">镇海区经济和信息化局</div>' in letter
    assert '<div class="letter-date">2015年5月4日</div>' in letter
    assert "抄送：区政协提案委" in letter and "联系人：周晓燕" in letter and "联系电话：86278316" in letter
    # The page links the letter's stylesheets: its fonts from the settings, its layout and portrait page.
    assert 'href="/css/letter-fonts.css"' in html and "css/letter.css" in html


@pytest.mark.parametrize(
    ("opening", "salutation"),
    [("储建华委员：\n", "储建华委员："), ("李明华委员：\n", "李明华委员："), ("　　储建华委员:", "储建华委员:")],
)
def test_a_salutation_typed_into_the_text_is_printed_once(client, committee_user, reply, opening, salutation):
    reply.text = opening + reply.text
    reply.save()
    client.force_login(committee_user)
    for url in (
        f"/proposals/replies/{reply.pk}/",
        f"/proposals/{reply.proposal_id}/",
        f"/public/proposals/{reply.pk}/",
    ):
        letter = letter_of(client.get(url).content.decode())
        assert len(re.findall(r"委员[：:]", letter)) == 1, url
        assert f'<p class="letter-salutation">{salutation}</p>' in letter, url
        assert re.findall(r"<p>(.*?)</p>", letter)[0].startswith("你“关于推动"), url


def test_the_letter_is_chinese_whatever_the_readers_language(client, committee_user, reply):
    client.force_login(committee_user)
    client.cookies["django_language"] = "en"
    html = client.get(f"/proposals/replies/{reply.pk}/").content.decode()
    assert ">Print</button>" in html  # the page is in English
    letter = letter_of(html)
    assert "对镇海区政协十一届四次会议第27号提案的答复" in letter and "储建华委员：" in letter
    assert "抄送：" in letter and "2015年5月4日" in letter
    assert "CPPCC member" not in letter and "Copy to" not in letter


def test_the_public_letter_has_no_contact_lines(client, reply):
    letter = letter_of(client.get(f"/public/proposals/{reply.pk}/").content.decode())
    assert "抄送：区政协提案委" in letter and "镇经信〔2015〕12号" in letter
    assert "周晓燕" not in letter and "86278316" not in letter


def test_the_letter_fonts_come_from_the_settings_as_a_stylesheet(client, settings):
    settings.LETTER_FONTS = {
        "body": ["仿宋_GB2312", 'Evil"; } body { display: none', "FangSong"],
        "title": ["方正小标宋简体"],
        "fallback": ["Noto Serif CJK SC", "serif"],
    }
    response = client.get("/css/letter-fonts.css")
    assert response.status_code == 200 and response["Content-Type"] == "text/css; charset=utf-8"
    assert "max-age=3600" in response["Cache-Control"]
    css = response.content.decode()
    assert '--letter-font-body: "仿宋_GB2312", "FangSong", "Noto Serif CJK SC", serif;' in css
    assert '--letter-font-title: "方正小标宋简体", "Noto Serif CJK SC", serif;' in css
    assert "Evil" not in css and "display" not in css
