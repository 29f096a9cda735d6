"""The service itself as an actor, for transitions nobody clicks (automatic ones)."""


class _System:
    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    email = ""

    def __str__(self):
        return "LEO Access (automatic)"

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()
