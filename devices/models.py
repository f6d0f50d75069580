"""Devices: the hardware and software inventory, loans, confiscations and searches,
disposals, and lost or stolen devices with the personal-data breach register.

A device's security status is computed from its fields (never typed in): see
`compliance.py`. Every model keeps an attributed simple-history record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School

User = settings.AUTH_USER_MODEL


class DeviceSettings(models.Model):
    """A school's device settings, and the agreements its loans are signed under."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="device_settings")
    os_check_days = models.PositiveSmallIntegerField(
        "days allowed between operating-system update checks",
        default=30,
        help_text="A device whose last update check is older than this is flagged.",
    )
    staff_loan_document = models.ForeignKey(
        "agreements.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pupil_loan_document = models.ForeignKey(
        "agreements.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self):
        return f"Device settings for {self.school}"


class Kind(models.TextChoices):
    DESKTOP = "desktop", "Desktop"
    LAPTOP = "laptop", "Laptop"
    TABLET = "tablet", "Tablet"
    PHONE = "phone", "Phone"
    SERVER = "server", "Server"
    REMOVABLE = "removable", "Removable storage"
    CAMERA = "camera", "Camera"
    OTHER = "other", "Other"


# Devices that run anti-virus (the seed: "on every capable device") and get OS updates.
ANTIVIRUS_KINDS = frozenset({Kind.DESKTOP, Kind.LAPTOP, Kind.SERVER})
OS_KINDS = frozenset({Kind.DESKTOP, Kind.LAPTOP, Kind.TABLET, Kind.PHONE, Kind.SERVER})
MOBILE_KINDS = frozenset({Kind.PHONE, Kind.TABLET})


class Ownership(models.TextChoices):
    SCHOOL = "school", "School-owned"
    PERSONAL = "personal", "Personal (registered staff device)"


class Encryption(models.TextChoices):
    NONE = "none", "None"
    # "Encryption does not mean password protected" (the seed).
    PASSWORD = "password", "Password only – NOT encrypted"
    FULL_DISK = "full_disk", "Full-disk encryption"


class Status(models.TextChoices):
    IN_USE = "in_use", "In use"
    IN_STORE = "in_store", "In store"
    ON_LOAN = "on_loan", "On loan"
    LOST = "lost", "Lost"
    STOLEN = "stolen", "Stolen"
    DISPOSED = "disposed", "Disposed"


IN_SERVICE = (Status.IN_USE, Status.IN_STORE, Status.ON_LOAN)


class DeviceQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import device_visibility_q

        return self.filter(device_visibility_q(user))

    def in_service(self):
        return self.filter(status__in=IN_SERVICE)


class Device(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="devices")
    asset_tag = models.CharField(max_length=40)
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    make_model = models.CharField("make and model", max_length=120, blank=True)
    serial = models.CharField("serial number", max_length=80, blank=True)
    location = models.CharField(max_length=120, blank=True)
    ownership = models.CharField(max_length=10, choices=Ownership.choices, default=Ownership.SCHOOL)
    assigned_to = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="devices_assigned"
    )
    assigned_room = models.CharField("assigned to room", max_length=80, blank=True)
    holds_personal_data = models.BooleanField(default=False)
    encryption = models.CharField(
        max_length=10, choices=Encryption.choices, default=Encryption.NONE
    )
    encryption_method = models.CharField(
        max_length=80, blank=True, help_text="e.g. BitLocker, FileVault, built-in (iOS)."
    )
    antivirus_product = models.CharField("anti-virus product", max_length=80, blank=True)
    antivirus_updated_on = models.DateField("anti-virus definitions updated", null=True, blank=True)
    os_name = models.CharField("operating system", max_length=60, blank=True)
    os_version = models.CharField("OS version", max_length=40, blank=True)
    os_checked_on = models.DateField("last OS update check", null=True, blank=True)
    scanned_on = models.DateField(
        "last virus scan",
        null=True,
        blank=True,
        help_text="Removable storage: the last time it was scanned for viruses.",
    )
    managed = models.BooleanField("managed (MDM)", default=False)
    pin_known = models.BooleanField("PIN known to the network manager", default=False)
    filtered_off_site = models.BooleanField(default=False)
    purchased_on = models.DateField("purchase date", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_USE)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()
    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["asset_tag"]
        constraints = [
            models.UniqueConstraint(fields=["school", "asset_tag"], name="unique_asset_tag")
        ]
        indexes = [models.Index(fields=["school", "status", "asset_tag"])]

    def __str__(self):
        label = self.make_model or self.get_kind_display()
        return f"{self.asset_tag} ({label})"

    def get_absolute_url(self):
        return reverse("device-detail", args=[self.pk])

    @property
    def is_mobile(self) -> bool:
        return self.kind in MOBILE_KINDS


