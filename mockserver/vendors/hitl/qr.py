"""Loop invite QR codes: a real PNG of the join URL, as a data URL (`qr_code_base64`,
https://docs.hitl.sh/api-reference/loops/create-loop)."""

from __future__ import annotations

import base64
import io

import segno


def qr_png_data_url(text: str) -> str:
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=4, border=2)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
