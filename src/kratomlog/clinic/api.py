"""The clinic's REST API under /api/v1/ (django-ninja): the contract outside tools rely on."""

from ninja import NinjaAPI

api = NinjaAPI(title="kratomlog clinic API", version="1", urls_namespace="api")
