"""The permission table's rows for the dashboard's and the public pages' URLs, one module per part
(tests/test_permissions.py merges them): each module has ``ROWS`` ({(url name, object, method):
statuses in PERSONAS order}) and ``objects(world)`` ({object name: a function that makes it}).
Object names start with the part's name so the parts never clash."""

from importlib import import_module

PARTS = ("dashboard", "public")


def rows():
    table = {}
    for part in PARTS:
        table.update(import_module(f"{__name__}.{part}").ROWS)
    return table


def objects(world):
    made = {}
    for part in PARTS:
        made.update(import_module(f"{__name__}.{part}").objects(world))
    return made
