"""The REST API over the store (`tacitus serve`): events, aggregates, articles and coding."""

from tacitus.api.app import create_app

__all__ = ["create_app"]
