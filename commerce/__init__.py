"""The domain of order fulfillment and its data: models, ports, DynamoDB adapters and services.

Imports only the standard library, boto3 (in the adapters) and itself; everything else calls into it.
"""
