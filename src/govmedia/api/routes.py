"""Each app's router is added here, in one place."""

from .me import router as me_router
from .urls import api

api.add_router("", me_router)
