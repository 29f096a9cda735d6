"""What a queue search matches, and how it is found whether the term is rare or common.

The rule (the reference in any case, or part of the title, of a team member's e-mail or of their name) has its
home here; `reviews.selectors.queue` applies it. `docs/adr/0008-queues-read-from-their-own-indexes.md`.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from applications.models import Application, TeamMember

# A search matching more entries than this (applications by title, people by e-mail or name) walks the queue's
# index checking each entry; one matching fewer reads just the applications it matches.
SEARCH_BOUND = 500


def matching(term: str) -> tuple[Q, bool]:
    """What a search matches, and whether the term is common (more than SEARCH_BOUND applications match it).

    A search matches the reference (in any case), or part of the title, of a team member's e-mail or of their
    name. One query first finds the applications matching, up to SEARCH_BOUND of them, through trigram indexes
    (PostgreSQL, `reviews/migrations/0003` and `0006`).

    When that finds them all, the queue is read for just those applications. When it is cut short, the term is
    common (a domain every researcher's address has, a word of most titles), and the queue's index is walked in
    the page's order, checking each entry's title and people in turn, until the page and the count are found:
    the set of everything matching is never built. (`docs/adr/0008-queues-read-from-their-own-indexes.md`)
    """
    found = _matching(term, SEARCH_BOUND + 1)
    if len(found) <= SEARCH_BOUND:
        return Q(pk__in=set(found)), False
    return Q(reference__iexact=term) | Q(title__icontains=term) | Q(_has_person(term)), True


def _like(column: str) -> str:
    """`column` holds the bound pattern, case-insensitively, as Django's icontains reads it on each database."""
    if connection.vendor == "postgresql":
        return f"UPPER({column}::text) LIKE UPPER(%s)"
    return f"{column} LIKE %s ESCAPE '\\'"  # SQLite's LIKE ignores case already


def _matching(term: str, limit: int) -> list:
    """Ids of applications matching the term, up to `limit` rows (an application may come more than once)."""
    with connection.cursor() as cursor:
        cursor.execute(*matching_sql(term, limit))
        return [row[0] for row in cursor.fetchall()]


def matching_sql(term: str, limit: int) -> tuple[str, list]:
    """The SQL of `_matching`: each branch is one index lookup (the reference's unique index, the trigrams of
    titles, of names and of e-mails), and the LIMIT stops at the branch that a common term fills. The members'
    e-mails, the longest table, come last: a name common enough to fill the bound never reaches them."""
    table = Application._meta.db_table
    member = TeamMember._meta.db_table
    user = get_user_model()._meta.db_table
    pattern = f"%{connection.ops.prep_for_like_query(term)}%"
    # The term is a bound parameter; the SQL around it is fixed.
    sql = (
        f"SELECT a.id FROM {table} a WHERE a.reference = %s "  # noqa: S608
        f"UNION ALL SELECT a.id FROM {table} a WHERE {_like('a.title')} "
        f"UNION ALL SELECT m.application_id FROM {member} m JOIN {user} u ON u.id = m.user_id "
        f"WHERE {_like('u.full_name')} "
    )
    params = [term.upper(), pattern, pattern]
    if _may_be_in_an_email(term):
        sql += f"UNION ALL SELECT m.application_id FROM {member} m WHERE {_like('m.email')} "  # noqa: S608
        params.append(pattern)
    return sql + f"LIMIT {int(limit)}", params


def _may_be_in_an_email(term: str) -> bool:
    """An e-mail address holds no space, so a term with one is looked for in names alone: the e-mails' trigram
    index, whose commonest trigrams (those of `researcher`) are in nearly every address, is not read at all."""
    return not any(character.isspace() for character in term)


def _has_person(term: str) -> RawSQL:
    """The application in the row has a team member whose e-mail or name holds the term: a lookup of its own
    members (by their application's index), and of a member's user only when the e-mail does not match, made for
    each entry the walk reaches.

    Each OFFSET 0 keeps PostgreSQL from planning its EXISTS as a hashed list of every matching person (which it
    chooses by the queue's length, not the page's): the members', and the users' by name. That list, for a
    common term, is what this avoids; without the users' OFFSET a name common among people but in no e-mail
    (`researcher 2` among the generated people) read and hashed every user whose name matched, for the page and
    again for the count.
    """
    table = Application._meta.db_table
    member = TeamMember._meta.db_table
    user = get_user_model()._meta.db_table
    pattern = f"%{connection.ops.prep_for_like_query(term)}%"
    quote = connection.ops.quote_name
    in_email = _may_be_in_an_email(term)
    # The term is a bound parameter; the SQL around it is fixed.
    return RawSQL(  # noqa: S611
        f"EXISTS (SELECT 1 FROM {member} m WHERE m.application_id = {quote(table)}.{quote('id')} "  # noqa: S608
        f"AND ({_like('m.email') + ' OR ' if in_email else ''}EXISTS (SELECT 1 FROM {user} u WHERE u.id = m.user_id "
        f"AND {_like('u.full_name')} OFFSET 0)) LIMIT 1 OFFSET 0)",
        [pattern, pattern] if in_email else [pattern],
        output_field=BooleanField(),
    )
