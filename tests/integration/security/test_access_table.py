"""Metatests: every URL, service and transition has an entry in the access table, and every entry is real."""

import importlib
import inspect

from django.urls import URLPattern, URLResolver, get_resolver

from applications.models import Amendment, Application
from leo_access.access import (
    AMENDMENT_TRANSITION_ACCESS,
    SERVICE_ACCESS,
    SERVICE_MODULES,
    TRANSITION_ACCESS,
    URL_ACCESS,
    access_for,
)
from leo_access.permissions import PERMISSIONS

NOT_PERMISSIONS = {"self", "system"}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"


def test_every_url_has_an_entry_in_the_access_table():
    missing = sorted(name for name in set(url_names()) if access_for(name) is None)
    assert missing == [], f"Add these URLs to leo_access.access.URL_ACCESS: {missing}"


def test_every_entry_in_the_access_table_is_a_url_and_names_a_real_permission():
    names = set(url_names())
    assert sorted(set(URL_ACCESS) - names) == []
    for name, access in URL_ACCESS.items():
        assert access.public or access.action is None or access.action in PERMISSIONS, name
        assert all(action in PERMISSIONS for action in access.also), name
        assert access.refused in (403, 404), name


def acting_services():
    """Every public function of the services modules that acts for someone (takes `by`)."""
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module_name or name.startswith("_"):
                continue
            if "by" in inspect.signature(function).parameters:
                yield f"{module_name}.{name}"


def test_every_service_that_acts_for_someone_has_an_entry():
    missing = sorted(set(acting_services()) - set(SERVICE_ACCESS))
    assert missing == [], f"Add these services to leo_access.access.SERVICE_ACCESS: {missing}"
    assert sorted(set(SERVICE_ACCESS) - set(acting_services())) == []
    known = set(PERMISSIONS) | NOT_PERMISSIONS
    unknown = {name: action for name, action in SERVICE_ACCESS.items() if action not in known}
    assert unknown == {}


def test_every_transition_is_guarded_by_the_permission_the_table_names():
    transitions = {t.name: t for t in Application().get_all_state_transitions()}
    assert sorted(transitions) == sorted(TRANSITION_ACCESS)
    for name, transition in transitions.items():
        assert transition.permission.action == TRANSITION_ACCESS[name], name


def test_every_amendment_transition_is_guarded_by_the_permission_the_table_names():
    transitions = {t.name: t for t in Amendment().get_all_state_transitions()}
    assert sorted(transitions) == sorted(AMENDMENT_TRANSITION_ACCESS)
    for name, transition in transitions.items():
        assert transition.permission.action == AMENDMENT_TRANSITION_ACCESS[name], name


def test_every_permission_is_used_somewhere():
    used = {access.action for access in URL_ACCESS.values()} | set(SERVICE_ACCESS.values())
    used |= {action for access in URL_ACCESS.values() for action in access.also}
    for actions in TRANSITION_ACCESS.values():
        used |= {actions} if isinstance(actions, str) else set(actions)
    used |= set(AMENDMENT_TRANSITION_ACCESS.values()) | {"admin_site.use"}
    assert sorted(set(PERMISSIONS) - used) == []
