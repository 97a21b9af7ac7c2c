"""CPPCC proposals (政协提案) and the government's replies: sessions, proposers, proposals, who must answer them and by
when, the replies, the proposers' feedback and the timeline of every step.

The status of a proposal only changes through ``proposals.services``; the models hold data and derived rules.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organization, PerRegionUniqueMixin, Region, per_region_unique
from common import bounds
from common.bounds import DOCUMENT_MAX, TEXT_MAX, date_validators, text_field
from common.models import ActiveManager, ArchivableModel, TimestampedModel
from projects.models import Project

from .choices import AssignmentRole, ProposalMove, ProposalStatus, ProposerKind, ReplyStatus, Satisfaction
from .querysets import AssignmentQuerySet, ProposalQuerySet, ReplyQuerySet


class Session(PerRegionUniqueMixin, TimestampedModel):
    """A plenary session of the CPPCC (届次会次, e.g. 十五届四次); proposals are numbered within it."""

    name = models.CharField(_("name"), max_length=50, help_text=_("For example 十五届四次."))
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cppcc_sessions",
        help_text=_("The region whose CPPCC this belongs to."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=bounds.year_validators(1980))
    opening_date = models.DateField(_("opening date"), null=True, blank=True, validators=date_validators)

    region_path = "region"

    class Meta:
        ordering = ["-year", "-opening_date", "name"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            *per_region_unique("name", name="session_name_unique", message=_("A session of this name exists already.")),
            bounds.year_range("year", name="session_year_in_range", first=1980),
            bounds.dates_in_range("opening_date", name="session_dates_in_range"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('proposal-list')}?session={self.pk}"


class Category(PerRegionUniqueMixin, TimestampedModel):
    """A subject heading of the proposals (经济建设, 城市建设与管理…): reference data the committee keeps."""

    name = models.CharField(_("name"), max_length=50)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The region whose CPPCC this belongs to."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    region_path = "region"

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = per_region_unique(
            "name", name="category_name_unique", message=_("A category of this name exists already.")
        )

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("proposal-reference")


class ResultClass(PerRegionUniqueMixin, TimestampedModel):
    """The class printed on a reply letter (A 解决或采纳, B 列入计划拟解决, C 留作参考…); places differ: data."""

    code = models.CharField(_("code"), max_length=5)
    name = models.CharField(_("name"), max_length=50)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The region whose CPPCC this belongs to."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    region_path = "region"

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("result class")
        verbose_name_plural = _("result classes")
        constraints = per_region_unique(
            "code", name="result_class_code_unique", message=_("A result class with this code exists already.")
        )

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("proposal-reference")


class Proposer(PerRegionUniqueMixin, TimestampedModel):
    """A CPPCC member (委员, with a sector 界别 and party) or a member organisation such as 民革市委会."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The region whose CPPCC this belongs to."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProposerKind, default=ProposerKind.MEMBER)
    sector = models.CharField(_("sector"), max_length=50, blank=True, help_text=_("界别, for example 经济界."))
    party = models.CharField(_("party"), max_length=50, blank=True)
    organization = models.CharField(_("work unit"), max_length=100, blank=True)

    region_path = "region"

    class Meta:
        ordering = ["name"]
        verbose_name = _("proposer")
        verbose_name_plural = _("proposers")
        constraints = per_region_unique(
            "name", name="proposer_name_unique", message=_("A proposer of this name exists already.")
        )

    def __str__(self):
        return self.name

    @property
    def salutation(self) -> str:
        """How a reply letter addresses the proposer: 储建华委员 for a member, the organisation's name otherwise."""
        return _("%(name)s, CPPCC member") % {"name": self.name} if self.kind == ProposerKind.MEMBER else self.name


