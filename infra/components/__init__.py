"""The Pulumi components of the deployment, one per concern, each built from `infra/deployment.py`.

DataTables, Secrets, MailSender, Functions (with the bundle of `packaging`), FulfillmentWorkflow, OrderEvents,
HttpApi, WebApp, Monitoring: `infra/__main__.py` composes them.
"""
