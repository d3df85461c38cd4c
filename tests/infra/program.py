"""Run the real Pulumi program (`infra/__main__.py`) under Pulumi's mocks and keep every resource it registers.

The mocks answer like AWS would: ids and ARNs in AWS's formats, physical names as Pulumi's autonaming makes them,
so the program's cross-references (role → policy, rule → target → permission) can be checked as they would deploy.
"""

from __future__ import annotations

import asyncio
import contextlib
import runpy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.settings import get_root_resource

from infra.components import packaging

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "infra" / "__main__.py"
PROJECT = "fulfillment"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
PARTITION = "aws"
AUTONAME_SUFFIX = "-1a2b3c4"  # Pulumi appends seven random hex digits to an autonamed resource
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
ORIGIN_SECRET = "m0ck0r1g1nS3cr3t" * 4  # what the mocked RandomPassword makes
_SIG_KEY = "4dabf18193072939515e22adb298388d"


@dataclass
class Resource:
    type: str
    name: str
    inputs: dict[str, Any]  # secrets unwrapped
    state: dict[str, Any]
    secret_inputs: frozenset[str]  # top-level inputs that are (or contain) Pulumi secrets
    parent_type: str = ""
    provider: str = ""  # the explicit provider's reference ("<urn>::<id>"), empty for the default one

    def __str__(self) -> str:
        return f"{self.type} {self.name!r}"


@dataclass
class Program:
    resources: list[Resource]
    outputs: dict[str, Any]
    config: dict[str, str]
    warnings: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[Resource]:
        return [resource for resource in self.resources if resource.type == type_]

    def one(self, type_: str, name: str) -> Resource:
        found = [resource for resource in self.of_type(type_) if resource.name == name]
        assert len(found) == 1, f"expected one {type_} named {name!r}, found {len(found)}"
        return found[0]

    def by_id(self, type_: str, id_: str) -> Resource:
        found = [resource for resource in self.of_type(type_) if resource.state.get("id") == id_]
        assert len(found) == 1, f"expected one {type_} with id {id_!r}, found {len(found)}"
        return found[0]


def arn(service: str, resource: str, *, region: str = REGION) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{ACCOUNT}:{resource}"


class AwsMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.recorded: list[Resource] = []

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        answers: dict[str, dict[str, Any]] = {
            "aws:index/getCallerIdentity:getCallerIdentity": {
                "accountId": ACCOUNT,
                "arn": f"arn:aws:iam::{ACCOUNT}:user/deployer",
                "userId": "AIDAMOCK",
                "id": ACCOUNT,
            },
            "aws:index/getRegion:getRegion": {
                "region": REGION,
                "name": REGION,
                "id": REGION,
                "endpoint": f"ec2.{REGION}.amazonaws.com",
                "description": "Europe (Ireland)",
            },
            "aws:index/getPartition:getPartition": {
                "partition": PARTITION,
                "dnsSuffix": "amazonaws.com",
                "reverseDnsPrefix": "com.amazonaws",
                "id": PARTITION,
            },
        }
        if args.token not in answers:
            raise NotImplementedError(f"the mocks do not answer {args.token}")
        return answers[args.token], []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs, secret_inputs = _unwrap_secrets(args.inputs)
        id_, computed = _aws_state(args.typ, args.name, inputs)
        state = {**args.inputs, **computed}
        state_of = {**inputs, **computed, "id": id_}
        self.recorded.append(
            Resource(args.typ, args.name, inputs, state_of, secret_inputs, provider=args.provider or "")
        )
        return id_, state


