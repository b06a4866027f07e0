"""One environment switch: LOCAL, CI or PROD, read when resources are built, not at import."""

import os

DEVELOPMENT_KEY = "development-key-not-for-production"


def get_environment() -> str:
    if os.environ.get("COMPLAINTS_ENV", "").lower() in {"prod", "production"}:
        return "prod"
    if os.environ.get("CI"):
        return "ci"
    return "local"
