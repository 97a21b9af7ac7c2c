"""Check constraints evaluated in Python: an import validates thousands of rows, and the database would take three
queries for each row's every ``CheckConstraint``. What this does not evaluate is left to the database."""

import re

from django.db.models import CheckConstraint, F, Q

UNDECIDED = object()
COMPARISONS = {
    "exact": lambda value, other: value == other,
    "gt": lambda value, other: value > other,
    "gte": lambda value, other: value >= other,
    "lt": lambda value, other: value < other,
    "lte": lambda value, other: value <= other,
}


def check_in_python(constraint, instance, exclude):
    """Whether ``instance`` passes a check constraint, found without the database: True (also when the condition is
    unknown for a null, as in SQL), False, or ``UNDECIDED`` for what this does not evaluate (other kinds of
    constraint, other lookups, expressions), which the database then checks. A constraint on an excluded field
    passes, as in Django's own validation."""
    if not isinstance(constraint, CheckConstraint):
        return UNDECIDED
    meta = instance._meta

    def value_of(name):
        field = meta.get_field(name)
        if field.name in exclude:
            raise LookupError
        return getattr(instance, field.attname)

    def evaluate(node):
        results = []
        for child in node.children:
            if isinstance(child, Q):
                result = evaluate(child)
            else:
                lookup, expected = child
                name, _sep, operator = lookup.partition("__")
                operator = operator or "exact"
                value = value_of(name)
                if isinstance(expected, F):
                    expected = value_of(expected.name)
                elif hasattr(expected, "resolve_expression"):
                    raise NotImplementedError
                if operator == "isnull":
                    result = (value is None) == bool(expected)
                elif value is None or expected is None:
                    result = None
                elif operator in COMPARISONS:
                    result = COMPARISONS[operator](value, expected)
                elif operator == "regex":
                    result = re.search(expected, str(value)) is not None
                elif operator == "in":
                    result = value in expected
                else:
                    raise NotImplementedError
            results.append(result)
        if node.connector == Q.AND:
            outcome = False if False in results else None if None in results else True
        else:
            outcome = True if True in results else None if None in results else False
        return (None if outcome is None else not outcome) if node.negated else outcome

    try:
        return evaluate(constraint.condition) is not False
    except LookupError:
        return True
    except Exception:  # anything this cannot evaluate: the database decides
        return UNDECIDED
