"""Per-client limits at the edge: a WAF rate rule on the CloudFront distribution, and an API that answers only
requests CloudFront forwarded (its secret origin header), so the HTTP API's own URL is no way around the WAF."""

from __future__ import annotations

import json

from commerce.adapters.edge import ORIGIN_HEADER
from commerce.secrets import EDGE
from infra.components.web import ALL_VIEWER_EXCEPT_HOST_HEADER, API_PATHS, RATE_WINDOW_SECONDS
from infra.deployment import DEPLOYMENT
from tests.infra.program import ORIGIN_SECRET, Program, Resource

APP = "fulfillment-test"
ACL = "aws:wafv2/webAcl:WebAcl"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


def the_acl(program: Program) -> Resource:
    (acl,) = program.of_type(ACL)
    return acl


def test_the_web_acl_is_made_for_cloudfront_in_us_east_1_and_fronts_the_distribution(program: Program) -> None:
    acl = the_acl(program)
    assert acl.inputs["scope"] == "CLOUDFRONT", acl
    assert acl.provider, f"{acl} is made with the stack's default provider (its region)"
    _, provider_name, _ = acl.provider.rsplit("::", 2)  # "<urn ending in ::name>::<id>"
    provider = program.one("pulumi:providers:aws", provider_name)
    assert provider.inputs["region"] == "us-east-1", f"{acl} is made with {provider}"
    distribution = program.one(DISTRIBUTION, f"{APP}-web")
    assert distribution.inputs["webAclId"] == acl.state["arn"], f"{distribution} is not behind {acl}"


def test_each_client_is_rate_limited_on_graphql_and_told_429(program: Program) -> None:
    acl = the_acl(program)
    assert acl.inputs["defaultAction"] == {"allow": {}}
    (rule,) = acl.inputs["rules"]
    rate = rule["statement"]["rateBasedStatement"]
    assert rate["aggregateKeyType"] == "IP" and rate["limit"] == 1000, rule
    assert rate["evaluationWindowSec"] == RATE_WINDOW_SECONDS
    match = rate["scopeDownStatement"]["byteMatchStatement"]
    assert (match["searchString"], match["positionalConstraint"]) == ("/graphql", "STARTS_WITH"), rule
    assert rule["action"]["block"]["customResponse"]["responseCode"] == 429


def test_cloudfront_sends_the_api_the_generated_origin_secret_the_api_functions_read(program: Program) -> None:
    distribution = program.one(DISTRIBUTION, f"{APP}-web")
    (api_origin,) = [origin for origin in distribution.inputs["origins"] if origin["originId"] == "api"]
    assert api_origin["customHeaders"] == [{"name": ORIGIN_HEADER, "value": ORIGIN_SECRET[:48]}]
    assert "origins" in distribution.secret_inputs, f"{distribution} holds the origin secret in plain text"
    version = program.one("aws:secretsmanager/secretVersion:SecretVersion", f"{APP}-edge")
    assert json.loads(version.inputs["secretString"]) == {
        "origin_secret": ORIGIN_SECRET[:48],
        "origin_secret_previous": "",
    }


def test_only_the_functions_behind_the_http_api_are_told_the_origin_secret(program: Program) -> None:
    told = {
        function.name
        for function in DEPLOYMENT.functions
        if EDGE
        in program.one("aws:lambda/function:Function", f"{APP}-{function.name}").inputs["environment"]["variables"]
    }
    assert told == {"api", "stripe-webhook"}


def test_the_api_behaviours_forward_cloudfronts_viewer_address_and_not_the_viewers_host(program: Program) -> None:
    # The admin login throttles per CloudFront-Viewer-Address; AllViewerExceptHostHeader is the managed policy that
    # adds it (with every CloudFront header) while leaving API Gateway its own Host.
    distribution = program.one(DISTRIBUTION, f"{APP}-web")
    behaviours = {b["pathPattern"]: b for b in distribution.inputs["orderedCacheBehaviors"]}
    for path in API_PATHS:
        policy = behaviours[path]["originRequestPolicyId"]
        assert policy == ALL_VIEWER_EXCEPT_HOST_HEADER, f"{distribution} forwards {path} with {policy}"