class Proposal(ArchivableModel, TimestampedModel):
    """One proposal (一事一案) with its number in its session; ``status`` moves only through the services."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="proposals")
    number = models.CharField(_("number"), max_length=20, help_text=_("案号, unique within the session."))
    title = models.CharField(_("title"), max_length=300, help_text=_("案由"))
    proposers = models.ManyToManyField(
        Proposer, verbose_name=_("proposers"), through="Signature", related_name="proposals"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    content = text_field(_("problem statement"), DOCUMENT_MAX, blank=True)
    suggestions = text_field(_("suggested measures"), DOCUMENT_MAX, blank=True)
    submitted_on = models.DateField(_("submitted on"), validators=date_validators)
    is_key = models.BooleanField(_("key proposal"), default=False)
    supervising_leader = models.CharField(
        _("supervising leader"), max_length=100, blank=True, help_text=_("The leader who supervises a key proposal.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus, default=ProposalStatus.SUBMITTED, editable=False
    )
    round = models.PositiveSmallIntegerField(
        _("handling round"), default=1, editable=False, help_text=_("2 and more after an unsatisfied feedback.")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, editable=False, validators=date_validators)
    not_filed_reason = text_field(_("reason for not filing"), blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_proposals",
        editable=False,
    )
    related_projects = models.ManyToManyField(
        Project, verbose_name=_("related projects"), blank=True, related_name="proposals"
    )
    # The original as a scan (``proposals.attachments``); purged with the proposal.
    attachments = GenericRelation(
        "attachments.Attachment", verbose_name=_("attachments"), related_query_name="proposal"
    )

    objects = ActiveManager.from_queryset(ProposalQuerySet)()
    all_objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created", "last_updated"])

    region_path = "session__region"

    class Meta:
        default_manager_name = "all_objects"
        ordering = ["session", "number"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        permissions = [
            ("handle_proposal", _("Can file, assign, extend, record feedback on and close proposals")),
            ("reply_proposal", _("Can draft replies for the assigned unit, send opinions and ask for re-assignment")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                name="proposal_number_unique_in_session",
                violation_error_message=_("This session already has a proposal with this number."),
            ),
            bounds.dates_in_range("submitted_on", "due_date", name="proposal_dates_in_range"),
            bounds.texts_in_range(
                {"content": DOCUMENT_MAX, "suggestions": DOCUMENT_MAX, "not_filed_reason": TEXT_MAX},
                name="proposal_texts_in_range",
            ),
        ]
        # The navigation's count of key proposals still being handled, on every page a leader opens.
        indexes = [
            models.Index(
                fields=["status", "session"],
                condition=Q(is_key=True, archived_at__isnull=True),
                name="proposal_key_idx",
            )
        ]

    def __str__(self):
        return f"{self.session} {self.number} {self.title}"

    def clean(self):
        super().clean()
        # A proposal is its session's CPPCC's: the category must be that CPPCC's too, never another's of that name.
        if self.category_id and self.session_id and self.category.region_id != self.session.region_id:
            raise ValidationError({"category": _("This category is another CPPCC's: choose one of the session's.")})

    def get_absolute_url(self):
        return reverse("proposal-detail", args=[self.pk])

    def get_status_badge(self) -> str:
        return ProposalStatus.badge(self.status)

    @property
    def lead_proposer(self) -> Proposer | None:
        signatures = self.ordered_signatures
        return signatures[0].proposer if signatures else None

    @property
    def ordered_signatures(self) -> list["Signature"]:
        return sorted(self.signatures.all(), key=lambda signature: signature.position)

    @property
    def proposer_names(self) -> str:
        return "、".join(signature.proposer.name for signature in self.ordered_signatures)

    @property
    def handling_proposal(self) -> "Proposal":
        """The proposal whose units answer this one: itself, or the one it was merged into (并案)."""
        return self.merged_into if self.merged_into_id else self


class Signature(models.Model):
    """A proposer's place on a proposal: position 1 is the lead proposer (第一提案人), the rest co-signed (联名)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="signatures"
    )
    proposer = models.ForeignKey(Proposer, verbose_name=_("proposer"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    region_path = "proposal__session__region"

    class Meta:
        ordering = ["proposal", "position"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "proposer"], name="signature_unique_proposer"),
            models.UniqueConstraint(fields=["proposal", "position"], name="signature_unique_position"),
        ]

    def __str__(self):
        return f"{self.proposal.number} {self.position}. {self.proposer}"