def run_program(
    config: Mapping[str, str], secrets: Iterable[str], bundle: packaging.Bundle, stack: str = "test"
) -> Program:
    """Runs `infra/__main__.py` as `pulumi up` would, but against the mocks and with a prepared bundle."""
    # Pulumi's mocks create futures on the current loop; an earlier asyncio.run (unit tests of async code, run in
    # the same session) leaves the main thread with none.
    asyncio.set_event_loop(asyncio.new_event_loop())
    cloud = AwsMocks()
    monitor = pulumi_mocks.MockMonitor(cloud)
    warnings: list[str] = []
    pulumi.runtime.set_mocks(cloud, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(
        {f"{PROJECT}:{key}": value for key, value in config.items()}, [f"{PROJECT}:{key}" for key in secrets]
    )
    outputs: dict[str, Any] = {}

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> pulumi.Output[None]:
        # As pulumi-language-python-exec runs `main: infra/`: from that directory, the directory as the program.
        with contextlib.chdir(MAIN.parent):
            runpy.run_path(".", run_name="__main__")
        root = get_root_resource()
        assert root is not None
        return pulumi.Output.all(**root.outputs).apply(outputs.update)  # type: ignore[attr-defined]

    with (
        mock.patch.object(packaging, "build_bundle", return_value=bundle),
        mock.patch.object(pulumi.log, "warn", side_effect=lambda message, *a, **k: warnings.append(message)),
    ):
        program()
    parents = _parent_types(monitor)
    for resource in cloud.recorded:
        resource.parent_type = parents.get((resource.type, resource.name), "")
    return Program(cloud.recorded, outputs, dict(config), warnings)


def _parent_types(monitor: pulumi_mocks.MockMonitor) -> dict[tuple[str, str], str]:
    """(type, name) → the parent's type, read from each URN's `parentType$type` qualifier."""
    parents: dict[tuple[str, str], str] = {}
    for urn in monitor.resources:
        _, _, qualified, name = urn.split("::", 3)
        *ancestors, type_ = qualified.split("$")
        parents[(type_, name)] = ancestors[-1] if ancestors else ""
    return parents


def _unwrap_secrets(inputs: dict[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    secret: set[str] = set()
    unwrapped = {}
    for key, value in inputs.items():
        plain, was_secret = _unwrap(value)
        unwrapped[key] = plain
        if was_secret:
            secret.add(key)
    return unwrapped, frozenset(secret)


def _unwrap(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return _unwrap(value["value"])[0], True
        pairs = {key: _unwrap(item) for key, item in value.items()}
        return {key: plain for key, (plain, _) in pairs.items()}, any(flag for _, flag in pairs.values())
    if isinstance(value, list):
        items = [_unwrap(item) for item in value]
        return [plain for plain, _ in items], any(flag for _, flag in items)
    return value, False


def _aws_state(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:  # noqa: PLR0911, PLR0912
    """The id and computed outputs AWS (through the provider) would give the resource."""
    physical = inputs.get("name") or f"{name}{AUTONAME_SUFFIX}"
    match type_:
        case "aws:dynamodb/table:Table":
            return physical, {"name": physical, "arn": arn("dynamodb", f"table/{physical}")}
        case "aws:lambda/function:Function":
            function_arn = arn("lambda", f"function:{physical}")
            invoke = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
            state = {"name": physical, "arn": function_arn, "invokeArn": invoke, "version": "$LATEST"}
            if inputs.get("publish"):
                state |= {"version": "1", "qualifiedArn": f"{function_arn}:1"}
            return physical, state
        case "aws:lambda/alias:Alias":
            alias = arn("lambda", f"function:{inputs['functionName']}:{inputs['name']}")
            invoke = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{alias}/invocations"
            return alias, {"arn": alias, "invokeArn": invoke}
        case "aws:lambda/layerVersion:LayerVersion":
            layer = arn("lambda", f"layer:{inputs['layerName']}")
            return f"{layer}:1", {"arn": f"{layer}:1", "layerArn": layer, "version": "1"}
        case "aws:iam/role:Role":
            return physical, {"name": physical, "arn": f"arn:aws:iam::{ACCOUNT}:role/{physical}"}
        case "aws:cloudwatch/logGroup:LogGroup":
            return physical, {"name": physical, "arn": arn("logs", f"log-group:{physical}")}
        case "aws:sfn/stateMachine:StateMachine":
            machine = arn("states", f"stateMachine:{physical}")
            return machine, {"name": physical, "arn": machine}
        case "aws:cloudwatch/eventBus:EventBus":
            return physical, {"name": physical, "arn": arn("events", f"event-bus/{physical}")}
        case "aws:cloudwatch/eventRule:EventRule":
            bus = inputs.get("eventBusName") or "default"
            rule = arn("events", f"rule/{physical}" if bus == "default" else f"rule/{bus}/{physical}")
            return f"{bus}|{physical}", {"name": physical, "arn": rule, "eventBusName": bus}
        case "aws:sqs/queue:Queue":
            url = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{physical}"
            return url, {"name": physical, "arn": arn("sqs", physical), "url": url}
        case "aws:secretsmanager/secret:Secret":
            secret = arn("secretsmanager", f"secret:{physical}-AbCdEf")
            return secret, {"name": physical, "arn": secret}
        case "aws:sns/topic:Topic":
            return arn("sns", physical), {"name": physical, "arn": arn("sns", physical)}
        case "aws:apigatewayv2/api:Api":
            api_id = "a1b2c3d4e5"
            return api_id, {
                "apiEndpoint": f"https://{api_id}.execute-api.{REGION}.amazonaws.com",
                "executionArn": arn("execute-api", api_id),
                "arn": f"arn:aws:apigateway:{REGION}::/apis/{api_id}",
            }
        case "aws:cloudfront/distribution:Distribution":
            return "E2MOCKDIST", {
                "domainName": "d111111abcdef8.cloudfront.net",
                "arn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2MOCKDIST",
            }
        case "aws:cloudfront/function:Function":
            return physical, {"name": physical, "arn": f"arn:aws:cloudfront::{ACCOUNT}:function/{physical}"}
        case "aws:s3/bucket:Bucket":
            bucket = f"{name}{AUTONAME_SUFFIX}"
            return bucket, {
                "bucket": bucket,
                "arn": f"arn:aws:s3:::{bucket}",
                "bucketRegionalDomainName": f"{bucket}.s3.{REGION}.amazonaws.com",
            }
        case "aws:sesv2/emailIdentity:EmailIdentity":
            identity = inputs["emailIdentity"]
            return identity, {"arn": arn("ses", f"identity/{identity}")}
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return physical, {"name": physical, "arn": arn("cloudwatch", f"alarm:{physical}")}
        case "aws:wafv2/webAcl:WebAcl":
            acl = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/{physical}/a1b2c3d4"
            return "a1b2c3d4", {"name": physical, "arn": acl}
        case "random:index/randomPassword:RandomPassword":
            # The provider makes `length` characters of the classes asked for; the mock, a fixed value of that length.
            return name, {"result": ORIGIN_SECRET[: int(inputs["length"])]}
    return f"{name}-id", {}
