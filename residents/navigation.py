"""The 居民 dropdown of the menu bar: households, surveys, contributions and complaints gather under it."""

RESIDENTS_GROUP = "residents"