class Assignment(TimestampedModel):
    """A unit that must handle a proposal: the lead unit (主办) with co-handling units (协办), or units that each
    answer separately (分办). The due date may be extended; the reason is kept."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="proposal_assignments"
    )
    role = models.CharField(_("role"), max_length=10, choices=AssignmentRole)
    assigned_on = models.DateField(_("assigned on"), validators=date_validators)
    due_date = models.DateField(_("due date"), validators=date_validators)
    original_due_date = models.DateField(_("original due date"), editable=False, validators=date_validators)
    extension_reason = models.CharField(_("reason for extension"), max_length=300, blank=True)
    # A co-handling unit's opinion is due before the lead unit's reply (``PROPOSALS["OPINION_MONTHS"]`` after
    # assignment); lead and separate units have none.
    opinion_due_date = models.DateField(
        _("opinion due"), null=True, blank=True, editable=False, validators=date_validators
    )
    opinion = text_field(_("co-handling opinion"), DOCUMENT_MAX, blank=True, help_text=_("Sent to the lead unit."))
    opinion_on = models.DateField(_("opinion sent on"), null=True, blank=True, validators=date_validators)
    # The opinion's letter (``proposals.attachments``).
    attachments = GenericRelation(
        "attachments.Attachment", verbose_name=_("attachments"), related_query_name="assignment"
    )

    objects = AssignmentQuerySet.as_manager()

    region_path = "proposal__session__region"

    class Meta:
        ordering = ["proposal", "role", "unit__name"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "unit"],
                name="assignment_unique_unit",
                violation_error_message=_("This unit is already assigned this proposal."),
            ),
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(role=AssignmentRole.LEAD),
                name="assignment_one_lead_unit",
                violation_error_message=_("A proposal has only one lead unit."),
            ),
            models.CheckConstraint(
                condition=Q(role=AssignmentRole.CO, opinion_due_date__isnull=False)
                | (~Q(role=AssignmentRole.CO) & Q(opinion_due_date__isnull=True)),
                name="assignment_opinion_due_for_co_handling",
                violation_error_message=_("A co-handling unit, and only it, has an opinion due date."),
            ),
            bounds.dates_in_range(
                "assigned_on",
                "due_date",
                "original_due_date",
                "opinion_due_date",
                "opinion_on",
                name="assignment_dates_in_range",
            ),
            bounds.texts_in_range({"opinion": DOCUMENT_MAX}, name="assignment_texts_in_range"),
        ]

    def __str__(self):
        return f"{self.proposal.number} {self.unit} ({self.get_role_display()})"

    def get_absolute_url(self):
        return f"{self.proposal.get_absolute_url()}#assignment-{self.pk}"

    @property
    def is_extended(self) -> bool:
        return self.due_date != self.original_due_date

    @property
    def deadline(self) -> datetime.date:
        """What this unit must meet: a co-handling unit its opinion's due date, the others the reply's (the same
        rule as ``AssignmentQuerySet.with_state``, whose annotation this takes when present)."""
        if "_deadline" in self.__dict__:
            return self.__dict__["_deadline"]
        return self.opinion_due_date if self.role == AssignmentRole.CO and self.opinion_due_date else self.due_date

    @deadline.setter
    def deadline(self, value):
        self.__dict__["_deadline"] = value

    @property
    def owner_organization_id(self):
        return self.unit_id


class Reply(TimestampedModel):
    """A unit's reply letter (答复函) to a proposal, for one handling round.

    The unit's liaison drafts it; it is issued when the unit's signer (单位签发人) signs it off in the system, or when
    the committee records a reply the unit answered on paper (代录, ``on_behalf``). Only issued replies count: on time
    when signed off (``signed_off_on``) by the unit's due date, whatever the letter's own date (``issued_on``).
    Public ones are published, by the committee, without the contact person and phone.
    """

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=ReplyStatus, default=ReplyStatus.DRAFT, editable=False, db_index=True
    )
    text = text_field(_("text"), DOCUMENT_MAX)
    result_class = models.ForeignKey(
        ResultClass, verbose_name=_("result class"), on_delete=models.PROTECT, related_name="replies"
    )
    doc_number = models.CharField(_("document number"), max_length=50, blank=True, help_text=_("文号"))
    issued_on = models.DateField(
        _("letter date"),
        null=True,
        blank=True,
        validators=date_validators,
        help_text=_("The date printed on the letter; by default the sign-off."),
    )
    # The unit's due date as it stood when the reply was issued (a later round resets the assignment's): the reply
    # is on time when signed off on or before it.
    due_date = models.DateField(_("due date"), null=True, blank=True, editable=False, validators=date_validators)
    signed_off_on = models.DateField(
        _("signed off on"), null=True, blank=True, editable=False, validators=date_validators
    )
    signed_off_at = models.DateTimeField(_("signed off in the system at"), null=True, blank=True, editable=False)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    on_behalf = models.BooleanField(
        _("recorded on the unit's behalf"),
        default=False,
        editable=False,
        help_text=_("代录: the unit answered on paper and the committee's staff recorded the reply."),
    )
    # The server's PDF of the issued letter is made after the issuing step, not inside it (``letter_files``).
    letter_pdf_pending = models.BooleanField(_("letter PDF still to be made"), default=False, editable=False)
    return_note = text_field(_("returned with the note"), blank=True, editable=False)
    signer = models.CharField(_("signed by"), max_length=50, blank=True, help_text=_("签发人, as printed."))
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    cc = models.CharField(_("copy to"), max_length=300, blank=True, help_text=_("抄送, as printed on the letter."))
    is_public = models.BooleanField(_("published"), default=False, editable=False)
    support_count = models.PositiveIntegerField(_("support"), default=0, editable=False)
    oppose_count = models.PositiveIntegerField(_("oppose"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The letter as signed and stamped, and the server's PDF of it (``proposals.attachments``).
    attachments = GenericRelation("attachments.Attachment", verbose_name=_("attachments"), related_query_name="reply")

    objects = ReplyQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["created", "last_updated", "support_count", "oppose_count", "letter_pdf_pending"]
    )

    region_path = "proposal__session__region"

    class Meta:
        ordering = ["proposal", "round", "issued_on", "pk"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        permissions = [("sign_reply", _("Can sign off (issue) or return the own unit's reply drafts"))]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "unit", "round"],
                name="reply_once_per_unit_and_round",
                violation_error_message=_("This unit has already replied in this round."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReplyStatus.ISSUED)
                | Q(issued_on__isnull=False, signed_off_on__isnull=False, signed_off_at__isnull=False),
                name="reply_issued_is_dated",
                violation_error_message=_("An issued reply has its letter date and its sign-off date."),
            ),
            models.CheckConstraint(
                condition=Q(status=ReplyStatus.ISSUED) | Q(is_public=False),
                name="reply_published_only_once_issued",
                violation_error_message=_("Only an issued reply can be published."),
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True)
                | Q(signed_off_on__isnull=True)
                | Q(issued_on__lte=models.F("signed_off_on")),
                name="reply_letter_not_after_sign_off",
                violation_error_message=_("The letter cannot be dated after its sign-off."),
            ),
            bounds.dates_in_range("issued_on", "due_date", "signed_off_on", name="reply_dates_in_range"),
            bounds.texts_in_range({"text": DOCUMENT_MAX, "return_note": bounds.TEXT_MAX}, name="reply_texts_in_range"),
        ]

    def __str__(self):
        return _("Reply of %(unit)s to %(number)s") % {"unit": self.unit, "number": self.proposal.number}

    def clean(self):
        super().clean()
        # The class printed on the letter is the proposal's CPPCC's, never another's of the same code.
        if self.result_class_id and self.proposal_id and self.result_class.region_id != self.proposal.session.region_id:
            raise ValidationError(
                {"result_class": _("This result class is another CPPCC's: choose one of the proposal's.")}
            )

    def get_absolute_url(self):
        return reverse("reply-letter", args=[self.pk])

    def get_status_badge(self) -> str:
        return ReplyStatus.badge(self.status)

    @property
    def is_issued(self) -> bool:
        return self.status == ReplyStatus.ISSUED

    @property
    def is_superseded(self) -> bool:
        """Rejected by an unsatisfied proposer: the proposal went back for rehandling after this round (the reply
        stays in the record, but leaves the public pages)."""
        return self.round < self.proposal.round

    @property
    def is_late(self) -> bool | None:
        """Signed off after the unit's due date (``ReplyQuerySet.late`` is the same rule in the database)."""
        if not self.is_issued or self.due_date is None:
            return None
        return self.signed_off_on > self.due_date


