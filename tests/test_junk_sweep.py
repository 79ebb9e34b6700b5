"""The junk-input sweep: no input reaches a 500, and a refused one changes nothing.

Every URL of ours (``tests.test_permissions._views``), as a persona the permission table lets use
it, is sent junk: GET with junk query strings, POST with each form field in turn empty, missing,
too long, of the wrong type and out of range (a fixed pass, then a bounded ``hypothesis`` pass),
and HEAD, PUT, PATCH and DELETE. The Django admin's add and change forms get the same POSTs as a
superuser, and every model ``clean()`` is called with its fields missing and invalid.

Each test collects every failure of its URL and reports them in one assertion. Run one app's
part with ``-k`` (``pytest tests/test_junk_sweep.py -k projects``); docs/development.md says more.
"""

import copy
import datetime
import logging
import os
import traceback
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote, quote_from_bytes

import pytest
from axes.utils import reset as axes_reset
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.messages import ERROR
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.test_permissions import PERSONAS, TABLE, _objects, _views

# --- What counts as an answer -------------------------------------------------------------------

ACCEPTED = {400, 403, 404, 405}
# Who sweeps a URL: the first of these the permission table lets in (200, else a redirect that is
# not the login page's); the widest roles reach the most code.
PREFERENCE = (
    "city",
    "district",
    "clerk_a",
    "sysadmin",
    "auditor",
    "leader",
    "finance",
    "clerk_b",
    "anonymous",
)
# Rows a refused POST may still write: a failed login is logged. A household revealed with a reason
# answers 200 (its page, in full, that once) and logs the reveal.
MAY_CHANGE_WHEN_REFUSED = {"login": {"core.auditentry"}, "residents:household_unmask": {"core.auditentry"}}
# Bookkeeping of logins and sessions, not data.
UNWATCHED_MODELS = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
FORM_ENCODED = "application/x-www-form-urlencoded"
OUR_APPS = ("core", "org", "approvals", "projects", "funding", "residents", "reports")

HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,  # the same examples on every run: CI stays reproducible
    "database": None,  # and nothing is written into the working tree
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
GET_EXAMPLES = 6
POST_EXAMPLES = 12


def _acceptable(status):
    return 200 <= status < 400 or status in ACCEPTED


@dataclass
class Failures:
    """Every failure of one test, reported together."""

    rows: list

    def add(self, method, url, payload, problem):
        shown = repr(payload)
        if len(shown) > 300:
            shown = shown[:300] + f"… ({len(shown)} characters)"
        self.rows.append(f"{method} {url[:200]} {shown}: {problem}")

    def check(self):
        if self.rows:
            pytest.fail(f"{len(self.rows)} junk inputs failed:\n" + "\n".join(self.rows), pytrace=False)


# --- Junk --------------------------------------------------------------------------------------

LONG = "长" * 10_000
SQL = "' OR 1=1 --"
HTML = "<script>alert('junk')</script>"


class Raw(bytes):
    """A value sent as these bytes, percent-escaped, whatever encoding they are in."""


# Every page gets these: unknown keys, broken encodings, paging and sorting junk all at once, and a
# NUL on its own (it is refused at the door, before any of the rest would be read).
JUNK_QUERIES = (
    "unknown=1&another%5B%5D=2&=nameless&&&id=abc&pk=-1&kind=%09",
    "q=%FF%FE&name=%ED%A0%80&next=%uD800&inline=%C0%AF",  # a lone surrogate, as UTF-8 would write it
    "q=%E4%B8&name=%C4%E3%BA%C3",  # a cut UTF-8 sequence; 你好 in GBK
    "page=-1&per_page=0&sort=--name&export=bogus&next=//evil.example.com/&inline=1",
    "q=%00&name=a%00b",
)
# List pages read paging, sorting and exports: each junk value on its own.
JUNK_LIST_QUERIES = (
    "page=abc",
    "page=0",
    "page=99999999999999999999999",
    "page=last&per_page=100",
    "per_page=-20",
    "per_page=abc",
    "per_page=99999999999999999999",
    "sort=unknown_field",
    "sort=-",
    "sort=password",
    "sort=region__path__nonexistent",
    "sort=%27+OR+1%3D1+--",
    "export=xlsx",
    "export=csv",
    "export=",
    "export=xlsx&export=csv&per_page=0&page=-1",
)
# Each is sent in every filter field of a list page at once (a filter reads only its own field).
JUNK_FILTER_VALUES = (
    LONG,
    SQL + HTML,
    "abc",
    "-1",
    "99999999999999999999999",
    "1e400",
    "NaN",
    "2026-13-45",
    Raw(b"\xff\xfe"),
    Raw(b"\x00"),
    Raw("\ud800改造".encode("utf-8", "surrogatepass") + "改造".encode("gbk")),
)
JUNK_HEADERS = {
    "HTTP_HX_REQUEST": "true",
    "HTTP_HX_TARGET": HTML,
    "HTTP_X_FORWARDED_FOR": "not an address, , 999.1.1.1",
    "HTTP_ACCEPT_LANGUAGE": "xx;q=abc,,",
    "HTTP_COOKIE": "django_language=%FF%00; csrftoken=" + "x" * 300,
}

