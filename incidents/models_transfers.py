"""A child's child protection file passed to the next school (KCSIE): one transfer per
pupil leaving with a destination, its deadline in school days, the records chosen for
it, the names flagged for the officer to redact and what they decided, how it was sent
and the receipt. Imported by models.py; the rules are in incidents/transfers.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

DAYS_TO_SEND = 5  # school days (KCSIE: "within 5 days ... or the first 5 days of a new term")


class TransferStatus(models.TextChoices):
    TO_SEND = "to_send", "To send"
    SENT = "sent", "Sent, waiting for receipt"
    RECEIVED = "received", "Received"
    NOT_NEEDED = "not_needed", "Nothing to send"


OPEN_STATUSES = (TransferStatus.TO_SEND, TransferStatus.SENT)


class SentHow(models.TextChoices):
    IN_PRODUCT = "in_product", "Through this system (a school of our trust)"
    SECURE_EMAIL = "secure_email", "Secure (encrypted) email"
    SECURE_TRANSFER = "secure_transfer", "The local authority's secure transfer service"
    BY_HAND = "by_hand", "By hand, signed for"
    COURIER = "courier", "Courier or recorded delivery"


class FileTransferQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def visible_to(self, user):
        """What `transfers_for` gives a person, across their schools: outgoing where they
        lead the school (never, for its headteacher, one of a pupil in a concern about
        them), incoming once sent."""
        from esafety.roles import managed_school_ids, schools_with_roles

        from .rules import HIDDEN_FROM_ROLE
        from .transfers import hidden_incident_q

        if not getattr(user, "is_authenticated", False):
            return self.none()
        managed = managed_school_ids(user)
        heads = schools_with_roles(user, {HIDDEN_FROM_ROLE})
        outgoing = Q(school_id__in=managed) & ~(Q(school_id__in=heads) & hidden_incident_q())
        incoming = Q(destination_school_id__in=managed, status__in=("sent", "received"))
        return self.filter(outgoing | incoming)


def transfer_path(instance, filename):
    return f"transfers/{instance.school_id}/{instance.pk}/{filename}"


class FileTransfer(models.Model):
    """One pupil's child protection file, from the school they left to the next one."""

    school = models.ForeignKey("esafety.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    membership = models.OneToOneField(
        "esafety.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_day = models.DateField("last day at the school")
    destination_name = models.CharField("moving to", max_length=200)
    destination_school = models.ForeignKey(
        "esafety.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when the new school is one of the trust's: the file is sent here.",
    )
    due_on = models.DateField("send by")
    due_reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=12, choices=TransferStatus.choices, default=TransferStatus.TO_SEND
    )
    created_at = models.DateTimeField(default=timezone.now)
    not_needed_reason = models.CharField("why nothing is sent", max_length=300, blank=True)
    # The file as sent: kept by the sending school for its schedule; the receiving school's
    # copy in the trust is this same file.
    bundle = models.FileField(upload_to=transfer_path, blank=True)
    bundle_sha256 = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_how = models.CharField(
        "how it was sent", max_length=16, choices=SentHow.choices, blank=True
    )
    sent_note = models.CharField("note on sending", max_length=300, blank=True)
    received_on = models.DateField("receipt confirmed on", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt_note = models.CharField("who confirmed receipt, and how", max_length=300, blank=True)
    receipt = models.FileField(upload_to=transfer_path, blank=True)
    receipt_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["bundle_sha256"])
    objects = FileTransferQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["destination_school", "status"]),
        ]
        constraints = [
            # One open transfer per pupil and sending school: a sync and a hand-ended role
            # on the same day make one task.
            models.UniqueConstraint(
                fields=["school", "pupil"],
                condition=Q(status__in=("to_send", "sent")),
                name="one_open_transfer_per_pupil",
            )
        ]

    def __str__(self):
        return f"{self.pupil}'s file to {self.destination_name}"

    def get_absolute_url(self):
        return reverse("transfer-detail", args=[self.school.slug, self.pk])

    @property
    def in_trust(self) -> bool:
        return self.destination_school_id is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TransferItem(models.Model):
    """A record chosen for the file (by its holdings reference), and the other children's
    names found in it with the officer's decision on each."""

    transfer = models.ForeignKey(FileTransfer, on_delete=models.CASCADE, related_name="items")
    ref = models.CharField(max_length=120)
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "ref"], name="one_item_per_record")
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class Redaction(models.Model):
    """Another child's name found in a chosen record, and what the officer decided: to
    replace it in the file (with `replace_with`) or to keep it, with why. The file is never
    sent while a flagged name has no decision."""

    item = models.ForeignKey(TransferItem, on_delete=models.CASCADE, related_name="redactions")
    name = models.CharField(max_length=150)
    redact = models.BooleanField(null=True)
    replace_with = models.CharField(max_length=40, blank=True)
    keep_reason = models.CharField("why it stays", max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="one_flag_per_name_and_record")
        ]

    def __str__(self):
        return f"{self.name} in {self.item}"

    @property
    def decided(self) -> bool:
        return self.redact is not None
