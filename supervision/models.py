"""Supervision (督办): a notice to a unit with a deadline, a leader's instruction, a promise made in a reply, and the
timeline of every step; plus the log of chased reports (催报) and the proposers' consent to text messages."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Region
from common.bounds import date_validators, text_field
from projects.models import PERIOD_REGEX, Project, period_validators
from proposals.models import Proposal, Proposer, Reply

from .choices import CommitmentStatus, InstructionStatus, NoticeLevel, NoticeStatus, Step
from .querysets import CommitmentQuerySet, InstructionQuerySet, NoticeQuerySet

TEXT_MAX = 2000


def one_subject(*fields: str, name: str) -> models.CheckConstraint:
    """Exactly one of ``fields`` is set: what the row is about."""
    condition = Q()
    for chosen in fields:
        part = Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                part &= Q(**{f"{other}__isnull": True})
        condition |= part
    return models.CheckConstraint(condition=condition, name=name)


class Notice(models.Model):
    """督办单: what a unit must do about a project or a proposal, by when; the unit acknowledges and answers, the
    issuing side (the office for a project, the committee for a proposal) accepts or sends it back."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    unit = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="notices")
    text = text_field(_("what must be done"), max_length=TEXT_MAX)
    deadline = models.DateField(_("deadline"), validators=date_validators)
    status = models.CharField(_("status"), max_length=20, choices=NoticeStatus, default=NoticeStatus.ISSUED)
    level = models.CharField(_("level"), max_length=10, choices=NoticeLevel, default=NoticeLevel.BLUE)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    answer = text_field(_("answer"), max_length=TEXT_MAX, blank=True)
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    attachments = GenericRelation("attachments.Attachment", related_query_name="notice")
    red_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("listed by leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    region_path = "region"
    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        permissions = [
            ("answer_notice", _("Can acknowledge and answer the own unit's supervision notices")),
            ("escalate_notice", _("Can list a notice for supervision (挂牌督办) as a leader")),
        ]
        constraints = [one_subject("project", "proposal", name="notice_one_subject")]
        indexes = [models.Index(fields=["status", "unit"], name="notice_status_unit")]

    def __str__(self):
        return _("Supervision notice %(number)s") % {"number": self.number}

    def get_absolute_url(self):
        return reverse("notice-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"DB-{self.issued_at:%Y}-{self.pk:04d}" if self.issued_at else "DB-—"

    @property
    def subject(self):
        return self.project or self.proposal

    @property
    def owner_organization_id(self):
        return self.unit_id

    @property
    def is_open(self) -> bool:
        return self.status in NoticeStatus.open()

    def get_level_badge(self) -> str:
        return NoticeLevel(self.level).badge


class Instruction(models.Model):
    """领导批示: a leader's written instruction on a project, a proposal or a notice, naming the units that carry it
    out and by when; tracked until the office (or the committee, on a proposal) marks it carried out."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.CASCADE, related_name="instructions"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), null=True, blank=True, on_delete=models.CASCADE, related_name="instructions"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="instructions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    text = text_field(_("instruction"), max_length=TEXT_MAX)
    given_on = models.DateField(_("given on"), validators=date_validators)
    due_date = models.DateField(_("to be carried out by"), validators=date_validators)
    units = models.ManyToManyField(Organization, verbose_name=_("units"), related_name="instructions")
    status = models.CharField(_("status"), max_length=10, choices=InstructionStatus, default=InstructionStatus.OPEN)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    attachments = GenericRelation("attachments.Attachment", related_query_name="instruction")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    region_path = "region"
    objects = InstructionQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        permissions = [("report_instruction", _("Can report the own unit's progress on a leader's instruction"))]
        constraints = [one_subject("project", "proposal", "notice", name="instruction_one_subject")]

    def __str__(self):
        return _("Instruction of %(leader)s on %(date)s") % {
            "leader": self.leader.display_name if self.leader_id else "—",
            "date": self.given_on,
        }

    def get_absolute_url(self):
        return reverse("instruction-detail", args=[self.pk])

    @property
    def subject(self):
        return self.project or self.proposal or self.notice

    @property
    def on_behalf(self) -> bool:
        """代录: staff recorded it for the leader."""
        return self.recorded_by_id != self.leader_id


class Commitment(models.Model):
    """办理承诺: what a reply (class B, or A where it promises work) promised and by when, optionally carried by
    portfolio projects; open until the committee confirms it fulfilled, whatever became of the proposal."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.ForeignKey(Reply, verbose_name=_("reply"), on_delete=models.CASCADE, related_name="commitments")
    unit = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    text = text_field(_("what was promised"), max_length=TEXT_MAX)
    due_date = models.DateField(_("promised by"), validators=date_validators)
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects that carry it out"), blank=True, related_name="commitments"
    )
    status = models.CharField(_("status"), max_length=10, choices=CommitmentStatus, default=CommitmentStatus.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    attachments = GenericRelation("attachments.Attachment", related_query_name="commitment")

    region_path = "region"
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("promise in a reply")
        verbose_name_plural = _("promises in replies")
        permissions = [("confirm_commitment", _("Can confirm that a promise in a reply was fulfilled"))]

    def __str__(self):
        return self.text[:60]

    def get_absolute_url(self):
        return reverse("commitment-detail", args=[self.pk])

    @property
    def proposal(self) -> Proposal:
        return self.reply.proposal

    @property
    def owner_organization_id(self):
        return self.unit_id


class Event(models.Model):
    """One step of a notice, an instruction or a promise: who, when, what, with the note they gave."""

    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    instruction = models.ForeignKey(Instruction, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    commitment = models.ForeignKey(Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    step = models.CharField(_("step"), max_length=20, choices=Step)
    note = text_field(_("note"), max_length=TEXT_MAX, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("supervision event")
        verbose_name_plural = _("supervision events")
        constraints = [one_subject("notice", "instruction", "commitment", name="supervision_event_one_subject")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_step_display()}"


class Chase(models.Model):
    """催报: the office reminded a unit of its missing reports for a month (once a day per unit and month)."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("month"), max_length=7, validators=period_validators)
    missing = models.PositiveIntegerField(_("reports missing"))
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chased by"), on_delete=models.PROTECT, related_name="+"
    )
    chased_on = models.DateField(_("chased on"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    region_path = "region"

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("report chase")
        verbose_name_plural = _("report chases")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "chased_on"], name="chase_once_a_day"),
            models.CheckConstraint(condition=Q(period__regex=PERIOD_REGEX), name="chase_period_format"),
        ]

    def __str__(self):
        return f"{self.unit} {self.period} {self.chased_on}"


class ProposerContact(models.Model):
    """A proposer's mobile number and consent to text messages about the promises made on their proposals
    (proposers have no accounts); recorded by the committee, withdrawn by clearing the consent."""

    proposer = models.OneToOneField(
        Proposer, verbose_name=_("proposer"), on_delete=models.CASCADE, related_name="contact"
    )
    mobile = models.CharField(_("mobile number"), max_length=11)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True, validators=date_validators)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    region_path = "proposer__region"

    class Meta:
        verbose_name = _("proposer's contact")
        verbose_name_plural = _("proposers' contacts")
        constraints = [models.CheckConstraint(condition=Q(mobile__regex=r"^1[3-9][0-9]{9}$"), name="mobile_format")]

    def __str__(self):
        return f"{self.proposer} {self.mobile[:3]}****{self.mobile[-4:]}"