# The fixed pass: for each kind of field, one value per category (the hypothesis pass draws more).
CATEGORY_JUNK = {
    "pk": {"wrong type": "abc", "out of range": "99999999999999999999999"},
    "bool": {"wrong type": "maybe", "out of range": "-1"},
    "date": {"wrong type": "2026-02-30", "out of range": ("0001-01-01", "9999-12-31")},
    "number": {"wrong type": "abc", "out of range": "-99999999999999999999"},
    "choice": {"wrong type": "no_such_choice", "out of range": "-1"},
    "text": {"wrong type": ["junk", "1"], "out of range": "\u3000 \u202e\u200b"},  # given twice; blank
}
MORE_JUNK = (
    "\x00", "   ", SQL, HTML, "\ufffd", "１２３", "٣", "1,5", "NaN", "Infinity", "-Infinity", "1e400", "0x10",
    "1_000", "0", "-0.000001", "2147483648", "99999999999", "26/01/2026", "2026-13-01", "9999-12-31",
    "1900-02-29", "None", "[1]", "true",
)  # fmt: skip


def _kind(field):
    """How a form field reads its text: the junk that fits it depends on it."""
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        return "pk"
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return "bool"
    if isinstance(field, forms.DateTimeField | forms.DateField | forms.TimeField):
        return "date"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "number"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    return "text"


def _junk_file(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _field_junk(field):
    """{category: value} for one form field: empty, too long, of the wrong type, out of range."""
    kind = _kind(field)
    if kind == "file":
        return {
            "empty": _junk_file("empty.xlsx", b""),
            "too long": _junk_file("长" * 300 + ".pdf", b"%PDF-1.4 junk"),
            "wrong type": _junk_file("photo.jpg", b"PK\x03\x04<script>"),
            "out of range": _junk_file("../../a.csv", "改造,\x00".encode("gbk")),
        }
    return {"empty": "", "too long": "9" * 400 if kind == "number" else LONG, **CATEGORY_JUNK[kind]}


def junk_text():
    """Hypothesis: any text a person or a script might type into a field, or none at all."""
    return st.one_of(
        st.none(),  # the field left out of the POST
        st.text(max_size=30),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
        st.binary(max_size=12).map(Raw),
        st.sampled_from(MORE_JUNK),
        st.lists(st.sampled_from(("1", "abc", "")), min_size=2, max_size=3),  # one field given twice
    )


# --- Requests ----------------------------------------------------------------------------------


def _escape(value):
    if isinstance(value, Raw):
        return quote_from_bytes(bytes(value), safe="")
    return quote(str(value).encode("utf-8", "surrogatepass"), safe="")


def _query(params):
    """A query string from ``params`` ({key: value or [values]}), keeping Raw bytes as they are."""
    parts = []
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f"{_escape(key)}={_escape(item)}")
    return "&".join(parts)


