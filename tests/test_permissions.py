"""Every URL × every persona → the status it must answer.

A new view ships with its rows: ``test_every_url_and_method_is_in_the_table`` fails for a URL name
and method (GET, POST) its view serves and the table lacks. POST rows send an empty form: who may
use it sees it again with its errors (200), or is redirected after the action (302).
Objects are those of street A (车站街道): in scope for clerk A, out of scope (404) for clerk B.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.models import Job, Notification
from funding.demo import city_rules, install_rules
from projects.models import Building
from tests.approvals.editor_factories import delegation_by, draft_in, draft_stage_in, flow_in
from tests.approvals.factories import pending_request_in, request_attachment_on
from tests.factories import (
    PERSONAS,
    attachment_in,
    city_policy,
    compound_in,
    finding_in,
    import_batch,
    project_in,
    renovation_item,
)
from tests.funding.factories import disbursement_in, plan_line_in, receipt_in
from tests.reports import permissions as report_permissions
from tests.reports.monthly_factories import monthly_report_in
from tests.reports.notices.factories import approved_in, construction_in, notice_in, notice_issuers
from tests.residents import permissions as resident_permissions

# Persona order:   anon  clerk_a clerk_b district city finance leader auditor sysadmin
ALL_OK = (302, 200, 200, 200, 200, 200, 200, 200, 200)
STAFF_ONLY_ADMIN = (302, 302, 302, 302, 302, 302, 302, 302, 200)
RUNS_PROJECT_POST = (302, 302, 404, 302, 302, 403, 403, 403, 403)
FLOW_EDITORS = (302, 403, 403, 403, 200, 403, 403, 403, 200)
FLOW_EDITS = (302, 403, 403, 403, 302, 403, 403, 403, 302)

# (url name, object, method): statuses in PERSONAS order
TABLE = {
    ("login", None, "get"): (200, 302, 302, 302, 302, 302, 302, 302, 302),
    ("login", None, "post"): (200, 302, 302, 302, 302, 302, 302, 302, 302),
    ("logout", None, "post"): (302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("password_change", None, "get"): ALL_OK,
    ("password_change", None, "post"): ALL_OK,
    ("password_change_done", None, "get"): ALL_OK,
    ("set_language", None, "post"): (302,) * 9,
    ("healthz", None, "get"): (200,) * 9,
    ("favicon", None, "get"): (301,) * 9,
    ("admin:index", None, "get"): STAFF_ONLY_ADMIN,
    ("reports:home", None, "get"): ALL_OK,
    # Quota progress: whoever reads the monthly report and projects; a district reads its own district.
    ("reports:progress", None, "get"): (302, 403, 403, 200, 200, 200, 200, 200, 403),
    ("org:region_list", None, "get"): ALL_OK,
    ("org:region_detail", "street_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 200),
    ("org:region_detail", "district_b", "get"): (302, 404, 404, 404, 200, 200, 200, 200, 200),
    ("org:region_add", None, "get"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:region_add", None, "post"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:region_edit", "street_a", "get"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:region_edit", "street_a", "post"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:region_delete", "new_community_a", "get"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:region_delete", "new_community_a", "post"): (302, 403, 403, 403, 302, 403, 403, 403, 302),
    ("org:organisation_list", None, "get"): ALL_OK,
    ("org:organisation_detail", "office_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 200),
    ("core:auditentry_list", None, "get"): (302, 403, 403, 403, 403, 403, 403, 200, 200),
    # A job is its creator's own: everybody else gets 404, administrators included.
    ("core:job_detail", "job_a", "get"): (302, 200, 404, 404, 404, 404, 404, 404, 404),
    ("core:job_progress", "job_a", "get"): (302, 200, 404, 404, 404, 404, 404, 404, 404),
    ("core:job_retry", "job_a", "post"): (302, 302, 404, 404, 404, 404, 404, 404, 404),
    # Notifications are their recipient's own: every role has the page, opening another's is 404.
    ("core:notification_list", None, "get"): ALL_OK,
    ("core:notification_open", "notification_a", "get"): (302, 302, 404, 404, 404, 404, 404, 404, 404),
    ("core:notification_read_all", None, "post"): (302,) * 9,
    ("core:system_status", None, "get"): (302, 403, 403, 403, 403, 403, 403, 403, 200),
    ("core:selfcheck_start", None, "post"): (302, 403, 403, 403, 403, 403, 403, 403, 302),
    ("core:selfcheck_start", None, "get"): (302, 403, 403, 403, 403, 403, 403, 403, 405),
    # The compound registry: clerks keep their street's, districts theirs; reviewers, leaders and
    # auditors read; the system administrator manages accounts, not compounds.
    ("projects:compound_list", None, "get"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    # The type-ahead of the project form: whoever reads the registry, their own compounds only.
    ("projects:compound_search", None, "get"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("projects:compound_add", None, "get"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    ("projects:compound_add", None, "post"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    ("projects:compound_detail", "compound_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("projects:compound_edit", "compound_a", "get"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:compound_edit", "compound_a", "post"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:compound_delete", "compound_a", "get"): (302, 403, 403, 200, 200, 403, 403, 403, 403),
    ("projects:compound_delete", "compound_a", "post"): (302, 403, 403, 302, 302, 403, 403, 403, 403),
    ("projects:building_add", "compound_a", "get"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:building_add", "compound_a", "post"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:building_edit", "building_a", "get"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:building_edit", "building_a", "post"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:building_delete", "building_a", "get"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:building_delete", "building_a", "post"): (302, 302, 404, 302, 302, 403, 403, 403, 403),
    ("org:citypolicy_list", None, "get"): (302, 403, 403, 403, 200, 403, 200, 200, 200),
    ("org:citypolicy_add", None, "get"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:citypolicy_add", None, "post"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:citypolicy_detail", "policy", "get"): (302, 403, 403, 403, 200, 403, 200, 200, 200),
    ("org:citypolicy_edit", "policy", "get"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:citypolicy_edit", "policy", "post"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:citypolicy_delete", "policy", "get"): (302, 403, 403, 403, 200, 403, 403, 403, 200),
    ("org:citypolicy_delete", "policy", "post"): (302, 403, 403, 403, 302, 403, 403, 403, 302),
    # The catalogue of renovation content: everybody who reads the registry reads it; the city
    # programme office keeps it.
    ("projects:renovationitem_list", None, "get"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("projects:renovationitem_detail", "item", "get"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("projects:renovationitem_add", None, "get"): (302, 403, 403, 403, 200, 403, 403, 403, 403),
    ("projects:renovationitem_add", None, "post"): (302, 403, 403, 403, 200, 403, 403, 403, 403),
    ("projects:renovationitem_edit", "item", "get"): (302, 403, 403, 403, 200, 403, 403, 403, 403),
    ("projects:renovationitem_edit", "item", "post"): (302, 403, 403, 403, 200, 403, 403, 403, 403),
    ("projects:renovationitem_delete", "item", "get"): (302, 403, 403, 403, 200, 403, 403, 403, 403),
    ("projects:renovationitem_delete", "item", "post"): (302, 403, 403, 403, 302, 403, 403, 403, 403),
    # Projects: street offices and districts prepare and build them; the city also approves.
    ("projects:project_list", None, "get"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("projects:project_add", None, "get"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    ("projects:project_add", None, "post"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    ("projects:project_detail", "project_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("projects:project_edit", "project_a", "get"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:project_edit", "project_a", "post"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:project_delete", "project_a", "get"): (302, 403, 403, 200, 200, 403, 403, 403, 403),
    ("projects:project_delete", "project_a", "post"): (302, 403, 403, 302, 302, 403, 403, 403, 403),
    # A refused step re-renders the page with its reasons (200); a taken one redirects (302).
    # A role without the step's permission is refused outright (403); a refused step re-renders the
    # page with its reasons (200: here the empty form lacks the step's date); a taken one redirects.
    ("projects:project_transition", "step:finish_survey", "post"): (
        302,
        200,
        404,
        200,
        200,
        403,
        403,
        403,
        403,
    ),
    ("projects:project_transition", "step:approve", "post"): (302, 403, 404, 403, 200, 403, 403, 403, 403),
    # A project's items, prerequisites, progress and archive: whoever runs the project; a refused
    # or empty POST re-renders (200) or goes back to the project page with its message (302).
    ("projects:projectitem_grid", "project_a", "get"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:projectitem_grid", "project_a", "post"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:prerequisite_record", "prereq:contribution", "post"): RUNS_PROJECT_POST,
    ("projects:prerequisite_clear", "prereq:contribution", "post"): RUNS_PROJECT_POST,
    # A project still in survey takes no progress report: its form is not offered (back to the page).
    ("projects:progressreport_add", "project_a", "get"): (302, 302, 404, 302, 302, 403, 403, 403, 403),
    ("projects:progressreport_add", "project_a", "post"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("projects:attachment_add", "project_a", "post"): RUNS_PROJECT_POST,
    # A file is removed by the organisation that uploaded it (here clerk A's office) or the city.
    ("projects:attachment_delete", "attachment_a", "post"): (302, 302, 404, 403, 302, 403, 403, 403, 403),
    # Every reader of the project may download its files; nobody else learns they exist.
    ("projects:attachment_download", "attachment_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    # Inspections (督导检查) are the district's and the city's.
    ("projects:inspection_add", "project_a", "get"): (302, 403, 403, 200, 200, 403, 403, 403, 403),
    ("projects:inspection_add", "project_a", "post"): (302, 403, 403, 200, 200, 403, 403, 403, 403),
    ("projects:finding_close", "finding_a", "post"): (302, 403, 403, 302, 302, 403, 403, 403, 403),
    # Annual quotas: the city's staff keep them (an empty table saves nothing and goes back to the page);
    # districts, departments, leaders and auditors read them; street offices have no business there.
    ("projects:quota_table", None, "get"): (302, 403, 403, 200, 200, 200, 200, 200, 403),
    ("projects:quota_table", None, "post"): (302, 403, 403, 403, 302, 403, 403, 403, 403),
    # Imports: whoever may add and change the kind's records; a batch is its uploader's own.
    ("core:import_start", "kind:compounds", "get"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    ("core:import_start", "kind:compounds", "post"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    ("core:import_start", "kind:buildings", "get"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    ("core:import_start", "kind:projects", "get"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    ("core:import_start", "kind:project_items", "get"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    # A project's money: its plan is planned by district and city staff; what arrived and what was
    # paid out before the portal is the finance bureau's to import (funding.importers).
    ("core:import_start", "kind:funding_plans", "get"): (302, 403, 403, 200, 200, 403, 403, 403, 403),
    ("core:import_start", "kind:receipts", "get"): (302, 403, 403, 403, 403, 200, 403, 403, 403),
    ("core:import_start", "kind:disbursements", "get"): (302, 403, 403, 403, 403, 200, 403, 403, 403),
    ("core:import_template", "kind:receipts", "get"): (302, 403, 403, 403, 403, 200, 403, 403, 403),
    ("core:import_start", "kind:quotas", "get"): (302, 403, 403, 403, 200, 403, 403, 403, 403),
    ("core:import_template", "kind:quotas", "get"): (302, 403, 403, 403, 200, 403, 403, 403, 403),
    ("core:import_start", "kind:unknown", "get"): (302, 404, 404, 404, 404, 404, 404, 404, 404),
    ("core:import_template", "kind:compounds", "get"): (302, 200, 200, 200, 200, 403, 403, 403, 403),
    ("core:importbatch_detail", "batch_a", "get"): (302, 200, 404, 404, 404, 404, 404, 404, 404),
    ("core:importbatch_errors", "batch_a", "get"): (302, 200, 404, 404, 404, 404, 404, 404, 404),
    ("core:importbatch_commit", "batch_a", "post"): (302, 302, 404, 404, 404, 404, 404, 404, 404),
    ("core:importbatch_retry", "batch_a", "post"): (302, 302, 404, 404, 404, 404, 404, 404, 404),
    # Approvals: every role reads the requests of its area. The request here is street A's, sent by
    # the district and waiting for street A's office. An empty decision (no stage and round seen)
    # is shown again with its errors to whoever may decide (200); anyone else is sent back to the
    # page with the reason (302). Withdrawing needs no field: the submitter withdraws (302), the
    # service refuses anyone else (302, with its message); resubmitting a pending request is refused.
    ("approvals:request_inbox", None, "get"): ALL_OK,
    ("approvals:request_done", None, "get"): ALL_OK,
    ("approvals:request_sent", None, "get"): ALL_OK,
    ("approvals:request_detail", "approval_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 200),
    ("approvals:request_approve", "approval_a", "post"): (302, 200, 404, 302, 302, 302, 302, 302, 302),
    ("approvals:request_return", "approval_a", "post"): (302, 200, 404, 302, 302, 302, 302, 302, 302),
    ("approvals:request_reject", "approval_a", "post"): (302, 200, 404, 302, 302, 302, 302, 302, 302),
    ("approvals:request_withdraw", "approval_a", "post"): (302, 302, 404, 302, 302, 302, 302, 302, 302),
    ("approvals:request_resubmit", "approval_a", "post"): (302, 302, 404, 302, 302, 302, 302, 302, 302),
    # The flow editor: the city bureau's staff and the system administrator (both of the city). An
    # edit goes back to the flow's page with what happened (302); an empty stage form is shown again.
    ("approvals:flow_list", None, "get"): FLOW_EDITORS,
    ("approvals:flow_detail", "flow", "get"): FLOW_EDITORS,
    ("approvals:flowversion_create", "flow", "post"): FLOW_EDITS,
    ("approvals:flowversion_publish", "draft", "post"): FLOW_EDITS,
    ("approvals:flowversion_discard", "draft", "post"): FLOW_EDITS,
    ("approvals:stage_add", "draft", "get"): FLOW_EDITORS,
    ("approvals:stage_add", "draft", "post"): FLOW_EDITORS,
    ("approvals:stage_edit", "draft_stage", "get"): FLOW_EDITORS,
    ("approvals:stage_edit", "draft_stage", "post"): FLOW_EDITORS,
    ("approvals:stage_delete", "draft_stage", "post"): FLOW_EDITS,
    ("approvals:stage_move", "draft_stage", "post"): FLOW_EDITS,
    # Delegations: everyone with an organisation delegates (an empty form is shown again); only the
    # delegating user (clerk A here) ends theirs, for anyone else it does not exist.
    ("approvals:delegation_list", None, "get"): ALL_OK,
    ("approvals:delegation_list", None, "post"): ALL_OK,
    ("approvals:delegation_end", "delegation_a", "post"): (302, 302, 404, 404, 404, 404, 404, 404, 404),
    # A request's files and its printable 审批表: whoever reads the request; nobody else learns of them.
    ("approvals:requestattachment_download", "file_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 200),
    ("approvals:request_form_pdf", "approval_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 200),
    # Funding rules are kept with the city policy by whoever keeps it (an empty form is shown again);
    # a rule's proposal for a project is accepted, adjusted or ignored by whoever plans its money
    # (an empty decision goes back to the money page with its message).
    ("funding:fundingrule_add", "policy", "get"): FLOW_EDITORS,
    ("funding:fundingrule_add", "policy", "post"): FLOW_EDITORS,
    ("funding:fundingrule_edit", "funding_rule", "get"): FLOW_EDITORS,
    ("funding:fundingrule_edit", "funding_rule", "post"): FLOW_EDITORS,
    ("funding:fundingrule_delete", "funding_rule", "get"): FLOW_EDITORS,
    ("funding:fundingrule_delete", "funding_rule", "post"): FLOW_EDITS,
    ("funding:proposal_decide", "project_a", "post"): (302, 403, 403, 302, 302, 403, 403, 403, 403),
    # A project's money page: every reader of the project (a clerk reads the residents' share). The
    # districts and the city plan (an empty form is shown again, 200); the finance bureau alone
    # records receipts and reversals; whoever runs projects requests disbursements.
    ("funding:project_funding", "project_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("funding:fundingplanline_add", "project_a", "post"): (302, 403, 403, 200, 200, 403, 403, 403, 403),
    ("funding:fundingplanline_edit", "planline_a", "post"): (302, 403, 403, 200, 200, 403, 403, 403, 403),
    ("funding:fundingplanline_delete", "planline_a", "post"): (302, 403, 403, 302, 302, 403, 403, 403, 403),
    ("funding:fundreceipt_add", "project_a", "post"): (302, 403, 403, 403, 403, 200, 403, 403, 403),
    ("funding:fundreceipt_reverse", "receipt_a", "post"): (302, 403, 403, 403, 403, 200, 403, 403, 403),
    ("funding:disbursement_add", "project_a", "post"): (302, 200, 404, 200, 200, 403, 403, 403, 403),
    ("funding:disbursement_reverse", "released_a", "post"): (302, 403, 403, 403, 403, 200, 403, 403, 403),
    # The ledger (and its export, ?export=xlsx): every reader of money, each over their own rows.
    ("funding:ledger", None, "get"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    # The monthly report: city staff build and submit, the system administrator reopens, district
    # staff, reviewers, leaders and auditors read; street clerks have no business with it.
    ("reports:monthly_list", None, "get"): (302, 403, 403, 200, 200, 200, 200, 200, 200),
    ("reports:monthly_build", None, "post"): (302, 403, 403, 403, 200, 403, 403, 403, 403),
    ("reports:monthly_detail", "monthly_report", "get"): (302, 403, 403, 200, 200, 200, 200, 200, 200),
    ("reports:monthly_submit", "monthly_report", "post"): (302, 403, 403, 403, 302, 403, 403, 403, 403),
    ("reports:monthly_reopen", "monthly_report", "post"): (302, 403, 403, 403, 403, 403, 403, 403, 200),
    ("reports:monthly_xlsx", "monthly_report", "get"): (302, 403, 403, 200, 200, 200, 200, 200, 200),
    ("reports:monthly_pdf", "monthly_report", "get"): (302, 403, 403, 200, 200, 200, 200, 200, 200),
    # Notices (reports.notices.setup): every role of a city reads the register of its area (a clerk:
    # their street's); city staff issue every kind and void; district staff issue 改造公示 and
    # 施工告知书 in their district bureau's name; the system administrator keeps the issuers (admin).
    ("reports:notice_list", None, "get"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("reports:notice_detail", "notice_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("reports:notice_download", "notice_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("reports:notice_void", "notice_a", "post"): (302, 403, 403, 403, 200, 403, 403, 403, 403),
    ("reports:project_notices", "project_a", "get"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("reports:notice_issue", "notice:construction:construction_a", "get"): (
        302,
        403,
        403,
        200,
        200,
        403,
        403,
        403,
        403,
    ),
    ("reports:notice_issue", "notice:construction:construction_a", "post"): (
        302,
        403,
        403,
        200,
        200,
        403,
        403,
        403,
        403,
    ),
    ("reports:notice_issue", "notice:approval:approved_a", "get"): (
        302,
        403,
        403,
        403,
        200,
        403,
        403,
        403,
        403,
    ),
    ("reports:notice_batch", None, "get"): (302, 403, 403, 200, 200, 403, 403, 403, 403),
    ("reports:notice_batch", None, "post"): (302, 403, 403, 200, 200, 403, 403, 403, 403),
    # The 通报 of a submitted monthly report (reports.monthly.bulletin): city staff issue it.
    ("reports:notice_issue", "notice:bulletin:monthly_submitted", "get"): (
        302,
        403,
        403,
        403,
        200,
        403,
        403,
        403,
        403,
    ),
    ("reports:notice_issue", "notice:bulletin:monthly_submitted", "post"): (
        302,
        403,
        403,
        403,
        200,
        403,
        403,
        403,
        403,
    ),
}

# residents' rows live with its parts' tests (tests/residents/permissions/).
TABLE.update(resident_permissions.rows())
# the dashboard's and the public pages' rows live with their tests (tests/reports/permissions/).
TABLE.update(report_permissions.rows())

# Django's own admin pages beyond the index answer to Django's admin permissions.
EXCLUDED_NAMESPACES = {"admin"}
# Plain function views: which methods they serve (class-based views say it themselves).
FUNCTION_VIEW_METHODS = {"set_language": ("post",), "healthz": ("get",), "favicon": ("get",)}


def _objects(world):
    """How each object a row names is made (each made only for the rows that name it)."""
    from org.models import Organisation, Region

    def new_community():
        count = Region.objects.count()
        community = Region(
            code=f"{world.street_a.code}9{count:02d}", name=f"新建社区{count}", level=Region.Level.COMMUNITY,
            parent=world.street_a,
        )  # fmt: skip
        community.path = community.build_path()
        community.save()
        return community

    def project_a():
        return project_in(compound_in(world.community_a))

    return {
        **resident_permissions.objects(world),
        **report_permissions.objects(world),
        "compound_a": lambda: compound_in(world.community_a),
        "building_a": lambda: Building.objects.create(
            compound=compound_in(world.community_a), number="1号楼", storeys=6
        ),
        "policy": lambda: city_policy(world.city).policy,
        "batch_a": lambda: import_batch(world["clerk_a"]),
        "item": renovation_item,
        "project_a": project_a,
        "finding_a": lambda: finding_in(project_a()),
        "attachment_a": lambda: attachment_in(project_a(), world["clerk_a"]),
        "street_a": lambda: world.street_a,
        "district_b": lambda: world.district_b,
        "new_community_a": new_community,
        "office_a": lambda: Organisation.objects.get(region=world.street_a),
        "approval_a": lambda: pending_request_in(world.street_a, world["district"]),
        "flow": lambda: flow_in(world.city),
        "draft": lambda: draft_in(world.city),
        "draft_stage": lambda: draft_stage_in(world.city),
        "delegation_a": lambda: delegation_by(world["clerk_a"]),
        "file_a": lambda: request_attachment_on(pending_request_in(world.street_a, world["district"])),
        "notification_a": lambda: Notification.objects.create(
            recipient=world["clerk_a"], text="待您审批", url="/approvals/"
        ),
        "job_a": lambda: Job.objects.create(
            kind="selfcheck", created_by=world["clerk_a"], status=Job.Status.SUCCEEDED
        ),
        "funding_rule": lambda: install_rules(city_policy(world.city).policy, city_rules("淄博")).rules.get(),
        "planline_a": lambda: plan_line_in(project_a()),
        "receipt_a": lambda: receipt_in(project_a(), world["finance"]),
        "released_a": lambda: disbursement_in(project_a(), world["district"]),
        "monthly_report": lambda: monthly_report_in(world.city),
        "monthly_submitted": lambda: (
            notice_issuers()
            and monthly_report_in(
                world.city, status="submitted", submitted_at=timezone.now(), submitted_by=world["city"]
            )
        ),
        "notice_a": lambda: notice_in(world.community_a, world["city"]),
        "construction_a": lambda: notice_issuers() and construction_in(world.community_a),
        "approved_a": lambda: notice_issuers() and approved_in(world.community_a),
    }


def _views(resolver=None, namespace=""):
    """(url name, the methods its view serves) of every URL of ours."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            yield from _views(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = getattr(pattern.callback, "view_class", None)
            if view is None:
                methods = FUNCTION_VIEW_METHODS[pattern.name]
            else:
                methods = tuple(
                    m for m in ("get", "post") if m in view.http_method_names and hasattr(view, m)
                )
            yield f"{namespace}{pattern.name}", methods


