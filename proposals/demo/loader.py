"""The demo proposals (政协提案) and their replies, built from the source documents (``proposals.toml`` beside this
file). Loaded after the portfolio demo, whose organisations, projects and accounts it uses.

Three proposals are the documents' own (seeds 000, 001 and 003) with their real numbers, proposers, dates, units and
letters. About forty more come from templates in the data file, spread over the two current sessions and laid out
relative to the day the loader runs, so that the ledger shows every status, overdue and nearly due proposals, key
proposals, a second handling round, merged and re-assigned proposals, and the liaison's unit has work waiting.

Every step goes through ``proposals.services``, in date order across all proposals, so that statuses, rounds and
the timeline agree. The services date what they record "now"; after each step the loader moves those dates back to
the day the step happened (events, history, assignment, reply, sign-off and feedback dates).

The liaison's unit (区经信局) answers in the system: its liaison drafts, its signer (the demo account ``signer``)
signs off, and one draft waits for the signer. The other units have no accounts in the demo: they answered on paper,
and the committee recorded their replies on their behalf (代录); their opinions and re-assignment requests are made by
a temporary stand-in account of the unit, deleted at the end of the load.

Each CPPCC keeps its own: the sessions are their CPPCC's region's (镇海区政协's 镇海区, 东莞市政协's 东莞市), each
CPPCC has its own categories and result classes (``[reference]``) and proposers, and each CPPCC's steps are taken by
its own committee (the demo account ``committee`` for 镇海区, ``dg-committee`` for 东莞市, else a temporary account of
the region's CPPCC).

Loading only adds what is missing (a proposal is keyed by session and number, or by its title), so running it twice
gives the same data and never overwrites what users changed.
"""

import datetime
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.choices import Role
from accounts.demo import loader as regions
from accounts.models import Organization, Region, User
from common.dates import add_months
from common.demo import LoadResult
from projects.models import Project

from .. import services
from ..choices import ProposalMove, ProposalStatus, ProposerKind, Satisfaction
from ..models import (
    Assignment,
    Category,
    Event,
    Feedback,
    HandlingUnit,
    Proposal,
    Proposer,
    Reply,
    ResultClass,
    Session,
)

DATA_FILE = Path(__file__).with_name("proposals.toml")

# The demo accounts that act, when the portfolio demo created them (DEBUG): each CPPCC's committee, and one unit's
# liaison and signer.
COMMITTEES, LIAISON, SIGNER = ("committee", "dg-committee"), "liaison", "signer"
# Without demo accounts the services still need an actor with the committee's permissions, and each unit one of its
# own for its opinions and requests: temporary accounts that cannot log in (unusable password). They are deleted at
# the end of the load, so no account is left behind when DEBUG is off; the steps they took keep no actor (events,
# replies and feedback show none). They must be active: Django grants no permission to an inactive user.
LOADER_USERNAME = "demo-loader"
STAND_IN_PREFIX = "demo-stand-in-"

# Default days between the steps of a course (see the data file).
GAPS = {
    "file": 8,
    "assign": 14,
    "request": 6,
    "reassign": 5,
    "opinion": 20,
    "reply": 70,
    "feedback": 18,
    "reply2": 35,
    "feedback2": 15,
    "close": 35,
}
# The current session is the latest that opened at least this many days ago.
SESSION_SETTLED_DAYS = 30
CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 11 → 十一, 23 → 二十三 (届次会次 up to 99)."""
    if number < 10:
        return CHINESE_DIGITS[number]
    tens, ones = divmod(number, 10)
    return (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


@dataclass
class Step:
    day: datetime.date
    kind: str
    args: dict = field(default_factory=dict)


@dataclass
class Course:
    """One proposal's way through the workflow: its data, session, number and dated steps."""

    ref: str
    row: dict
    order: int
    start: datetime.date
    session: Session | None = None
    number: str = ""
    steps: list[Step] = field(default_factory=list)
    proposal: Proposal | None = None
    exists: bool = False