class Sweeper:
    """Sends the requests of one test as one persona and records every wrong answer."""

    def __init__(self, user, failures):
        self.client = Client(raise_request_exception=False)
        self.user = user
        self.failures = failures
        self.login()

    def login(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def send(self, method, url, **kwargs):
        """One request in a savepoint: a database error in the view (PostgreSQL then refuses every
        later query of the transaction) is undone, so the requests after it still run."""
        savepoint = transaction.savepoint()
        response = getattr(self.client, method)(url, **kwargs)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            transaction.set_rollback(False)  # undone to before the request: the test goes on
        else:
            transaction.savepoint_commit(savepoint)
        return response

    def get(self, url, query="", shown=None, **headers):
        response = self.send("get", url, QUERY_STRING=query, **headers)
        shown = query if shown is None else shown
        if not _acceptable(response.status_code):
            self.failures.add("GET", url, shown, _status(response))
        elif response.status_code == 200 and _reflects_script(response):
            self.failures.add("GET", url, shown, "the script came back unescaped")
        return response

    def post(self, url, data, url_name=""):
        """POST ``data`` ({name: text, [texts], Raw bytes, a file, or None: left out}); a refused POST
        must leave every table as it was."""
        data = {k: v for k, v in data.items() if v is not None}
        before = fingerprint()
        if any(isinstance(v, SimpleUploadedFile) for v in data.values()):
            for value in data.values():
                if isinstance(value, SimpleUploadedFile):
                    value.seek(0)
            plain = {k: (v.decode("latin-1") if isinstance(v, Raw) else v) for k, v in data.items()}
            response = self.send("post", url, data=plain)
        else:
            response = self.send("post", url, data=_query(data), content_type=FORM_ENCODED)
        shown = {k: v for k, v in data.items() if not k.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS"))}
        if url_name == "login":
            axes_reset()  # every junk login reaches the form, not the lockout page
        if not _acceptable(response.status_code):
            self.failures.add("POST", url, shown, _status(response))
        elif _refused(response):
            changed = {label for label, value in fingerprint().items() if before[label] != value}
            changed -= MAY_CHANGE_WHEN_REFUSED.get(url_name, set())
            if changed:
                self.failures.add(
                    "POST", url, shown, f"refused ({response.status_code}) but changed {sorted(changed)}"
                )
        if self.user is not None and not response.wsgi_request.user.is_authenticated:
            self.login()  # logged out (the logout URL): the next request is the persona's again
        return response


def _status(response):
    """The status, and for a server error where it came from."""
    if response.status_code < 500 or not getattr(response, "exc_info", None):
        return str(response.status_code)
    _type, error, trace = response.exc_info
    frames = traceback.extract_tb(trace)
    ours = [f for f in frames if "/site-packages/" not in f.filename] or frames
    where = f"{os.path.relpath(ours[-1].filename, settings.BASE_DIR)}:{ours[-1].lineno}"
    return f"{response.status_code} ({type(error).__name__}: {str(error)[:120]} at {where})"


def _reflects_script(response):
    if "html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return False
    return HTML.encode() in response.content


def _refused(response):
    """A POST turned down: an answer other than a redirect, or a redirect with an error message."""
    if not 300 <= response.status_code < 400:
        return True
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    return any(message.level >= ERROR for message in queued)


def _watched_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in UNWATCHED_MODELS
    ]


def fingerprint():
    """{model label: (rows, highest id, latest change)}, in one query: a refused POST must leave
    each as it was."""
    quote_name = connection.ops.quote_name
    labels, columns = [], []
    for model in _watched_models():
        table = quote_name(model._meta.db_table)
        parts = [
            f"(SELECT COUNT(*) FROM {table})",
            f"(SELECT MAX({quote_name(model._meta.pk.column)}) FROM {table})",
        ]
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            parts.append(f"(SELECT MAX({quote_name('updated_at')}) FROM {table})")
        labels.append((model._meta.label_lower, len(parts)))
        columns += parts
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        row = list(cursor.fetchone())
    result = {}
    for label, width in labels:
        result[label], row = tuple(row[:width]), row[width:]
    return result


# --- Which URL, as whom, on which object -------------------------------------------------------

VIEWS = dict(_views())


def _persona_for(statuses):
    """The first persona in PREFERENCE the table lets use the URL, or None."""
    for persona in PREFERENCE:
        if statuses[persona] == 200:
            return persona
    for persona in PREFERENCE:  # a redirect, if nobody gets a page (POST-only actions, the favicon)
        if persona != "anonymous" and 300 <= statuses[persona] < 400:
            return persona
    return None


def _targets(url_name, method):
    """[(object the table names, persona)] for each row of ``url_name`` × ``method`` some persona
    may use."""
    targets = []
    for name, obj, row_method in TABLE:
        if name == url_name and row_method == method:
            persona = _persona_for(dict(zip(PERSONAS, TABLE[(name, obj, row_method)], strict=True)))
            if persona is not None:
                targets.append((obj, persona))
    return targets


class Target:
    """The URL of one table row. A POST that went through may have used its object up (deleted it,
    moved it a step on): ``renew()`` has the next request made on a fresh one."""

    def __init__(self, world, url_name, obj, url=None):
        self.world, self.url_name, self.obj = world, url_name, obj
        self._url = url
        self.fixed = url is not None

    @property
    def url(self):
        if self._url is None:
            self._url = self._make()
        return self._url

    def renew(self):
        if not self.fixed:
            self._url = None

    def _make(self):
        obj = self.obj
        if obj is None:
            return reverse(self.url_name)
        if obj.startswith("kind:"):
            return reverse(self.url_name, args=[obj.removeprefix("kind:")])
        if obj.startswith(("prereq:", "step:")):
            project = _objects(self.world)["project_a"]()
            return reverse(self.url_name, args=[project.pk, obj.split(":", 1)[1]])
        if obj.startswith("notice:"):  # notice:<kind>:<subject>
            _prefix, kind, name = obj.split(":")
            return reverse(self.url_name, args=[kind, _objects(self.world)[name]().pk])
        return reverse(self.url_name, args=[_objects(self.world)[obj]().pk])


def _url_names(*methods):
    return sorted(
        name for name, served in VIEWS.items() if any(m in served and _targets(name, m) for m in methods)
    )


# --- Forms: which fields a URL reads, and a payload it would accept -------------------------------


def _post_only_forms():
    """The form each POST-only view reads (a view with a page shows its form in the context)."""
    from approvals.flow_forms import StageMoveForm
    from approvals.forms import ApproveForm, RejectForm, ResubmitForm, ReturnForm, WithdrawForm
    from funding.pages import forms as money_forms
    from funding.rule_views import ProposalForm
    from projects.archive.forms import AttachmentForm, PrerequisiteForm
    from projects.lifecycle.forms import transition_form
    from projects.lifecycle.transitions import transition_for
    from projects.works.forms import FindingCloseForm
    from reports.monthly import views as monthly_views
    from reports.notices.forms import VoidForm
    from reports.public.forms import PublishForm
    from residents.complaints import forms as complaint_forms
    from residents.contributions import forms as contribution_forms
    from residents.entry.forms import EntryRowForm
    from residents.households.forms import RevealForm

    def fields(**named):
        return type("JunkForm", (forms.Form,), named)()

    return {
        "projects:project_transition": lambda obj: transition_form(transition_for(obj.split(":", 1)[1])),
        "projects:prerequisite_record": lambda obj: PrerequisiteForm(),
        "projects:attachment_add": lambda obj: AttachmentForm(),
        "projects:finding_close": lambda obj: FindingCloseForm(),
        "approvals:request_approve": lambda obj: ApproveForm(),
        "approvals:request_return": lambda obj: ReturnForm(),
        "approvals:request_reject": lambda obj: RejectForm(),
        "approvals:request_withdraw": lambda obj: WithdrawForm(),
        "approvals:request_resubmit": lambda obj: ResubmitForm(),
        "approvals:stage_move": lambda obj: StageMoveForm(),
        "funding:fundingplanline_add": lambda obj: money_forms.PlanLineForm(),
        "funding:fundingplanline_edit": lambda obj: money_forms.PlanLineEditForm(),
        "funding:fundreceipt_add": lambda obj: money_forms.ReceiptForm(),
        "funding:fundreceipt_reverse": lambda obj: money_forms.ReversalForm(),
        "funding:disbursement_add": lambda obj: money_forms.DisbursementForm(),
        "funding:disbursement_reverse": lambda obj: money_forms.ReversalForm(),
        "funding:proposal_decide": lambda obj: ProposalForm(),
        "reports:monthly_build": lambda obj: monthly_views.BuildForm(cities=()),
        "reports:monthly_reopen": lambda obj: monthly_views.ReopenForm(),
        "reports:notice_void": lambda obj: VoidForm(),
        "reports:public_page_publish": lambda obj: PublishForm(),
        "residents:contribution_pay": lambda obj: contribution_forms.PaymentForm(),
        "residents:contribution_due": lambda obj: contribution_forms.DueForm(),
        "residents:household_unmask": lambda obj: RevealForm(),
        "residents:campaign_entry_row": lambda obj: EntryRowForm(),
        "residents:complaint_assign": lambda obj: complaint_forms.AssignForm(user=None, prefix="assign"),
        "residents:complaint_answer": lambda obj: complaint_forms.AnswerForm(prefix="answer"),
        "residents:complaint_close": lambda obj: complaint_forms.CloseForm(prefix="close"),
        "set_language": lambda obj: fields(
            language=forms.ChoiceField(choices=[("zh-hans", "zh-hans")]), next=forms.CharField()
        ),
    }


# POST-only views that read nothing from the POST: they get unknown keys.
FORMLESS_POSTS = {
    "logout", "core:selfcheck_start", "core:importbatch_commit", "core:importbatch_retry", "core:job_retry",
    "projects:prerequisite_clear", "projects:attachment_delete",
    "approvals:flowversion_create", "approvals:flowversion_publish", "approvals:flowversion_discard",
    "approvals:stage_delete", "approvals:delegation_end", "core:notification_read_all",
    "funding:fundingplanline_delete", "reports:monthly_submit", "residents:contribution_calculate",
    "reports:public_page_withdraw",
}  # fmt: skip


def _context_values(context):
    for layer in context if isinstance(context, list) else [context]:
        yield from (layer.flatten() if hasattr(layer, "flatten") else layer).values()


def _forms_in(context):
    """The forms and formsets a page shows (a policy form's sections are forms of their own)."""
    found = []
    for value in _context_values(context):
        if type(value).__name__ == "AdminForm":
            value = value.form
        if isinstance(value, forms.BaseForm | BaseFormSet) and not any(value is f for f in found):
            found.append(value)
    for form in list(found):
        found += [section_form for _section, section_form in getattr(form, "sections", ())]
    return found


def _members(form):
    if isinstance(form, BaseFormSet):
        return [form.management_form, *form.forms[:1]]  # the first row stands for the others
    return [form]


def _form_fields(form_list):
    """[(POST name, form field, repeats)] of the forms, a MultiWidget's parts each under its own
    name; ``repeats`` counts the earlier fields of the same custom MultiValueField class (a policy's
    eight deadline rows), which the fixed pass leaves to the random one."""
    triples, seen = [], Counter()
    for form in form_list:
        for member in _members(form):
            for name, field in member.fields.items():
                if field.disabled:
                    continue
                html_name = member.add_prefix(name)
                if isinstance(field.widget, forms.MultiWidget):
                    parts = field.fields if isinstance(field, forms.MultiValueField) else None
                    repeats = seen[type(field)] if type(field).__module__.split(".")[0] != "django" else 0
                    seen[type(field)] += 1
                    for index, suffix in enumerate(field.widget.widgets_names):
                        triples.append((f"{html_name}{suffix}", parts[index] if parts else field, repeats))
                else:
                    triples.append((html_name, field, 0))
    return triples


def _encode(value, field):
    """The POST text that gives back a form's initial ``value``."""
    if isinstance(field.widget, forms.CheckboxInput):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(getattr(value, "pk", value))


def _plausible(field, name):
    """A value ``field`` would likely take, for a required field the page leaves empty."""
    kind = _kind(field)
    if kind in ("pk", "choice"):
        flat = []
        for value, label in field.choices:
            flat += [v for v, _label in label] if isinstance(label, list | tuple) else [value]
        flat = [str(getattr(v, "value", v)) for v in flat if v not in ("", None)]
        if not flat:
            return ""
        return flat[:1] if isinstance(field, forms.MultipleChoiceField) else flat[0]
    if kind == "date":
        return "2026-03-01"
    if kind == "number":
        return str(max(1, int(getattr(field, "min_value", None) or 1)))
    if kind == "bool":
        return "on"
    if kind == "file":
        return None
    if "password" in name:
        return "Junk#Sweep2026"
    if isinstance(field, forms.EmailField):
        return "junk@example.com"
    return f"清扫{name}"[-(getattr(field, "max_length", None) or 100) :]


def _baseline(form_list):
    """A payload the page's forms would likely accept: what they show, required fields filled in."""
    data = {}
    for form in form_list:
        for member in [form.management_form, *form.forms] if isinstance(form, BaseFormSet) else [form]:
            for name, field in member.fields.items():
                if field.disabled:
                    continue
                html_name = member.add_prefix(name)
                value = member[name].value()
                if isinstance(field.widget, forms.MultiWidget):
                    parts = value if isinstance(value, list) else field.widget.decompress(value)
                    for suffix, part in zip(field.widget.widgets_names, parts, strict=False):
                        data[f"{html_name}{suffix}"] = "" if part is None else str(part)
                    continue
                value = _encode(value, field)
                if value in ("", []) and field.required and not isinstance(form, BaseFormSet):
                    value = _plausible(field, name)
                data[html_name] = value
    return data


def _form_list(sweeper, target):
    url_name = target.url_name
    if url_name in _post_only_forms():
        return [_post_only_forms()[url_name](target.obj or "")]
    if url_name in FORMLESS_POSTS or "get" not in VIEWS.get(url_name, ("get",)):
        return []
    response = sweeper.send("get", target.url)
    return _forms_in(response.context) if response.status_code == 200 and response.context else []


# --- The sweeps --------------------------------------------------------------------------------


def _sweep_get(sweeper, url, examples=GET_EXAMPLES):
    response = sweeper.get(url)
    filters, sort_keys = [], []
    if response.status_code == 200 and response.context:
        filterset = response.context.get("filterset")
        if filterset is not None:
            filters = sorted(type(filterset).base_filters)
        sort_keys = [column.sort for column in response.context.get("columns", ()) if column.sort]
    for query in JUNK_QUERIES:
        sweeper.get(url, query)
    sweeper.get(url, "", shown=JUNK_HEADERS, **JUNK_HEADERS)
    is_list = bool(filters or sort_keys)
    for query in JUNK_LIST_QUERIES if is_list else ():
        sweeper.get(url, query)
    for value in JUNK_FILTER_VALUES if filters else ():
        sweeper.get(url, _query(dict.fromkeys(filters, value)), shown={"every filter": value})
    if filters:
        sweeper.get(
            url, _query({name: ["1", "abc"] for name in filters}), shown={"every filter": ["1", "abc"]}
        )
    for key in sort_keys[:2]:
        sweeper.get(url, _query({"sort": f"{key}__junk", "per_page": "100", "page": "2"}))

    keys = [*filters, "page", "per_page", "sort", "export", "q", "next", "inline", "_to_field", "o", "p"]

    @hypothesis_settings(max_examples=examples if is_list else 2, **HYPOTHESIS)
    @given(
        params=st.dictionaries(st.sampled_from(keys), junk_text().filter(lambda v: v is not None), max_size=4)
    )
    def random_queries(params):
        sweeper.get(url, _query(params), shown=params)

    random_queries()


def _sweep_post(sweeper, target, examples=POST_EXAMPLES):
    form_list = _form_list(sweeper, target)
    baseline = _baseline(form_list)
    fields = _form_fields(form_list) or [("junk", forms.CharField(), 0)]
    if not form_list:
        examples = min(examples, 3)  # nothing is read: unknown keys are all there is to vary

    def post(data):
        response = sweeper.post(target.url, data, target.url_name)
        if 300 <= response.status_code < 400 and not _refused(response):
            target.renew()

    post(baseline)
    post({})
    post({**baseline, "unknown": LONG, "csrfmiddlewaretoken": SQL})
    for name, field, repeats in fields:
        for value in _field_junk(field).values() if repeats < 2 else ():
            for one in value if isinstance(value, tuple) else [value]:
                post({**baseline, name: one})

    @hypothesis_settings(max_examples=examples, **HYPOTHESIS)
    @given(data=st.data())
    def random_posts(data):
        payload = dict(baseline)
        for name, field, _repeats in data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3)):
            junk = [v for v in _field_junk(field).values() if not isinstance(v, SimpleUploadedFile | tuple)]
            payload[name] = data.draw(st.one_of(st.sampled_from(junk), junk_text()) if junk else junk_text())
        post(payload)

    random_posts()


