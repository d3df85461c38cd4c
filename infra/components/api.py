"""HttpApi: API Gateway HTTP API routing `POST /graphql` and `POST /webhooks/stripe` to their Lambdas."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra.components.functions import InvokeTarget
from infra.config import ApiLimits

STAGE = "$default"
MAX_INTEGRATION_TIMEOUT_MS = 30_000  # HTTP API's limit

# One JSON object per request ($context variables of HTTP APIs).
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "time": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "integrationStatus": "$context.integrationStatus",
    "integrationError": "$context.integrationErrorMessage",
}


@dataclass(frozen=True)
class HttpApiArgs:
    # Route key ("POST /graphql") → the function (or its alias) serving it. No `GET /graphql`: queries over GET are
    # off in production (CSRF-style abuse, caches keeping answers), so API Gateway answers 404 before any Lambda runs.
    routes: Mapping[str, InvokeTarget]
    timeouts_s: Mapping[str, int]  # route key → its function's timeout
    limits: ApiLimits = field(default_factory=ApiLimits)
    # The SPA calls `/graphql` on its own origin (CloudFront routes it here), which needs no CORS; these are the
    # other origins allowed to call the API from a browser (a dev server, a second front end).
    cors_origins: Sequence[str] = ()
    log_retention_days: int = 30


class HttpApi(pulumi.ComponentResource):
    def __init__(self, name: str, args: HttpApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fulfillment:index:HttpApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.api = aws.apigatewayv2.Api(
            f"{name}-http",
            protocol_type="HTTP",
            description="GraphQL API and Stripe webhook",
            cors_configuration=(
                {
                    "allow_origins": list(args.cors_origins),
                    "allow_methods": ["POST", "OPTIONS"],
                    "allow_headers": ["authorization", "content-type"],
                    "max_age": 3600,
                }
                if args.cors_origins
                else None
            ),
            opts=child,
        )
        access_logs = aws.cloudwatch.LogGroup(
            f"{name}-http-access",
            name=f"/aws/http-api/{name}",
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        routes = []
        for route_key, target in sorted(args.routes.items(), key=lambda route: route[0]):
            slug = _slug(route_key)
            integration = aws.apigatewayv2.Integration(
                f"{name}-{slug}",
                api_id=self.api.id,
                integration_type="AWS_PROXY",
                integration_uri=target.invoke_arn,
                integration_method="POST",
                payload_format_version="2.0",
                timeout_milliseconds=min(args.timeouts_s[route_key] * 1000 + 1000, MAX_INTEGRATION_TIMEOUT_MS),
                opts=child,
            )
            routes.append(
                aws.apigatewayv2.Route(
                    f"{name}-{slug}",
                    api_id=self.api.id,
                    route_key=route_key,
                    target=pulumi.Output.concat("integrations/", integration.id),
                    opts=child,
                )
            )
            method, path = route_key.split(" ", 1)
            aws.lambda_.Permission(
                f"{name}-{slug}",
                action="lambda:InvokeFunction",
                function=target.function_name,
                qualifier=target.qualifier,  # the alias API Gateway invokes, where there is one
                principal="apigateway.amazonaws.com",
                # This route only, on any stage: `<api execution ARN>/<stage>/<method><path>`.
                source_arn=pulumi.Output.concat(self.api.execution_arn, "/*/", method, path),
                opts=child,
            )
        self.stage = aws.apigatewayv2.Stage(
            f"{name}-default",
            api_id=self.api.id,
            name=STAGE,
            auto_deploy=True,
            default_route_settings={
                "throttling_rate_limit": args.limits.rate,
                "throttling_burst_limit": args.limits.burst,
            },
            access_log_settings={
                "destination_arn": access_logs.arn,
                "format": json.dumps(ACCESS_LOG_FORMAT, sort_keys=True),
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=routes),
        )
        self.endpoint: pulumi.Output[str] = self.api.api_endpoint
        self.register_outputs({"endpoint": self.endpoint, "apiId": self.api.id})


def _slug(route_key: str) -> str:
    """ "POST /webhooks/stripe" → "post-webhooks-stripe": a resource name."""
    return "-".join(part for part in route_key.lower().replace("/", " ").split() if part)
