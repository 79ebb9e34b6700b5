"""Lookups Django leaves to crash on junk input."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    """``__in`` on an integer column, leaving out the numbers such a column cannot hold: they match
    no row, and SQLite raises OverflowError on them (Django spares only =, <, <=, > and >=). Model
    multiple-choice fields and the admin's autocomplete widgets query with the ids they are sent."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register():
    IntegerField.register_lookup(IntegerFieldIn)