def test_every_url_and_method_is_in_the_table():
    covered = {(name, method) for name, _obj, method in TABLE}
    missing = sorted({(name, method) for name, methods in _views() for method in methods} - covered)
    assert not missing, f"URL × method without a row in the permission table: {missing}"


@pytest.mark.parametrize(("url_name", "obj", "method"), list(TABLE), ids=lambda v: str(v))
def test_permission_table(url_name, obj, method, world, client_for):
    expected = dict(zip(PERSONAS, TABLE[(url_name, obj, method)], strict=True))
    got = {}
    for persona in PERSONAS:
        # A fresh object for each persona: a POST of the persona before may have deleted it.
        if obj is None:
            url = reverse(url_name)
        elif obj.startswith("kind:"):
            url = reverse(url_name, args=[obj.removeprefix("kind:")])
        elif obj.startswith(("prereq:", "step:")):
            url = reverse(url_name, args=[_objects(world)["project_a"]().pk, obj.split(":", 1)[1]])
        elif obj.startswith("notice:"):  # notice:<kind>:<subject>, the issue form of a kind
            _prefix, kind, name = obj.split(":")
            url = reverse(url_name, args=[kind, _objects(world)[name]().pk])
        else:
            url = reverse(url_name, args=[_objects(world)[obj]().pk])
        client = client_for(persona)
        response = getattr(client, method)(url)
        got[persona] = response.status_code
        Job.objects.all().delete()
    assert got == expected
