"""The monthly report (月报): locked snapshots of a city's progress, built, submitted and reopened."""
