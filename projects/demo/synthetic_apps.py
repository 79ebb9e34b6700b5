"""The apps above projects (funding, residents...) add their own synthetic rows to every project:
each may have a ``synthetic`` module with

- ``build(*, cities, rng, today) -> {what: how many}``, run after the projects are written, in
  INSTALLED_APPS order, with the same ``random.Random`` (one seed, the same data);
- ``delete(cities) -> {what: how many}``, run before the projects are deleted (their rows may
  protect the projects), in the reverse order;
- ``MODELS``: the models whose statistics PostgreSQL refreshes afterwards.

Found by name, as ``seed_demo`` finds each app's ``demo`` module: projects imports none of them.
"""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def synthetic_modules():
    """The ``synthetic`` modules of the apps above projects, in INSTALLED_APPS order."""
    configs = list(apps.get_app_configs())
    above = configs[[c.name for c in configs].index("projects") + 1 :]
    return [
        import_module(f"{config.name}.synthetic")
        for config in above
        if module_has_submodule(config.module, "synthetic")
    ]
