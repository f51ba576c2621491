"""Python clients of the services, generated from docs/openapi/<service>.json by `make client`
(scripts/contracts/client.py, openapi-python-client): do not edit ``clients/*_client`` by hand."""
