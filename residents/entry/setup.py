"""What residents.entry registers with the layers below it, called from ResidentsConfig.ready()."""


def register():
    pass