# A deadline calendar of every kind: project edits and steps recompute the deadlines from the policy
# in force, so junk years and dates reach that arithmetic too.
CALENDAR = {
    "survey": {"kind": "year_before", "value": 10},
    "design": {"kind": "months_after", "value": 2},
    "declaration": {"kind": "plan_year", "value": 3},
    "approval": {"kind": "plan_year", "value": 6},
    "bidding": {"kind": "months_after", "value": 3},
    "completion": {"kind": "year_after", "value": 6},
    "acceptance": {"kind": "months_after", "value": 2},
    "handover": {"kind": "months_after", "value": 1},
}


@pytest.fixture
def sweep_world(world):
    """The test world, with the city's policy in force: its calendar and prerequisites."""
    from tests.factories import city_policy

    city_policy(world.city, deadlines=CALENDAR, prerequisites=["contribution", "convention"])
    return world


@pytest.fixture(autouse=True)
def quiet_request_log():
    """404s and refused suspicious requests are the point here; 500s are still logged."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    loggers[0].setLevel(logging.ERROR)
    loggers[1].setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.mark.parametrize("url_name", _url_names("get"))
@pytest.mark.usefixtures("sweep_world")
def test_get_with_junk_query_answers_no_500(url_name, world):
    failures = Failures([])
    for obj, persona in _targets(url_name, "get"):
        _sweep_get(Sweeper(world[persona], failures), Target(world, url_name, obj).url)
    failures.check()


@pytest.mark.parametrize("url_name", _url_names("post"))
@pytest.mark.usefixtures("sweep_world")
def test_post_with_junk_form_answers_no_500_and_saves_nothing_when_refused(url_name, world):
    failures = Failures([])
    for obj, persona in _targets(url_name, "post"):
        _sweep_post(Sweeper(world[persona], failures), Target(world, url_name, obj))
    failures.check()


def test_every_post_only_view_says_which_form_it_reads():
    post_only = {name for name, served in VIEWS.items() if served == ("post",)}
    unknown = sorted(post_only - set(_post_only_forms()) - FORMLESS_POSTS)
    assert not unknown, f"name the form these POST-only views read in _post_only_forms(): {unknown}"


@pytest.mark.parametrize("url_name", _url_names("get", "post"))
@pytest.mark.usefixtures("sweep_world")
def test_head_put_patch_delete_answer_405_and_change_nothing(url_name, world):
    failures = Failures([])
    method = "get" if _targets(url_name, "get") else "post"
    for obj, persona in _targets(url_name, method):
        sweeper = Sweeper(world[persona], failures)
        url = Target(world, url_name, obj).url
        get_status = sweeper.send("get", url).status_code if method == "get" else 405
        _other_methods(sweeper, url, get_status)
    failures.check()


def _other_methods(sweeper, url, get_status, expected_other=405):
    before = fingerprint()
    for method in ("head", "put", "patch", "delete"):
        body = {} if method == "head" else {"data": "name=junk&code=junk", "content_type": FORM_ENCODED}
        response = sweeper.send(method, url, **body)
        status = response.status_code
        expected = get_status if method == "head" else expected_other
        if status != expected and not (expected is None and _acceptable(status)):
            sweeper.failures.add(
                method.upper(), url, body.get("data"), f"{_status(response)}, expected {expected}"
            )
    changed = sorted(label for label, value in fingerprint().items() if before[label] != value)
    if changed:
        sweeper.failures.add("HEAD/PUT/PATCH/DELETE", url, None, f"changed {changed}")


# --- The admin ---------------------------------------------------------------------------------


def _admin_object(model, world):
    """A row of ``model`` the change form may spoil: a new one where that is cheap."""
    from org.models import Organisation, User
    from tests.factories import renovation_item

    builders = {
        "org.region": _objects(world)["new_community_a"],
        "org.organisation": lambda: Organisation.objects.create(
            name="清扫机构", kind=Organisation.Kind.OTHER, region=world.street_a
        ),
        "org.user": lambda: User.objects.create_user(
            username="junk_target", password="Junk#Sweep2026", organisation=world["clerk_a"].organisation
        ),
        "projects.renovationitem": renovation_item,
        "org.citypolicy": _objects(world)["policy"],
        "core.job": _objects(world)["job_a"],
    }
    if model._meta.label_lower in builders:
        return builders[model._meta.label_lower]()
    return model._base_manager.order_by("-pk").first()


ADMIN_QUERIES = (
    "o=abc&p=-1",
    "o=99.-98&p=abc&all=",
    "q=" + quote(LONG) + "&e=1",
    "_popup=1&_to_field=password",
    "unknown__lookup=1&id__gt=abc",
    "id__in=1,abc,%FF&pk__range=9",
)


@pytest.mark.parametrize("model_label", sorted(m._meta.label_lower for m in admin.site._registry))
@pytest.mark.usefixtures("sweep_world")
def test_admin_forms_with_junk_answer_no_500_and_save_nothing_when_refused(model_label, world):
    model = apps.get_model(model_label)
    user = world["sysadmin"]
    user.is_superuser = True  # every admin page, not only those of the system administrator's role
    user.save(update_fields=["is_superuser"])
    failures = Failures([])
    sweeper = Sweeper(user, failures)
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"

    changelist = reverse(f"{info}_changelist")
    for query in (*ADMIN_QUERIES, *JUNK_QUERIES[:3]):
        sweeper.get(changelist, query)
    add = reverse(f"{info}_add")
    obj = _admin_object(model, world)
    change = reverse(f"{info}_change", args=[obj.pk]) if obj is not None else None
    for url in filter(None, (add, change)):
        status = sweeper.get(url).status_code
        sweeper.get(url, JUNK_QUERIES[0])
        if status == 200:
            _sweep_post(sweeper, Target(world, info, None, url=url), examples=POST_EXAMPLES // 2)
        else:
            sweeper.post(url, {"junk": LONG})
        _other_methods(sweeper, url, status, expected_other=None)  # the admin answers them as a GET
    for junk_id in ("abc", "99999999999999999999999", "%FF", "-1"):
        sweeper.get(reverse(f"{info}_change", args=["0"]).replace("/0/", f"/{junk_id}/"))
    failures.check()


# --- Model clean() ------------------------------------------------------------------------------


def _clean_overriders():
    return sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        and any("clean" in vars(klass) for klass in model.__mro__[: model.__mro__.index(models.Model)])
    )


def _model_instances(label, world):
    from funding.demo import city_rules, install_rules
    from tests.factories import city_policy, compound_in, project_in

    def project():
        start, completion = datetime.date(2026, 3, 1), datetime.date(2026, 12, 31)
        return project_in(compound_in(world.community_a), planned_start=start, planned_completion=completion)

    builders = {
        "org.region": lambda: [world.street_a, world.city.parent],  # with a parent, and the root
        "projects.project": lambda: [project()],
        "projects.projectpolicy": lambda: [city_policy(world.city)],
        "funding.fundingrule": lambda: list(
            install_rules(city_policy(world.city).policy, city_rules("淄博")).rules.all()
        ),
    }
    return builders[label]() if label in builders else [apps.get_model(label)()]


# What a field may hold when its own check fails: text as typed for any field; for a JSON field,
# any shape at all.
FIELD_JUNK = (None, "", "junk", "2026-02-30", "-1", "9" * 30, "1.5", "\x00")
JSON_JUNK = (-1, 10**30, 1.5, True, ["junk", ["junk"]], {"junk": {}}, {"junk": "junk"}, [None])


@pytest.mark.parametrize("model_label", _clean_overriders())
def test_model_clean_leaves_missing_and_invalid_fields_to_their_own_errors(model_label, world):
    """full_clean() runs clean() even when a field failed its own check: clean() must not trip on
    the field's raw value (the admin and the importers call it on half-valid objects)."""
    model = apps.get_model(model_label)
    failures = Failures([])
    attempts = [(model(), "an empty object", None)]
    for saved in _model_instances(model_label, world):
        for field in model._meta.concrete_fields:
            if field.primary_key or field.auto_created:
                continue
            if field.is_relation:
                attempts.append((saved, field.attname, None))  # a relation is missing, never junk, here
            else:
                json = isinstance(field, models.JSONField)
                attempts += [
                    (saved, field.attname, junk) for junk in (*FIELD_JUNK, *(JSON_JUNK if json else ()))
                ]
    for instance, name, junk in attempts:
        obj = copy.copy(instance)
        if name != "an empty object":
            setattr(obj, name, junk)
        try:
            obj.full_clean()
        except ValidationError:
            pass
        except Exception as error:  # anything but a ValidationError is the failure looked for
            failures.add("full_clean", model_label, {name: junk}, f"{type(error).__name__}: {error}")
    failures.check()
