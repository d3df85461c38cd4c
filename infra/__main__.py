"""The Pulumi program (`Pulumi.yaml`: `main: infra/`): configuration, the components, the stack outputs.

Everything comes from the one deployment description (`infra/deployment.py`) the local cloud also runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Pulumi runs this directory with itself first on sys.path, where `packaging.py`-like names of ours would shadow
# libraries (pulumi_aws imports `packaging`): import from the repository root instead, as `infra.*`.
PROGRAM_DIR = Path(__file__).resolve().parent
ROOT = PROGRAM_DIR.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != PROGRAM_DIR]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pulumi  # noqa: E402
import pulumi_random as random  # noqa: E402

from commerce.settings import StripeSettings  # noqa: E402
from infra.components import packaging  # noqa: E402
from infra.components.account import Account  # noqa: E402
from infra.components.api import HttpApi, HttpApiArgs  # noqa: E402
from infra.components.data import DataTables, DataTablesArgs  # noqa: E402
from infra.components.events import OrderEvents, OrderEventsArgs, bus_name  # noqa: E402
from infra.components.functions import Functions, FunctionsArgs, RuntimeSettings  # noqa: E402
from infra.components.mail import MailSender, MailSenderArgs  # noqa: E402
from infra.components.monitoring import Monitoring, MonitoringArgs  # noqa: E402
from infra.components.secrets import Secrets, SecretsArgs  # noqa: E402
from infra.components.web import WebApp, WebAppArgs  # noqa: E402
from infra.components.workflow import FulfillmentWorkflow, FulfillmentWorkflowArgs, state_machine_name  # noqa: E402
from infra.config import StackConfig  # noqa: E402
from infra.deployment import DEPLOYMENT  # noqa: E402
from sagas.fulfillment import STATE_MACHINE  # noqa: E402

# --- Configuration -------------------------------------------------------------------------------------------------
config = StackConfig.load()
app = config.prefix  # every component and physical name starts with "<project>-<stack>"
account = Account.current()
bundle = packaging.build_bundle()
stripe = StripeSettings(publishable_key=config.stripe_publishable_key)

# The bus and the saga are named in advance: functions publish to the one and start the other, and the saga invokes
# functions, so their ARNs are known before they exist.
bus = bus_name(app, DEPLOYMENT)
bus_arn = account.arn("events", f"event-bus/{bus}")
saga_arn = account.arn("states", f"stateMachine:{state_machine_name(app)}")

# --- Components ----------------------------------------------------------------------------------------------------
data = DataTables(app, DataTablesArgs(DEPLOYMENT.tables, deletion_protection=config.deletion_protection))

# What CloudFront sends the API so that the API can refuse everyone else: made here, kept in the state as a secret.
# Replacing it (`pulumi up --replace` on it) rotates it; docs/operate.md, "Only through CloudFront".
origin_secret = random.RandomPassword(f"{app}-origin-secret", length=48, special=False)
secret_values = {
    **config.secret_values,
    "edge": {**config.secret_values["edge"], "origin_secret": pulumi.Output.secret(origin_secret.result)},
}
secrets = Secrets(app, SecretsArgs(DEPLOYMENT.secrets, secret_values, config.secret_recovery_days))

mail = MailSender(
    app,
    MailSenderArgs(
        from_address=config.email_from,
        domain=config.email_domain,
        account=account,
        verify_address=config.verify_sender,
        sandbox_recipients=config.ses_sandbox_recipients,
    ),
)

functions = Functions(
    app,
    FunctionsArgs(
        deployment=DEPLOYMENT,
        bundle=bundle,
        settings=RuntimeSettings(
            email_from=config.email_from,
            stripe_publishable_key=stripe.publishable_key,
            unpaid_order_minutes=config.unpaid_order_minutes,
            hold_minutes=config.hold_minutes,
            stripe_writes_per_second=config.stripe_writes_per_second,
            holds_per_customer=config.holds_per_customer,
            holds_per_source=config.holds_per_source,
            auto_split_shards=config.auto_split_shards,
        ),
        table_names=data.names,
        table_arns=data.arns,
        bus_name=bus,
        bus_arn=bus_arn,
        state_machine_arn=saga_arn,
        secret_arns=secrets.arns,
        send_identity_arns=mail.identity_arns,
        log_retention_days=config.log_retention_days,
    ),
)

workflow = FulfillmentWorkflow(
    app,
    FulfillmentWorkflowArgs(
        function_arns=functions.arns,
        bus_name=bus,
        bus_arn=bus_arn,
        account=account,
        log_retention_days=config.log_retention_days,
        log_level=config.saga_log_level,
    ),
)

events = OrderEvents(
    app,
    OrderEventsArgs(
        deployment=DEPLOYMENT,
        functions=functions.functions,
        function_roles=functions.roles,
        state_machine_arns={STATE_MACHINE: workflow.arn},
    ),
)

api = HttpApi(
    app,
    HttpApiArgs(
        routes={
            "POST /graphql": functions.invoke_target("api"),
            "POST /webhooks/stripe": functions.invoke_target("stripe-webhook"),
        },
        timeouts_s={
            "POST /graphql": DEPLOYMENT.function("api").timeout_s,
            "POST /webhooks/stripe": DEPLOYMENT.function("stripe-webhook").timeout_s,
        },
        limits=config.api,
        cors_origins=config.cors_origins,
        log_retention_days=config.log_retention_days,
    ),
)

web = WebApp(
    app,
    WebAppArgs(
        api_endpoint=api.endpoint,
        # The same document the local server answers at /config.json.
        client_config={"stripePublishableKey": stripe.publishable_key, "stripeJsUrl": stripe.js_url},
        origin_secret=origin_secret.result,
        dist=config.web_dist,
        price_class=config.price_class,
        requests_per_client=config.api.requests_per_client,
    ),
)

monitoring = Monitoring(
    app,
    MonitoringArgs(
        region=account.region,
        state_machine_arn=workflow.arn,
        function_names=functions.names,
        api_id=api.api.id,
        api_stage=api.stage.name,
        table_names=data.names,
        dead_letter_queues={target: queue.name for target, queue in events.dead_letter_queues.items()},
        alarm_email=config.alarm_email,
        api_p99_latency_ms=config.api.p99_latency_ms,
    ),
)

# --- Outputs -------------------------------------------------------------------------------------------------------
pulumi.export("spaUrl", web.url)
pulumi.export("apiUrl", pulumi.Output.concat(web.url, "/graphql"))
pulumi.export("webhookUrl", pulumi.Output.concat(web.url, "/webhooks/stripe"))
pulumi.export("httpApiUrl", api.endpoint)
pulumi.export("busName", events.bus.name)
pulumi.export("stateMachineArn", workflow.arn)
pulumi.export("webBucket", web.bucket.bucket)
pulumi.export("distributionId", web.distribution.id)
pulumi.export("alarmTopicArn", monitoring.topic.arn)
