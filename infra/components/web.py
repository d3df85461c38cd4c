"""WebApp: the SPA in a private bucket behind CloudFront, which also routes `/graphql` and `/webhooks/*` to the API.

One origin for the browser: the SPA calls `/graphql` on its own host (no CORS), and reads `/config.json`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from commerce.adapters.edge import ORIGIN_HEADER
from infra.components.iam import document, service_grant

SPA_ROUTING = Path(__file__).with_name("spa_routing.js")
CONFIG_OBJECT = "config.json"

# AWS managed policies, by their documented ids (CloudFront developer guide, "Use managed ... policies").
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
# API Gateway needs its own Host header; this policy also adds every CloudFront header, CloudFront-Viewer-Address
# among them: the admin login counts attempts per viewer address (graphql_api/context.py, caller_address).
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"

ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
API_PATHS = ("/graphql", "/webhooks/*")
# WAF counts each client's requests over this window (60, 120, 300 or 600 s; AWS WAF, "Rate-based rule statement").
RATE_WINDOW_SECONDS = 300

# Vite names every asset by its content hash: cache those for a year; everything else revalidates.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
CONTENT_TYPES = {
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".ico": "image/x-icon",
    ".js": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}


@dataclass(frozen=True)
class WebAppArgs:
    api_endpoint: pulumi.Input[str]  # https://<id>.execute-api.<region>.amazonaws.com
    client_config: Mapping[str, Any]  # served as /config.json: what the SPA needs to know at run time
    origin_secret: pulumi.Input[str]  # sent to the API as ORIGIN_HEADER; the API refuses requests without it
    dist: Path | None = None  # the built SPA (frontend/dist), uploaded when present
    price_class: str = "PriceClass_100"
    requests_per_client: int = 1000  # per IP address and RATE_WINDOW_SECONDS, to /graphql; above it WAF answers 429


class WebApp(pulumi.ComponentResource):
    def __init__(self, name: str, args: WebAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fulfillment:index:WebApp", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(
            f"{name}-web",
            force_destroy=True,  # it only holds build output; `pulumi destroy` must not stop at a non-empty bucket
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-web", bucket=self.bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-web",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-web",
            bucket=self.bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=child,
        )
        access = aws.cloudfront.OriginAccessControl(
            f"{name}-web",
            description="CloudFront reads the web app's bucket, signed",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        routing = aws.cloudfront.Function(
            f"{name}-spa-routing",
            runtime="cloudfront-js-2.0",
            comment="Client-side routes of the SPA serve index.html",
            code=SPA_ROUTING.read_text(),
            publish=True,
            opts=child,
        )
        self.firewall = self._firewall(name, args.requests_per_client)
        api_host = pulumi.Output.from_input(args.api_endpoint).apply(lambda url: url.removeprefix("https://"))
        self.distribution = aws.cloudfront.Distribution(
            f"{name}-web",
            enabled=True,
            comment=f"{name}: web app and API",
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=args.price_class,
            default_root_object="index.html",
            origins=[
                {
                    "origin_id": "web",
                    "domain_name": self.bucket.bucket_regional_domain_name,
                    "origin_access_control_id": access.id,
                },
                {
                    "origin_id": "api",
                    "domain_name": api_host,
                    "custom_origin_config": {
                        "http_port": 80,
                        "https_port": 443,
                        "origin_protocol_policy": "https-only",
                        "origin_ssl_protocols": ["TLSv1.2"],
                    },
                    # CloudFront overwrites a viewer's header of the same name, so only it can send the value.
                    "custom_headers": [{"name": ORIGIN_HEADER, "value": pulumi.Output.secret(args.origin_secret)}],
                },
            ],
            web_acl_id=self.firewall.arn,
            default_cache_behavior={
                "target_origin_id": "web",
                "viewer_protocol_policy": "redirect-to-https",
                "allowed_methods": ["GET", "HEAD"],
                "cached_methods": ["GET", "HEAD"],
                "compress": True,
                "cache_policy_id": CACHING_OPTIMIZED,
                "response_headers_policy_id": SECURITY_HEADERS,
                "function_associations": [{"event_type": "viewer-request", "function_arn": routing.arn}],
            },
            ordered_cache_behaviors=[
                {
                    "path_pattern": path,
                    "target_origin_id": "api",
                    "viewer_protocol_policy": "https-only",
                    "allowed_methods": ALL_METHODS,
                    "cached_methods": ["GET", "HEAD"],
                    "compress": True,
                    "cache_policy_id": CACHING_DISABLED,
                    "origin_request_policy_id": ALL_VIEWER_EXCEPT_HOST_HEADER,
                }
                for path in API_PATHS
            ],
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate={"cloudfront_default_certificate": True},
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"{name}-web",
            bucket=self.bucket.id,
            policy=pulumi.Output.json_dumps(
                document(
                    service_grant(
                        "ThisDistributionReadsObjects",
                        "cloudfront.amazonaws.com",
                        "s3:GetObject",
                        pulumi.Output.concat(self.bucket.arn, "/*"),
                        source_arn=self.distribution.arn,
                    )
                )
            ),
            opts=child,
        )
        aws.s3.BucketObjectv2(
            f"{name}-{CONFIG_OBJECT}",
            bucket=self.bucket.id,
            key=CONFIG_OBJECT,
            content=json.dumps(dict(args.client_config), sort_keys=True),
            content_type="application/json",
            cache_control=REVALIDATE,
            opts=child,
        )
        self.assets = self._upload(name, args.dist)
        self.url: pulumi.Output[str] = pulumi.Output.concat("https://", self.distribution.domain_name)
        self.register_outputs({"url": self.url, "bucket": self.bucket.bucket, "distributionId": self.distribution.id})

    def _firewall(self, name: str, requests_per_client: int) -> aws.wafv2.WebAcl:
        """A per-client rate limit on /graphql: HTTP APIs throttle per route and stage only, and take no WAF.

        A web ACL for CloudFront lives in us-east-1 whatever the stack's region ("Using AWS WAF with CloudFront").
        The webhook is left out: Stripe's retries come from a handful of its addresses and must not be throttled.
        """
        us_east_1 = aws.Provider(f"{name}-us-east-1", region="us-east-1", opts=pulumi.ResourceOptions(parent=self))
        metric = f"{name}-graphql-rate"
        return aws.wafv2.WebAcl(
            f"{name}-edge",
            scope="CLOUDFRONT",
            description="Per-client rate limit on the GraphQL API",
            default_action={"allow": {}},
            rules=[
                {
                    "name": "graphql-rate-per-ip",
                    "priority": 0,
                    # 429 rather than WAF's default 403: the client is told to slow down, not that it is banned.
                    "action": {"block": {"custom_response": {"response_code": 429}}},
                    "statement": {
                        "rate_based_statement": {
                            "limit": requests_per_client,
                            "evaluation_window_sec": RATE_WINDOW_SECONDS,
                            "aggregate_key_type": "IP",
                            "scope_down_statement": {
                                "byte_match_statement": {
                                    "field_to_match": {"uri_path": {}},
                                    "positional_constraint": "STARTS_WITH",
                                    "search_string": "/graphql",
                                    "text_transformations": [{"priority": 0, "type": "NONE"}],
                                }
                            },
                        }
                    },
                    "visibility_config": {
                        "cloudwatch_metrics_enabled": True,
                        "metric_name": metric,
                        "sampled_requests_enabled": True,
                    },
                }
            ],
            visibility_config={
                "cloudwatch_metrics_enabled": True,
                "metric_name": f"{name}-edge",
                "sampled_requests_enabled": True,
            },
            opts=pulumi.ResourceOptions(parent=self, provider=us_east_1),
        )

    def _upload(self, name: str, dist: Path | None) -> list[str]:
        """Every file of the built SPA (but its own config.json: the stack's wins), or nothing when not built."""
        if dist is None or not (dist / "index.html").is_file():
            pulumi.log.warn(
                f"the web app is not built ({dist}): run `npm --prefix frontend run build`, then `pulumi up` again",
                resource=self,
            )
            return []
        keys = sorted(path.relative_to(dist).as_posix() for path in dist.rglob("*") if path.is_file())
        keys = [key for key in keys if key != CONFIG_OBJECT]
        for key in keys:
            path = dist / key
            aws.s3.BucketObjectv2(
                f"{name}-web-{key}",
                bucket=self.bucket.id,
                key=key,
                source=pulumi.FileAsset(str(path)),
                source_hash=hashlib.sha256(path.read_bytes()).hexdigest(),  # index.html changes under the same key
                content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
                cache_control=IMMUTABLE if key.startswith("assets/") else REVALIDATE,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return keys
