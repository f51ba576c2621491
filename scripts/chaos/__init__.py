"""The permanent fault suite (``make chaos``): scripts/chaos/suite.py runs it, checks.py holds
what must hold afterwards, broker.py the RabbitMQ node of its own."""
