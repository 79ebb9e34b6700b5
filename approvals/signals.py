"""What approvals tells the rest of the portal, once a change is committed.

``request_changed`` is sent after every step of a request is saved and its transaction committed
(never for a change that was rolled back): ``sender`` is ApprovalRequest, ``request`` the request
as it now stands, ``step`` the step just written. Notifications listen to it.
"""

from django.dispatch import Signal

request_changed = Signal()
