"""Database expressions the ORM lacks, written once for every backend we run on."""

from django.db.models import FloatField, Func


class DaysBetween(Func):
    """Days from ``earlier`` to ``later`` as a float (negative when ``later`` comes first), for dates."""

    output_field = FloatField()
    arity = 2

    def __init__(self, later, earlier, **extra):
        super().__init__(later, earlier, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date - date is an integer count of days; cast so that ratios do not divide integers.
        return super().as_sql(
            compiler,
            connection,
            template="CAST((%(expressions)s) AS double precision)",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra_context
        )
