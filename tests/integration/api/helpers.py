"""Calling the API as a program would: with a personal token made by the real service, or with a session."""

import json

from rest_framework.test import APIClient

from api.tokens import issue_token
from leo_access.actors import SYSTEM
from tests.conftest import Client


def token_for(user, scope="write", days=30) -> str:
    return issue_token(user=user, by=SYSTEM, name="test", scope=scope, days=days)[1]


def token_client(user, scope="write") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, scope)}")
    return client


def session_client(user) -> Client:
    """The site's own session, with the second factor everyone signs in with."""
    client = Client()
    client.force_login(user)
    return client


def body(response):
    return json.loads(response.content)
