"""A reply letter (答复函) as it is printed, laid out after GB/T 9704 (党政机关公文格式): the pieces the letter's
template shows, taken from a reply and the proposers it answers.

The letter is a document that goes out as it is: it is written in Chinese whatever the reader's language, its
document number (文号) carries its year in 〔〕 however it was typed, and a salutation the unit typed into the
text itself is printed once, as the salutation.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

# A year in brackets of any kind as people type them: [2015], ［2015］, (2015), （2015）, 【2015】, 〔2015〕, 〈2015〉…
YEAR_IN_BRACKETS = re.compile(r"[\[［【(（〔〈<{｛]\s*(\d{4})\s*[\]］】)）〕〉>}｝]")
# A first line that addresses someone: a name without punctuation, then a colon.
SALUTATION = re.compile(
    r"^[ \t\u3000]*(?P<name>[^\s：:，,。；;！!？?、“”\"《》（）()]{1,40}?)[ \t\u3000]*[：:][ \t\u3000]*"
)
# How salutations end: 委员 (a member), 同志, 先生, 女士, and the member organisations (民革市委会, 区工商联…).
SALUTATION_ENDINGS = ("委员", "同志", "先生", "女士", "委员会", "委会", "工商联", "联合会", "支社", "支部")
# Words of an opening sentence, never of a salutation (…现答复如下：).
NOT_A_SALUTATION = ("如下", "答复", "研究", "收悉", "提案")
SPACES = " \t\u3000"
# A letter's paragraphs (its lines): the longest real replies have tens. The server prints every issued letter to
# PDF (soon after the issuing step, or in the request that first lists its files), a page for every 20-odd one-line
# paragraphs: 10,000 one-character lines would take a minute and 450 pages; 200 take under two seconds.
MAX_PARAGRAPHS = 200


@dataclass(frozen=True)
class Letter:
    title: str
    doc_number: str
    salutation: str
    paragraphs: list[str]


def doc_number(text: str) -> str:
    """The document number with its year in 〔〕 (GB/T 9704): 镇经信[2015]12号, 镇经信（2015）12号 and
    镇经信【2015】12号 all become 镇经信〔2015〕12号."""
    return YEAR_IN_BRACKETS.sub(r"〔\1〕", text.strip())


def split_salutation(text: str, names: Sequence[str] = ()) -> tuple[str, str]:
    """The salutation a reply's text opens with (``李明华委员：``, or ``民革市委会:`` followed by the text on the
    same line) and the rest of the text; no salutation ("") when the text opens otherwise. ``names`` are the
    addressees' names and salutations, which count as salutations whatever they end with."""
    body = text.lstrip("\r\n" + SPACES)
    first_line = body.split("\n", 1)[0]
    match = SALUTATION.match(first_line)
    if match is None:
        return "", text
    name = match["name"]
    rest_of_line = first_line[match.end() :].strip(SPACES + "\r")
    known = any(name == known_name or name.startswith(known_name) for known_name in names if known_name)
    looks_like_one = name.endswith(SALUTATION_ENDINGS) and not any(word in name for word in NOT_A_SALUTATION)
    alone = not rest_of_line and not any(word in name for word in NOT_A_SALUTATION)
    if not (known or looks_like_one or alone):
        return "", text
    salutation = first_line[: match.end()].strip(SPACES)
    return salutation, body[match.end() :]


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs, one per line, without the spaces typed to indent them (the letter indents each
    paragraph by two characters itself) and without blank lines."""
    return [line.strip(SPACES + "\r") for line in text.split("\n") if line.strip(SPACES + "\r")]


def letter(reply, addressees: Sequence) -> Letter:
    """The printed pieces of ``reply``: its title, document number, salutation (the text's own, or the lead
    proposer's among ``addressees``) and paragraphs, in Chinese."""
    with translation.override("zh-hans"):
        salutations = [str(proposer.salutation) for proposer in addressees]
        names = [proposer.name for proposer in addressees] + salutations
        own, rest = split_salutation(reply.text, names)
        salutation = own or (f"{salutations[0]}{_(':')}" if salutations else "")
        proposal = reply.proposal
        session = proposal.session.name
        if session.endswith("会议"):
            title = _("Reply to proposal No. %(number)s of %(session)s") % {
                "number": proposal.number,
                "session": session,
            }
        else:
            title = _("Reply to proposal No. %(number)s") % {"number": proposal.number}
    return Letter(
        title=title, doc_number=doc_number(reply.doc_number), salutation=salutation, paragraphs=paragraphs(rest)
    )
