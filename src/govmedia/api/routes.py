"""Each app's router is added here, in one place."""

from .me import router as me_router
from .urls import api

api.add_router("", me_router)
api.add_router("/calendar", "govmedia.calendar.api.router")
api.add_router("/accounts", "govmedia.registry.api.accounts_router")
api.add_router("/filings", "govmedia.registry.api.filings_router")
api.add_router("/posts", "govmedia.publishing.api.router")
api.add_router("", "govmedia.compliance.api.router")
api.add_router("/inquiries", "govmedia.inquiries.api.router")
api.add_router("/incidents", "govmedia.security.api.incidents_router")
api.add_router("/patrols", "govmedia.security.api.patrols_router")