class ProposalLoader:
    def __init__(self, *, today: datetime.date, create_accounts: bool, data: dict):
        self.today = today
        self.yesterday = today - days(1)
        self.create_accounts = create_accounts
        self.data = data
        self.result = LoadResult()
        self.orgs: dict[str, Organization] = {}
        self.courses: dict[str, Course] = {}
        self.doc_numbers: Counter = Counter()
        self.steps_on_day: Counter = Counter()
        self.temporary_actors: list[User] = []
        self.stand_ins: dict[int, User] = {}

    # Reference data -------------------------------------------------------------------------------------------

    def load_organizations(self):
        for row in self.data["organizations"]:
            # Archived rows count as existing (all_objects): an archived demo unit is not made again.
            _, created = Organization.all_objects.get_or_create(
                name=row["name"],
                defaults={
                    "short_name": row.get("short_name", ""),
                    "kind": row["kind"],
                    "region": Region.objects.get(name=row["region"]),
                },
            )
            self.result.count("organizations", created)
        for org in Organization.all_objects.all():
            self.orgs[org.name] = org
            if org.short_name:
                self.orgs.setdefault(org.short_name, org)

    def place_cppccs(self):
        """Each region's CPPCC, where the region has none yet."""
        for region_name, cppcc in self.data["region_cppccs"].items():
            for region in Region.objects.filter(name=region_name, cppcc__isnull=True):
                region.cppcc = self.org(cppcc)
                region.save(update_fields=["cppcc", "last_updated"])

    def org(self, name: str) -> Organization:
        try:
            return self.orgs[name]
        except KeyError:
            raise LookupError(f"Unknown organisation {name!r}: load the portfolio demo first.") from None

    def region(self, name: str) -> Region:
        return Region.objects.get(name=name)

    def session_for_year(self, year: int) -> Session:
        config = self.data["sessions"]
        index = year - config["first_year"]
        term = config["first_term"] + index // config["meetings_per_term"]
        meeting = index % config["meetings_per_term"] + 1
        name = f"{config['body']}{chinese_number(term)}届{chinese_number(meeting)}次会议"
        opening = datetime.date(year, config["opening_month"], config["opening_day"])
        return self.get_session(name=name, region=config["region"], year=year, opening_date=opening)

    def get_session(self, *, name: str, region: str, year: int, opening_date: datetime.date) -> Session:
        session, created = Session.objects.get_or_create(
            name=name, region=self.region(region), defaults={"year": year, "opening_date": opening_date}
        )
        self.result.count("sessions", created)
        return session

    def load_sessions(self):
        config = self.data["sessions"]
        year = self.today.year
        settled = self.today - days(SESSION_SETTLED_DAYS)
        if datetime.date(year, config["opening_month"], config["opening_day"]) > settled:
            year -= 1
        self.previous = self.session_for_year(year - 1)
        self.current = self.session_for_year(year)
        self.seed_sessions = {
            row["key"]: self.get_session(
                name=row["name"], region=row["region"], year=row["year"], opening_date=row["opening_date"]
            )
            for row in self.data["seed_sessions"]
        }

    def load_reference(self):
        self.proposers = {}
        for row in self.data["proposers"]:
            proposer, created = Proposer.objects.get_or_create(
                name=row["name"],
                region=self.region(row.get("region", self.data["sessions"]["region"])),
                defaults={
                    "kind": row.get("kind", ProposerKind.MEMBER),
                    "sector": row.get("sector", ""),
                    "party": row.get("party", ""),
                    "organization": row.get("organization", ""),
                },
            )
            self.result.count("proposers", created)
            self.proposers[proposer.name] = proposer
        # Each CPPCC's own categories and result classes, by region id; the committee may have renamed some since.
        reference = self.data["reference"]
        self.categories, self.classes = {}, {}
        for region in Region.objects.filter(name__in=self.data["region_cppccs"]):
            for order, name in enumerate(reference["categories"], start=1):
                category, created = Category.objects.get_or_create(region=region, name=name, defaults={"order": order})
                self.result.count("categories", created)
                self.categories[region.pk, name] = category
            for order, row in enumerate(reference["result_classes"], start=1):
                result_class, created = ResultClass.objects.get_or_create(
                    region=region,
                    code=row["code"],
                    defaults={"name": row["name"], "description": row["description"], "order": order},
                )
                self.result.count("result classes", created)
                self.classes[region.pk, row["code"]] = result_class
        codes = {code for row in self.rows() for code in row.get("projects", [])}
        self.projects = {project.code: project for project in Project.all_objects.filter(code__in=codes)}
        if missing := codes - set(self.projects):
            raise LookupError(f"Unknown projects {sorted(missing)}: load the portfolio demo first.")

    # Actors ---------------------------------------------------------------------------------------------------

    def load_actors(self):
        """The demo accounts when they exist: each CPPCC's committee moves its own proposals, the liaison drafts for its
        own unit and the signer signs off. Otherwise a temporary account of each region's CPPCC acts for its
        committee (see ``LOADER_USERNAME``)."""
        names = [*COMMITTEES, LIAISON, SIGNER]
        accounts = {
            user.username: user
            for user in User.objects.filter(username__in=names, is_active=True).select_related("organization")
        }
        self.liaison = accounts.get(LIAISON)
        self.signer = accounts.get(SIGNER)
        if self.signer is None or self.liaison is None or self.signer.organization_id != self.liaison.organization_id:
            self.liaison = self.signer = None
        committees = {accounts[name].organization.region_id: accounts[name] for name in COMMITTEES if name in accounts}
        self.committees = {}
        for region in Region.objects.filter(name__in=self.data["region_cppccs"]).select_related("cppcc"):
            self.committees[region.pk] = committees.get(region.pk) or self.temporary_user(
                f"{LOADER_USERNAME}-{region.pk}", region.cppcc, [Role.COMMITTEE]
            )

    def committee(self, course: Course) -> User:
        """Who acts for the committee of the proposal's CPPCC."""
        return self.committees[course.session.region_id]

    def temporary_user(self, username: str, organization: Organization, roles: list[str]) -> User:
        actor = User.objects.filter(username=username).first()
        if actor is None:
            actor = User(username=username, last_name="演示数据", first_name="加载程序", organization=organization)
            actor.set_unusable_password()
            actor.save()
            actor.groups.add(*Group.objects.filter(name__in=roles))
            self.temporary_actors.append(actor)
        return actor

    def answers_in_system(self, unit: Organization) -> bool:
        """Whether the unit has demo accounts that draft and sign off (the liaison's unit)."""
        return self.liaison is not None and self.liaison.organization_id == unit.pk

    def unit_actor(self, unit: Organization) -> User:
        """Who acts for the unit in its opinions and requests: the liaison for its own unit, else a stand-in."""
        if self.answers_in_system(unit):
            return self.liaison
        if unit.pk not in self.stand_ins:
            self.stand_ins[unit.pk] = self.temporary_user(f"{STAND_IN_PREFIX}{unit.pk}", unit, [Role.LIAISON])
        return self.stand_ins[unit.pk]

    def load_handling_units(self):
        """The state-owned companies each committee put on its list of handling units (供电, 电信), unless it has
        decided about them since."""
        for region_name, names in self.data["handling_units"]["added"].items():
            added = [
                self.org(name)
                for name in names
                if not HandlingUnit.objects.filter(organization=self.org(name)).exists()
            ]
            if added:
                actor = self.committees[self.region(region_name).pk]
                services.handling_units_set(actor=actor, add=added, note="国有企业，承办有关提案")

    # Planning -------------------------------------------------------------------------------------------------

    def rows(self) -> list[dict]:
        return [*self.data["seeds"], *self.data["proposals"]]

    def plan_steps(self, row: dict, start: datetime.date) -> list[Step]:
        """The steps that take the proposal from submission to its status, each on its day."""
        gaps = {**GAPS, **row.get("gaps", {})}
        fixed = row.get("dates", {})
        status = row["status"]
        steps: list[Step] = []

        def add(kind: str, day: datetime.date, key: str | None = None, **args) -> datetime.date:
            day = fixed.get(key or kind, day)
            steps.append(Step(day, kind, args))
            return day

        add("submit", start)
        if status == ProposalStatus.SUBMITTED:
            return steps
        review = start + days(gaps["file"])
        if status == ProposalStatus.NOT_FILED:
            add("not_file", review, key="review", reason=row["not_filed_reason"])
            return steps
        if status == ProposalStatus.MERGED:
            add("merge", review, key="review", into=row["merge_into"])
            return steps
        review = add("file", review, key="review")
        if status == ProposalStatus.FILED:
            return steps

        lead, co, separate = row.get("lead"), row.get("co", []), row.get("separate", [])
        original_due = self.due_date(row, extended=False)
        base = add("assign", review + days(gaps["assign"]), lead=lead, co=co, separate=separate, due=original_due)
        if reassign := row.get("reassign"):
            requested = add("request", base + days(gaps["request"]), unit=reassign["unit"], reason=reassign["reason"])
            if status == ProposalStatus.REASSIGN_REQUESTED:
                return steps
            lead, co, separate = reassign.get("lead"), reassign.get("co", []), reassign.get("separate", [])
            base = add("assign", requested + days(gaps["reassign"]), lead=lead, co=co, separate=separate, due=None)
        replying = ([lead] if lead else []) + separate
        if extension := row.get("extend"):
            add("extend", original_due - days(10), units=replying, due=self.due_date(row), reason=extension["reason"])
        if row.get("opinion", True):
            for index, unit in enumerate(co):
                add("opinion", base + days(gaps["opinion"] + index), unit=unit, position=index)

        reply_day = base + days(gaps["reply"])
        if status == ProposalStatus.ASSIGNED:
            for index, unit in enumerate(row.get("replied_units", [])):
                add("reply", reply_day + days(index), unit=unit, round=1, cc_units=co + separate)
            if row.get("draft"):
                add("draft", reply_day, unit=lead, round=1, cc_units=co + separate)
            return steps
        for index, unit in enumerate(replying):
            last = add("reply", reply_day + days(index), unit=unit, round=1, cc_units=co + separate)
        if status == ProposalStatus.REPLIED:
            return steps
        if "close" in row:
            add("close", last + days(gaps["close"]), note=row["close"])
            return steps
        round_number, day = 1, last + days(gaps["feedback"])
        entries = row["feedback"]
        for index, entry in enumerate(entries):
            day = add("feedback", day, **entry)
            if entry["satisfaction"] != Satisfaction.UNSATISFIED:
                day += days(1)
                continue
            if index == len(entries) - 1:
                break  # handled again: the units owe a new reply
            round_number += 1
            for position, unit in enumerate(replying):
                last = add("reply", day + days(gaps["reply2"] + position), unit=unit, round=round_number)
            day = last + days(gaps["feedback2"])
        return steps

    def due_date(self, row: dict, extended: bool = True) -> datetime.date | None:
        """The due date a template asks for (``due_in`` days from today), before or after its extension."""
        if "due_in" not in row:
            return None
        due = self.today + days(row["due_in"])
        return due if extended else due - days(row.get("extend", {}).get("days", 0))

    def start_of(self, row: dict) -> datetime.date:
        """The day the proposal was submitted, from whichever anchor the template gives."""
        if "dates" in row:
            return row["dates"]["submit"]
        if "merge_into" in row:
            return self.courses[row["merge_into"]].start + days(row.get("after", 1))
        if "day" in row:
            return self.previous.opening_date + days(row["day"])
        if "due_in" in row:
            assigned = add_months(self.due_date(row, extended=False), -settings.PROPOSALS["REPLY_MONTHS"])
            return assigned - self.offset(row, "assign")
        ((kind, ago),) = row["anchor"].items()
        return self.today - days(ago) - self.offset(row, kind)

    def offset(self, row: dict, kind: str) -> datetime.timedelta:
        probe = self.plan_steps(row, self.today)
        return next(step.day for step in probe if step.kind == kind) - self.today

    def plan(self):
        for order, row in enumerate(self.rows()):
            course = Course(ref=row["ref"], row=row, order=order, start=self.start_of(row))
            course.steps = self.plan_steps(row, course.start)
            if "session" in row and row["session"] in self.seed_sessions:
                course.session, course.number = self.seed_sessions[row["session"]], row["number"]
            elif "merge_into" in row:
                course.session = self.courses[row["merge_into"]].session
            else:
                course.session = self.current if course.start >= self.current.opening_date else self.previous
            self.courses[course.ref] = course
            late = [step for step in course.steps if step.day > self.yesterday]
            if late or course.start < course.session.opening_date:
                raise ValueError(f"Demo proposal {course.ref}: its dates do not fit before {self.today}.")
        # Numbers within a session follow the submission order, spaced as if other proposals came in between.
        for session in (self.previous, self.current):
            generated = [c for c in self.courses.values() if c.session == session and not c.number]
            for index, course in enumerate(sorted(generated, key=lambda c: (c.start, c.order))):
                course.number = f"{index * 6 + index * 5 % 4 + 1:03d}"
        existing = Proposal.all_objects.filter(
            Q(session__in=[c.session for c in self.courses.values()]) | Q(title__in=[c.row["title"] for c in self])
        ).select_related("session")
        by_number = {(p.session_id, p.number): p for p in existing}
        by_title = {p.title: p for p in existing}
        for course in self:
            course.proposal = by_number.get((course.session.pk, course.number)) or by_title.get(course.row["title"])
            course.exists = course.proposal is not None
            if course.exists and course.proposal.session.region_id != course.session.region_id:
                raise ValueError(
                    f"Demo proposal {course.ref} was loaded before each CPPCC kept its own sessions (its session has "
                    "no region): empty the database (flush, or delete the SQLite file) and load the demo again."
                )
            # A proposal merged into one loaded before cannot be merged any more: leave it out.
            if "merge_into" in course.row and self.courses[course.row["merge_into"]].exists and not course.exists:
                course.exists = True

    def __iter__(self):
        return iter(self.courses.values())

    # Running the steps ----------------------------------------------------------------------------------------

    def run(self):
        pending = sorted(
            (
                (step.day, course.order, index, course, step)
                for course in self
                if not course.exists
                for index, step in enumerate(course.steps)
            ),
            key=lambda item: item[:3],
        )
        self.markers = {model: self.last_pk(model) for model in self.stamped_models()}
        for day, _, _, course, step in pending:
            getattr(self, f"step_{step.kind}")(course, step)
            self.stamp(day)

    @staticmethod
    def stamped_models():
        return {Event: "at", Proposal.history.model: "history_date", Reply.history.model: "history_date"}

    @staticmethod
    def last_pk(model) -> int:
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def stamp(self, day: datetime.date):
        """Move what the last step recorded "now" to its day, a few minutes after the day's previous step."""
        moment = datetime.datetime.combine(day, datetime.time(9, 0)) + datetime.timedelta(
            minutes=17 * self.steps_on_day[day]
        )
        self.steps_on_day[day] += 1
        at = timezone.make_aware(moment)
        for model, field_name in self.stamped_models().items():
            new = list(model.objects.filter(pk__gt=self.markers[model]).values_list("pk", flat=True))
            if new:
                model.objects.filter(pk__in=new).update(**{field_name: at})
                self.markers[model] = max(new)

    def step_submit(self, course: Course, step: Step):
        row = course.row
        leader = row.get("key", "")
        data = {
            "session": course.session,
            "number": course.number,
            "title": row["title"],
            "category": self.categories[course.session.region_id, row["category"]],
            "content": row.get("content", "").strip(),
            "suggestions": row.get("suggestions", "").strip(),
            "submitted_on": step.day,
            "is_key": bool(leader),
            "supervising_leader": leader,
        }
        course.proposal = services.proposal_submit(
            actor=self.committee(course),
            data=data,
            proposers=[self.proposers[name] for name in row["proposers"]],
            related_projects=[self.projects[code] for code in row.get("projects", [])],
        )

    def step_file(self, course: Course, step: Step):
        services.proposal_file(actor=self.committee(course), proposal=course.proposal)

    def step_not_file(self, course: Course, step: Step):
        services.proposal_not_file(actor=self.committee(course), proposal=course.proposal, reason=step.args["reason"])

    def step_merge(self, course: Course, step: Step):
        into = self.courses[step.args["into"]].proposal
        services.proposal_merge(
            actor=self.committee(course), proposal=course.proposal, into=into, note="内容相近，并案办理。"
        )

    def step_assign(self, course: Course, step: Step):
        args = step.args
        leader = course.row.get("key")
        services.proposal_assign(
            actor=self.committee(course),
            proposal=course.proposal,
            lead_unit=self.org(args["lead"]) if args["lead"] else None,
            co_units=[self.org(name) for name in args["co"]],
            separate_units=[self.org(name) for name in args["separate"]],
            due_date=args["due"],
            assigned_on=step.day,
            note=f"重点提案，由{leader}督办。" if leader else "",
        )

    def step_request(self, course: Course, step: Step):
        unit = self.org(step.args["unit"])
        services.proposal_request_reassign(
            actor=self.unit_actor(unit), proposal=course.proposal, reason=step.args["reason"], unit=unit
        )

    def step_extend(self, course: Course, step: Step):
        for name in step.args["units"]:
            services.assignment_extend(
                actor=self.committee(course),
                assignment=course.proposal.assignments.get(unit=self.org(name)),
                due_date=step.args["due"],
                reason=step.args["reason"],
            )

    def step_opinion(self, course: Course, step: Step):
        unit = self.org(step.args["unit"])
        phrases = self.data["phrases"]["opinions"]
        text = course.row.get("opinion_text") or phrases[(course.order + step.args["position"]) % len(phrases)]
        services.proposal_opinion(actor=self.unit_actor(unit), proposal=course.proposal, opinion=text, unit=unit)
        Assignment.objects.filter(proposal=course.proposal, unit=unit).update(opinion_on=step.day)

    def letter_text(self, course: Course, unit_name: str, round_number: int) -> str:
        row = course.row
        if "reply_text" in row:
            return row["reply_text"].strip()
        answer = row["answer2"] if round_number > 1 else row["answer"]
        if isinstance(answer, dict):
            answer = answer[unit_name]
        # The letter page prints the addressee (储建华委员：) above the text and the unit and date below it.
        you = "您" if self.proposers[row["proposers"][0]].kind == ProposerKind.MEMBER else "你们"
        if round_number == 1:
            opening = f"{you}提出的《{row['title']}》收悉。经研究，现答复如下："
        else:
            opening = f"根据{you}对第一次答复的意见，我们对《{row['title']}》再次进行了研究，现补充答复如下："
        closing = f"感谢{you}对我区智慧城市建设工作的关心和支持。"
        return "\n".join([opening, answer.strip(), closing])

    def letter_fields(self, course: Course, unit: Organization, step: Step) -> dict:
        if "letter" in course.row:
            letter = course.row["letter"]
            return {
                key: letter.get(key, "") for key in ("doc_number", "signer", "contact_person", "contact_phone", "cc")
            }
        defaults = self.data["units"][unit.short_name]
        year = step.day.year
        self.doc_numbers[(defaults["doc"], year)] += 1
        number = 5 + 3 * self.doc_numbers[(defaults["doc"], year)]
        others = [name for name in step.args.get("cc_units", []) if self.org(name) != unit]
        return {
            "doc_number": f"{defaults['doc']}〔{year}〕{number}号",
            "signer": defaults["signer"],
            "contact_person": defaults["contact_person"],
            "contact_phone": defaults["contact_phone"],
            "cc": "、".join(["区政协提案委", *others]),
        }

    def letter(self, course: Course, step: Step, unit: Organization) -> dict:
        round_number = step.args["round"]
        result = course.row["result"]
        code = result[round_number - 1] if isinstance(result, list) else result
        return {
            "text": self.letter_text(course, step.args["unit"], round_number),
            "result_class": self.classes[course.session.region_id, code],
            "issued_on": min(step.day, timezone.localdate()),
            **self.letter_fields(course, unit, step),
        }

    def step_draft(self, course: Course, step: Step):
        """The liaison's draft, waiting for the signer (only for the unit that answers in the system)."""
        unit = self.org(step.args["unit"])
        if not self.answers_in_system(unit):
            return
        letter = self.letter(course, step, unit)
        letter.update(signer="", issued_on=None)  # the signer's name and the day are the sign-off's
        services.reply_save_draft(actor=self.liaison, proposal=course.proposal, **letter)

    def step_reply(self, course: Course, step: Step):
        """The liaison's unit drafts and its signer signs off; the others answered on paper and the committee
        recorded their replies (代录). Either way the reply counts on the step's day."""
        unit = self.org(step.args["unit"])
        letter = self.letter(course, step, unit)
        if self.answers_in_system(unit):
            services.reply_save_draft(actor=self.liaison, proposal=course.proposal, **letter)
            reply = services.reply_sign_off(actor=self.signer, proposal=course.proposal)
        else:
            reply = services.reply_record(
                actor=self.committee(course),
                proposal=course.proposal,
                unit=unit,
                signed_off_on=letter["issued_on"],
                **letter,
            )
        moment = timezone.make_aware(datetime.datetime.combine(step.day, datetime.time(16, 30)))
        Reply.objects.filter(pk=reply.pk).update(issued_on=step.day, signed_off_on=step.day, signed_off_at=moment)
        Reply.history.filter(id=reply.pk, signed_off_on__isnull=False).update(
            issued_on=step.day, signed_off_on=step.day, signed_off_at=moment
        )
        if course.row.get("public", False):
            services.reply_publish(actor=self.committee(course), reply=reply)

    def step_feedback(self, course: Course, step: Step):
        args = step.args
        source = self.courses[args["from"]] if "from" in args else course
        unsatisfied = args["satisfaction"] == Satisfaction.UNSATISFIED
        real_today = timezone.localdate()
        wanted_due = add_months(step.day, settings.PROPOSALS["REHANDLING_MONTHS"]) if unsatisfied else None
        # The service checks a new due date against the real date; when the demo's day lies elsewhere, let it pick
        # one and put the demo's in afterwards.
        fits = unsatisfied and real_today <= wanted_due <= services.latest_due_date(real_today)
        feedback = services.proposal_feedback(
            actor=self.committee(course),
            proposal=course.proposal,
            proposer=source.proposal.lead_proposer,
            satisfaction=args["satisfaction"],
            comment=args.get("comment", ""),
            given_on=min(step.day, real_today),
            due_date=wanted_due if fits else None,
        )
        if feedback.given_on != step.day:
            Feedback.objects.filter(pk=feedback.pk).update(given_on=step.day)
        if unsatisfied and not fits:
            self.move_due_date(course.proposal, wanted_due)

    def move_due_date(self, proposal: Proposal, due: datetime.date):
        """Put the second round's due date where the demo's timeline has it (see ``step_feedback``)."""
        picked = Proposal.objects.get(pk=proposal.pk).due_date
        Proposal.objects.filter(pk=proposal.pk).update(due_date=due)
        # A new round, not an extension: its original due date is the same.
        Assignment.objects.filter(proposal=proposal).update(due_date=due, original_due_date=due)
        latest = Proposal.history.filter(id=proposal.pk).order_by("-history_id").first()
        Proposal.history.filter(history_id=latest.history_id).update(due_date=due)
        event = Event.objects.filter(proposal=proposal, move=ProposalMove.FEEDBACK).order_by("-pk").first()
        Event.objects.filter(pk=event.pk).update(note=event.note.replace(picked.isoformat(), due.isoformat()))

    def step_close(self, course: Course, step: Step):
        services.proposal_close(actor=self.committee(course), proposal=course.proposal, note=step.args["note"])

    # ----------------------------------------------------------------------------------------------------------

    def check_statuses(self):
        """Each new proposal must have reached the status its template names: a data error otherwise."""
        new = {course.proposal.pk: course for course in self if not course.exists}
        wrong = [
            f"{new[pk].ref}: {status} (expected {new[pk].row['status']})"
            for pk, status in Proposal.objects.filter(pk__in=new).values_list("pk", "status")
            if status != new[pk].row["status"]
        ]
        if wrong:
            raise ValueError(f"Demo proposals ended in the wrong status: {', '.join(wrong)}")

    def load(self) -> LoadResult:
        counted = [Proposal, Assignment, Reply, Feedback, Event]
        before = {model: model.objects.count() for model in counted}
        with transaction.atomic():
            self.load_organizations()
            self.place_cppccs()
            self.load_sessions()
            self.load_reference()
            self.plan()
            if any(not course.exists for course in self):
                self.load_actors()
                self.load_handling_units()
                self.run()
                self.check_statuses()
                for actor in self.temporary_actors:
                    actor.delete()
        labels = ["proposals", "proposal assignments", "replies", "feedback", "proposal events"]
        for model, label in zip(counted, labels, strict=True):
            if added := model.objects.count() - before[model]:
                self.result.created[label] = added
        return self.result


def load(*, today: datetime.date | None = None, create_accounts: bool = False) -> LoadResult:
    """Add the demo proposals. ``create_accounts`` is accepted for the loader's common signature: the accounts are
    the portfolio demo's, used when they exist."""
    regions.load()  # the units are placed in the demo's regions (loaded already by ``load_demo``)
    with DATA_FILE.open("rb") as data_file:
        data = tomllib.load(data_file)
    return ProposalLoader(today=today or timezone.localdate(), create_accounts=create_accounts, data=data).load()
