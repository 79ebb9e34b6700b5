"""Shared models: the abstract base every domain model extends, the audit log and background jobs."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .job_kinds import job_label
from .querysets import RestrictedManager
from .scoping import OwnerScope, RegionScope

NUL_MESSAGE = _("Contains a character that cannot be stored (NUL).")


class BaseModel(models.Model):
    """Creation and change times, and the restricted manager every user-facing query goes through."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedManager()

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        """Also refuse a NUL character in any text, which PostgreSQL can neither store nor compare:
        the field's error then keeps it out of the unique checks that would query with it."""
        errors = {
            field.name: [ValidationError(NUL_MESSAGE, code="nul")]
            for field in self._meta.concrete_fields
            if isinstance(getattr(self, field.attname, None), str)
            and "\x00" in getattr(self, field.attname)
            and field.name not in (exclude or ())
        }
        try:
            super().clean_fields(exclude=[*(exclude or ()), *errors])
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class AuditEntry(models.Model):
    """One domain action: who did what to which object, when, and what changed."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        TRANSITION = "transition", _("moved to another stage")
        IMPORT = "import", _("imported")
        EXPORT = "export", _("exported")
        GRANT = "grant", _("granted permission")
        LOGIN = "login", _("logged in")
        LOGOUT = "logout", _("logged out")
        LOGIN_FAILED = "login_failed", _("failed to log in")
        PASSWORD_CHANGE = "password_change", _("changed password")
        JOB = "job", _("ran a background job")
        # Data a role sees masked, shown in full once with a reason (the reason is the summary).
        REVEAL = "reveal", _("revealed masked data")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the entry still names the user after the account is deleted.
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # The region the object belonged to, so the log can be restricted like the objects themselves.
    region_path = models.CharField(_("region path"), max_length=255, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = RestrictedManager()
    scope = RegionScope("region_path")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.actor_name} {self.get_action_display()} {self.object_repr}".strip()

    def get_absolute_url(self):
        return reverse("core:auditentry_list") + f"?object_id={self.object_id}"

    def object_type(self):
        """What kind of object the entry is about, by its model's name: 改造项目, not "改造项目 | 改造项目"."""
        model = self.content_type.model_class() if self.content_type_id else None
        return model._meta.verbose_name if model is not None else "—"

    def summary_text(self):
        """The summary, or else what an edit changed (it records its changes and no summary)."""
        from .changes import changes_text

        if self.summary or self.action != self.Action.UPDATE:
            return self.summary
        return changes_text(self)


class Job(models.Model):
    """A background job with status and progress a page can poll; recorded before it is queued."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # A batch job's number of items, set once its items are recorded (None: not yet, or no batch).
    items_total = models.PositiveIntegerField(_("items"), null=True, blank=True)

    objects = RestrictedManager()
    scope = OwnerScope("created_by")

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        permissions = [("view_system_status", _("Can view the system status"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("core:job_detail", args=[self.pk])

    def get_kind_display(self):
        return job_label(self.kind)

    @property
    def is_finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    def can_be_retried(self):
        return self.status == self.Status.FAILED


class JobItem(models.Model):
    """One item of a batch job (one notice of a batch, say): done once, whichever worker takes it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    job = models.ForeignKey(
        Job, verbose_name=_("background job"), on_delete=models.CASCADE, related_name="items"
    )
    key = models.CharField(_("item"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    message = models.CharField(_("message"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a task carrying the item was last sent; None: it waits to be sent (the broker was down).
    dispatched_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job item")
        verbose_name_plural = _("background job items")
        # By the column, not "job": that would join the job to order by its own ordering, and a
        # SELECT ... FOR UPDATE of an item would then lock the job's row too, serialising workers.
        ordering = ["job_id", "id"]
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="job_item_once_per_job")]
        indexes = [models.Index(fields=["job", "status"], name="job_item_by_status")]

    def __str__(self):
        return f"{self.job} · {self.key}"

    def get_absolute_url(self):
        return self.job.get_absolute_url()


class ImportBatch(models.Model):
    """An uploaded spreadsheet: its dry-run findings, then its commit. Only its uploader sees it."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("checking")
        CHECKED = "checked", _("checked")
        COMMITTING = "committing", _("saving")
        COMMITTED = "committed", _("saved")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    # Kept under MEDIA_ROOT, which is never served directly.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CHECKING)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    job = models.ForeignKey(
        Job, verbose_name=_("background job"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("saved at"), null=True, blank=True)

    objects = RestrictedManager()
    scope = OwnerScope("created_by")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("core:importbatch_detail", args=[self.pk])

    @property
    def can_commit(self):
        return self.status == self.Status.CHECKED and not self.errors and self.summary.get("total", 0) > 0

    @property
    def can_retry(self):
        """A check or commit that failed (not a file with wrong rows) can be run again."""
        return self.status == self.Status.FAILED

    @property
    def is_working(self):
        return self.status in (self.Status.CHECKING, self.Status.COMMITTING)

    @property
    def is_committed(self):
        return self.status == self.Status.COMMITTED


class SubmissionToken(models.Model):
    """A posted form's one-time token: recorded before its view runs, so the same form sent twice
    (a double click, a second tap) gets the first answer instead of running the view again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(_("token"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    # Where the first request sent the browser; empty while that request still runs.
    redirect_to = models.CharField(_("redirected to"), max_length=2048, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="submission_token_once_per_user")
        ]

    def __str__(self):
        return self.token

    def get_absolute_url(self):
        return self.redirect_to or "/"


class Notification(models.Model):
    """Something the portal tells one user: a sentence and where to look. Only its recipient reads it."""

    class Email(models.TextChoices):
        NONE = "", _("not sent by e-mail")
        PENDING = "pending", _("e-mail waiting to be sent")
        SENT = "sent", _("sent by e-mail")
        FAILED = "failed", _("e-mail could not be sent")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # What the notification is about, for something told once per recipient (a day's digest): the
    # database keeps a second one with the same key from being written, even by two runs at once.
    key = models.CharField(_("key"), max_length=100, blank=True)
    email = models.CharField(_("e-mail"), max_length=8, choices=Email.choices, blank=True, default="")
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = RestrictedManager()
    scope = OwnerScope("recipient")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email", "created_at"], name="notification_email_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_key_once_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(email__in=["", "pending", "sent", "failed"]),
                name="notification_email_known",
            ),
        ]

    def __str__(self):
        return self.text.split("\n", 1)[0][:80]

    def get_absolute_url(self):
        return reverse("core:notification_open", args=[self.pk])

    @property
    def is_read(self):
        return self.read_at is not None