class CheckRound(models.Model):
    """A weekly check of many devices at once: the log of checks (who, when, how many)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="device_checks")
    checked_on = models.DateField()
    checked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    devices = models.ManyToManyField(Device, related_name="check_rounds")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Check on {self.checked_on}"


class ComplianceReminder(models.Model):
    """Which devices a weekly reminder named: a week later, those still non-compliant go to
    the headteacher (the seed: IT support reports concerns to the headteacher)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)  # ISO week, e.g. 2026-W07
    sent_at = models.DateTimeField()
    device_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "week"], name="one_reminder_per_week")
        ]

    def __str__(self):
        return f"{self.school} {self.week}"


class Audience(models.TextChoices):
    STAFF = "staff", "Staff"
    PUPILS = "pupils", "Pupils"
    BOTH = "both", "Staff and pupils"


class SoftwareQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import managed_by_q

        return self.filter(managed_by_q(user))


class Software(models.Model):
    """Software or an online service used with pupils or personal data: the register data
    protection auditors ask for."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="software")
    name = models.CharField(max_length=120)
    supplier = models.CharField(max_length=120, blank=True)
    purpose = models.TextField()
    used_by = models.CharField(max_length=8, choices=Audience.choices)
    age_range = models.CharField(max_length=40, blank=True, help_text="e.g. Years 3 to 6.")
    data_held = models.TextField("personal data it holds", blank=True)
    privacy_notice_checked_on = models.DateField("privacy notice checked", null=True, blank=True)
    dpia_done_on = models.DateField("DPIA done", null=True, blank=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_due = models.DateField(null=True, blank=True)
    history = HistoricalRecords()
    objects = SoftwareQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "software"

    def __str__(self):
        return self.name


class LoanQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import loan_visibility_q

        return self.filter(loan_visibility_q(user))

    def open(self):
        ended = {"returned_at__isnull": True, "cancelled_at__isnull": True}
        return self.filter(**ended, lost_at__isnull=True)


class Condition(models.TextChoices):
    GOOD = "good", "Good"
    WORN = "worn", "Worn but working"
    DAMAGED = "damaged", "Damaged"
    FAULTY = "faulty", "Not working"


class Loan(models.Model):
    """A device lent to a member of staff or a pupil. Handed over only once the loan
    agreement is signed (by the borrower, or a parent for a pupil) or on paper."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="loans")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey(User, on_delete=models.PROTECT, related_name="loans")
    for_pupil = models.BooleanField(default=False)
    purpose = models.CharField(max_length=200, blank=True, help_text="e.g. home learning.")
    due_back = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signature = models.ForeignKey(
        "agreements.Signature", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the agreement was signed and the technician told (once; see loan_agreement).
    signed_at = models.DateTimeField("agreement signed", null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The device was reported lost or stolen while out: the loan ends, nobody is asked to
    # return it (the loss and any breach record carry on from there).
    lost_at = models.DateTimeField("reported lost or stolen", null=True, blank=True)
    # The return checklist (the seed's exit process).
    returned_at = models.DateTimeField(null=True, blank=True)
    return_checked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    condition = models.CharField(max_length=10, choices=Condition.choices, blank=True)
    accessories_returned = models.BooleanField(default=False)
    accounts_cleared = models.BooleanField(
        "PIN and IDs left, or accounts signed out", default=False
    )
    factory_reset = models.BooleanField("factory reset done", default=False)
    return_notes = models.TextField(blank=True)
    history = HistoricalRecords()
    objects = LoanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(returned_at__isnull=True, cancelled_at__isnull=True),
                name="one_open_loan_per_device",
            )
        ]
        indexes = [models.Index(fields=["school", "returned_at", "due_back"])]

    def __str__(self):
        return f"{self.device.asset_tag} lent to {self.borrower}"

    def get_absolute_url(self):
        return reverse("loan-detail", args=[self.pk])

    @property
    def stage(self) -> str:
        return self.stage_with(signed=self.signed_at is not None)

    def stage_with(self, *, signed: bool) -> str:
        """Where the loan is; before the hand-over, whether the agreement is signed (the
        loan page passes the signature it shows, so the two always agree)."""
        if self.cancelled_at:
            return "Cancelled"
        if self.lost_at:
            return "Reported lost or stolen"
        if self.returned_at:
            return "Returned"
        if self.handed_over_at:
            return "On loan"
        if signed:
            return "Agreement signed: ready to hand over"
        return "Waiting for the agreement to be signed"

    @property
    def is_out(self) -> bool:
        """Handed over and not back, lost or cancelled."""
        return bool(
            self.handed_over_at and not (self.returned_at or self.lost_at or self.cancelled_at)
        )

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.handed_over_at is not None
            and self.returned_at is None
            and self.lost_at is None
            and self.due_back < today
        )


class ConfiscationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import confiscation_visibility_q

        return self.filter(confiscation_visibility_q(user))

    def held(self):
        return self.filter(released_at__isnull=True)


class Confiscation(models.Model):
    """A pupil's own device taken, held in the office and given back to a parent. What the
    device is, never what is on it."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="confiscations")
    pupil = models.ForeignKey(User, on_delete=models.PROTECT, related_name="confiscations")
    description = models.CharField(
        "the device",
        max_length=200,
        help_text="e.g. black iPhone in a blue case. Not its contents.",
    )
    confiscated_at = models.DateTimeField(default=timezone.now)
    confiscated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    held_where = models.CharField(max_length=100, default="The office safe")
    parents_told_at = models.DateTimeField(null=True, blank=True)
    parents_told_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_to = models.CharField(max_length=150, blank=True)
    released_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()
    objects = ConfiscationQuerySet.as_manager()

    class Meta:
        ordering = ["-confiscated_at"]
        indexes = [models.Index(fields=["school", "released_at", "confiscated_at"])]

    def __str__(self):
        return f"{self.description} from {self.pupil}"

    def get_absolute_url(self):
        return reverse("confiscation-detail", args=[self.pk])


class SearchQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import search_visibility_q

        return self.filter(search_visibility_q(user))


class Search(models.Model):
    """A search of a pupil (DfE "Searching, screening and confiscation", 2022). No file can
    be attached: suspected nude imagery is never viewed, copied or kept (UKCIS 2024)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="searches")
    pupil = models.ForeignKey(User, on_delete=models.PROTECT, related_name="searches")
    searched_at = models.DateTimeField(default=timezone.now)
    searched_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField("reason for the search")
    looked_for = models.TextField("what was looked for")
    found = models.TextField("what was found", blank=True)
    device_examined = models.BooleanField("data or files on a device were examined", default=False)
    examination_reason = models.TextField("why they were examined", blank=True)
    deleted_or_kept = models.TextField("what was deleted or kept, and why", blank=True)
    suspected_nude_imagery = models.BooleanField(
        "suspected nude or semi-nude imagery", default=False
    )
    parents_told_at = models.DateTimeField(null=True, blank=True)
    dsl_told_at = models.DateTimeField("DSL told", null=True, blank=True)
    confiscation = models.ForeignKey(
        Confiscation, on_delete=models.PROTECT, null=True, blank=True, related_name="searches"
    )
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()
    objects = SearchQuerySet.as_manager()

    class Meta:
        ordering = ["-searched_at"]
        verbose_name_plural = "searches"

    def __str__(self):
        return f"Search of {self.pupil} on {self.searched_at:%-d %b %Y}"

    def get_absolute_url(self):
        return reverse("search-detail", args=[self.pk])


class Method(models.TextChoices):
    REUSE = "reuse", "Reuse"
    RECYCLE = "recycle", "Recycle"
    DESTROY = "destroy", "Destroy"


def disposal_path(instance, filename):
    return f"disposals/{instance.school_id}/{filename}"


class Disposal(models.Model):
    """Devices disposed of under the WEEE regulations, with the certificate that their
    data was destroyed."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="disposals")
    devices = models.ManyToManyField(Device, related_name="disposals")
    disposed_on = models.DateField()
    method = models.CharField(max_length=10, choices=Method.choices)
    data_destruction = models.CharField(
        "how data was wiped or destroyed", max_length=200, help_text="e.g. NIST 800-88 wipe."
    )
    company = models.CharField(max_length=120)
    waste_transfer_note = models.FileField("WEEE waste transfer note", upload_to=disposal_path)
    certificate = models.FileField(
        "data-destruction certificate", upload_to=disposal_path, blank=True
    )
    authorised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[devices])

    class Meta:
        ordering = ["-disposed_on", "-pk"]

    def __str__(self):
        return f"Disposal on {self.disposed_on}"


# Lost or stolen devices and the breach register live in their own module (size); they
# are part of this app's models and importable from here as before.
from .models_breaches import (  # noqa: E402, F401
    ICO_DEADLINE,
    Breach,
    BreachQuerySet,
    DeviceLoss,
    IcoDecision,
    LossKind,
    PeopleTold,
    Risk,
)
from .models_leavers import LeaverChecklist, LeaverHandOver  # noqa: E402, F401
