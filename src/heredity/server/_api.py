"""The JSON API: every read and write endpoint, under ``/api``."""

from __future__ import annotations

from fastapi import APIRouter

from heredity.server import _read, _write

router = APIRouter()
router.include_router(_read.router)
router.include_router(_write.router)
