"""Every URL of residents, gathered from its parts (each keeps its own ``urls.py``)."""

from .complaints.urls import urlpatterns as complaints
from .contributions.urls import urlpatterns as contributions
from .entry.urls import urlpatterns as entry
from .households.urls import urlpatterns as households
from .results.urls import urlpatterns as results
from .surveys.urls import urlpatterns as surveys

app_name = "residents"

urlpatterns = [*households, *surveys, *entry, *results, *contributions, *complaints]
