"""Who is an official: one permission, ``accounts.official``, granted to the Officials group
(and held by every superuser). Other apps' rules combine this predicate with their own."""

import rules


@rules.predicate
def is_official(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("accounts.official"))