class Feedback(TimestampedModel):
    """A proposer's verdict on the replies of a round (满意 / 基本满意 / 不满意)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="feedbacks"
    )
    proposer = models.ForeignKey(Proposer, verbose_name=_("proposer"), on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction)
    comment = text_field(_("comment"), blank=True)
    given_on = models.DateField(_("date"), validators=date_validators)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    region_path = "proposal__session__region"

    class Meta:
        ordering = ["proposal", "round", "given_on", "pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "proposer", "round"],
                name="feedback_once_per_proposer_and_round",
                violation_error_message=_("This proposer has already given feedback in this round."),
            ),
            bounds.dates_in_range("given_on", name="feedback_dates_in_range"),
            bounds.texts_in_range({"comment": TEXT_MAX}, name="feedback_texts_in_range"),
        ]

    def __str__(self):
        return f"{self.proposal.number} {self.proposer}: {self.get_satisfaction_display()}"


class Event(models.Model):
    """One step on a proposal's timeline: who did what, when, the status before and after, and a note."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    move = models.CharField(_("step"), max_length=20, choices=ProposalMove)
    from_status = models.CharField(_("from status"), max_length=20, choices=ProposalStatus, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=ProposalStatus)
    note = text_field(_("note"), DOCUMENT_MAX, blank=True)

    region_path = "proposal__session__region"

    class Meta:
        ordering = ["proposal", "at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [bounds.texts_in_range({"note": DOCUMENT_MAX}, name="event_texts_in_range")]

    def __str__(self):
        return f"{self.proposal.number} {self.get_move_display()}"


class HandlingUnit(TimestampedModel):
    """The committee's decision about one organisation on its list of handling units (承办单位名录).

    Government departments and district governments are on the list unless the committee takes one off; courts,
    procuratorates, people's organisations and state-owned companies are on it once the committee adds them. CPPCC
    bodies, democratic parties and proposers never are (``proposals.querysets.handling_units`` is the rule).
    """

    organization = models.OneToOneField(
        Organization, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="handling_unit"
    )
    listed = models.BooleanField(_("on the list"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    region_path = "organization__region"

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("handling unit list entry")
        verbose_name_plural = _("list of handling units")

    def __str__(self):
        return str(self.organization)

    def get_absolute_url(self):
        return reverse("handling-units")


class PublicVoteTally(models.Model):
    """The support and oppose votes one address gave on the public pages in one hour: the hourly limit is read here,
    in the database, so that every worker of the server counts the same votes (``proposals.votes``)."""

    address = models.CharField(_("address"), max_length=45)
    hour = models.DateTimeField(_("hour"))
    votes = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        ordering = ["-hour", "address"]
        verbose_name = _("public vote tally")
        verbose_name_plural = _("public vote tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["address", "hour"],
                name="public_vote_tally_once_per_hour",
                violation_error_message=_("This address already has a tally for this hour."),
            ),
        ]
        indexes = [models.Index(fields=["hour"], name="public_vote_tally_hour_idx")]

    def __str__(self):
        return f"{self.address} {self.hour:%Y-%m-%d %H}:00 {self.votes}"
