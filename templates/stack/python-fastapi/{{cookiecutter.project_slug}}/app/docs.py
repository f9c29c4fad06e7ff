"""Interactive API documentation: Swagger UI at /docs, served only when DOCS_ENABLED=true.

The page loads Swagger UI from jsDelivr pinned to one version, with Subresource Integrity hashes (of
the files of the npm package swagger-ui-dist@5.35.0, which jsDelivr serves byte for byte): a changed
file on the CDN is refused by the browser. Its Content-Security-Policy allows those two files, the
start script (by hash) and requests to this API, nothing else. To upgrade, change the version and
recompute both hashes from the package's files:
`openssl dgst -sha384 -binary FILE | openssl base64 -A`.
"""

from __future__ import annotations

import base64
import hashlib
import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

SWAGGER_UI = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0"
SWAGGER_JS = f"{SWAGGER_UI}/swagger-ui-bundle.js"
SWAGGER_JS_SRI = "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"
SWAGGER_CSS = f"{SWAGGER_UI}/swagger-ui.css"
SWAGGER_CSS_SRI = "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I"
START = (
    "SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui', layout: 'BaseLayout', "
    "presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]});"
)


def script_hash(script: str) -> str:
    """The CSP source of an inline script: 'sha256-<base64 of its SHA-256>'."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return f"'sha256-{digest}'"


CSP = "; ".join(
    [
        "default-src 'none'",
        f"script-src {SWAGGER_JS} {script_hash(START)}",
        f"style-src {SWAGGER_CSS}",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)


def docs_router(title: str) -> APIRouter:
    """GET /docs (left out of the OpenAPI document)."""
    router = APIRouter()
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)} - API documentation</title>
<link rel="stylesheet" href="{SWAGGER_CSS}" integrity="{SWAGGER_CSS_SRI}" crossorigin="anonymous">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{SWAGGER_JS}" integrity="{SWAGGER_JS_SRI}" crossorigin="anonymous"></script>
<script>{START}</script>
</body>
</html>
"""

    @router.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": CSP})

    return router
