"""Schemathesis against /v1/openapi.json: generated requests (bounded) get no 5xx and no off-schema response."""
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from api import create_app
from tagkg.config import Settings

# A reader key: every read runs for real; writes answer 403, so generated data never lands in the graph.
READER = {"X-API-Key": "reader-key-0123456789"}
# Built at import (conftest has pointed the environment at the test Neo4j); it connects on first use.
APP = create_app(Settings.from_env().with_(api_keys=(("fuzz", "reader", READER["X-API-Key"]),), cypher_timeout_s=2.0),
                 {"TESTING": True})
schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", APP)


@schema.parametrize()
@hypothesis_settings(max_examples=6, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(HealthCheck))
def test_generated_requests_conform(case, graph):
    case.call_and_validate(headers=READER,
                           checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
