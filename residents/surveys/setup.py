"""What residents.surveys registers with the layers below it, called from ResidentsConfig.ready()."""


def register():
    pass
