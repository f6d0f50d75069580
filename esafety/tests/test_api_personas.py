"""The API follows the pages' rules, never a second set: for every operation of the schema
and every persona of the permission matrix, a key made by that persona (forced in, where
the key page would refuse it) is let through exactly when the persona passes the scope's
page rule and may manage the school's integrations."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from esafety.api import registered_scopes
from esafety.api.auth import KEY_PREFIX
from esafety.models import ApiToken, hash_token
from esafety.roles import allowed
from esafety.testing import Personas


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if operation.get("x-scope"):
                yield method, path, operation["x-scope"]


@pytest.mark.parametrize("persona", [n for n in Personas.NAMES if not n.startswith("other_")])
def test_each_operation_lets_in_a_key_exactly_when_its_maker_passes_the_pages_rules(
    persona, personas, client
):
    maker = personas.get(persona)
    for method, path, scope in operations():
        key = f"{KEY_PREFIX}{persona}-{method}-{path}"
        ApiToken.objects.create(
            school=personas.school,
            name=scope,
            scopes=[scope],
            key_prefix=key[:10],
            key_hash=hash_token(key),
            created_by=maker,
        )
        url = path.replace("{asset_tag}", "NO-SUCH-TAG")
        answer = getattr(client, method)(
            url, {}, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
        )
        may = allowed(maker, "esafety.manage_api_tokens", personas.school) and allowed(
            maker, registered_scopes()[scope].rule, personas.school
        )
        assert (answer.status_code not in (401, 403)) == may, (persona, method, path, answer.json())
