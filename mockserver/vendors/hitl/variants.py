"""HITL.sh's documented variants: where its own documents disagree (reference/hitl-api.md §9).

Each default is the form the seed documents' own code reads (seeds/hitl-quickstart.txt,
seeds/hitl-requests.txt); where the seeds are silent, the API reference's form. `merged` (every
form at once, the sandbox's former answer) stays available by name.
"""

from __future__ import annotations

from mockserver.variants import MERGED, Form, Shape, Variant

CREATED_ID = "hitl.created_id"
RESPONSE_BY = "hitl.response_by"
RESPONSE_DATA = "hitl.response_data"
WEBHOOK_BODY = "hitl.webhook_body"
SIGNATURE = "hitl.signature_header"
CANCEL = "hitl.cancel_rule"
OLDER_SHAPE = "hitl.older_request_shape"
GET_RESPONSE = "hitl.get_response"
JOIN_URL = "hitl.join_url"
RATE_LIMIT_BODY = "hitl.rate_limit_body"

VARIANTS: tuple[Variant, ...] = (
    Variant(
        CREATED_ID,
        "where the id of a created request is in the 201 answer",
        "the answer to POST /v1/api/loops/{id}/requests",
        (
            Form(
                "request",
                "seeds/hitl-quickstart.txt step 4 and 7 (`data['request']['id']`)",
                "`data.request` is the created request (`id`, `status`, ...)",
                Shape(has=("data.request.id",), lacks=("data.request_id", "data.id")),
            ),
            Form(
                "request_id",
                "api-reference/requests/create-request.mdx; OpenAPI CreateRequestResponse; n8n",
                "`data.request_id` with `status`, `timeout_at`, `broadcasted_to` (a count), "
                "`polling_url`",
                Shape(has=("data.request_id",), lacks=("data.request", "data.id")),
            ),
            Form(
                "id",
                "hitl-sh/mcp.hitl.sh scripts/test-all-tools.mjs (`createData.data.id`)",
                "the create-request summary with `data.id` instead of `data.request_id`",
                Shape(has=("data.id",), lacks=("data.request", "data.request_id")),
            ),
            Form(
                MERGED,
                "the sandbox (every form at once)",
                "`data.request_id`, `data.id` and `data.request`",
                Shape(has=("data.request_id", "data.id", "data.request.id")),
            ),
        ),
        default="request",
    ),
    Variant(
        RESPONSE_DATA,
        "the form of an answer (`response_data`) to a select, rating, number or boolean request",
        "a decided request (`data.request`)",
        (
            Form(
                "as_configured",
                'string options: the quickstart reads the scalar (step 6: `"Approve" in '
                "decision`); option objects: responses/single-select.mdx and the other "
                "response-type pages",
                "the form the request's config used: string options give the option's string, "
                "option objects `{selected_value, selected_label}`, and so on",
                Shape(has=("response_data",)),
            ),
            Form(
                "scalar",
                'api-reference/requests/get-request.mdx; OpenAPI examples (`"Approve"`)',
                "always the bare value: the option value, a list of them, the number, true/false",
                Shape(lacks=("response_data.selected_value", "response_data.selected_values")),
            ),
            Form(
                "structured",
                'responses/*.mdx; the live webhooks page (`{"selected_value": "Approve"}`)',
                "always an object: {selected_value, selected_label}, {selected_values, "
                "selected_labels}, {rating, rating_label}, {number, formatted_value}, "
                "{boolean, boolean_label}",
                Shape(types={"response_data": "object"}),
            ),
        ),
        default="as_configured",
    ),
    Variant(
        RESPONSE_BY,
        "who answered: `response_by` in a request",
        "a request object (GET /v1/api/requests/{id} `data.request`)",
        (
            Form(
                "id",
                "api-reference/requests/get-request.mdx; OpenAPI Request.response_by",
                "`response_by` is the reviewer's user id",
                Shape(pattern={"response_by": "[0-9a-f]{24}"}, lacks=("response_by_user",)),
            ),
            Form(
                "id_and_user",
                "newer docs requests/introduction.mdx; n8n reads `response_by_user`",
                "`response_by` the user id and `response_by_user` {user_id, name, email}",
                Shape(types={"response_by": "string", "response_by_user": "object"}),
            ),
            Form(
                "object",
                "live api-reference/webhooks page; Handoff RespondToRequest",
                "`response_by` is {user_id, name, email}",
                Shape(types={"response_by": "object"}),
            ),
            Form(
                "email",
                "api-reference/introduction.mdx (`response_by: reviewer@example.com`)",
                "`response_by` is the reviewer's e-mail",
                Shape(pattern={"response_by": "[^@ ]+@[^@ ]+"}, lacks=("response_by_user",)),
            ),
        ),
        default="id",
    ),
    Variant(
        WEBHOOK_BODY,
        "the body of a request webhook",
        "a webhook delivery's JSON body",
        (
            Form(
                "A",
                "api-reference/webhooks.mdx; seeds/hitl-quickstart.txt step 6 "
                "(`data['request']`, `data['reviewer']`)",
                "`{event, timestamp, data: {request, loop, reviewer}}`",
                Shape(has=("event", "timestamp", "data.request"), lacks=("request_id",)),
            ),
            Form(
                "B",
                "live api-reference/webhooks page (callback_url payload)",
                "flat `{event, request_id, loop_id, status, response_data, response_by{...}, "
                "response_at, response_time_seconds, created_at}`",
                Shape(has=("event", "request_id", "loop_id", "status"), lacks=("data",)),
            ),
            Form(
                "C",
                "Handoff events.WebhookSender (reference §5 variant C)",
                "`{event, request_id, timestamp, data: {request: {id, status, ...}}}`",
                Shape(has=("event", "request_id", "timestamp", "data.request"), lacks=("loop_id",)),
            ),
            Form(
                "D",
                "api-reference/introduction.mdx",
                "`{event, request_id, status, response_data, response_by: <e-mail>, completed_at}`",
                Shape(has=("event", "request_id", "completed_at"), lacks=("data", "loop_id")),
            ),
            Form(
                MERGED,
                "the sandbox (B's flat fields and A's `data` envelope in one body)",
                "B's fields at the top and `data: {request, loop, reviewer}`",
                Shape(has=("event", "request_id", "loop_id", "data.request", "data.loop")),
            ),
        ),
        default="A",
    ),
    Variant(
        SIGNATURE,
        "the header that signs a webhook (when a secret is set)",
        'a webhook delivery\'s headers (`{"headers": {...}}`)',
        (
            Form(
                "sha256",
                "api-reference/webhooks.mdx; seeds/hitl-quickstart.txt step 6",
                "`X-HITL-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`",
                Shape(prefix={"headers.X-HITL-Signature-256": "sha256="}),
            ),
            Form(
                "bare",
                "webhooks/global.mdx; concepts/integrations.mdx",
                "`X-HITL-Signature: <hex HMAC-SHA256 of the raw body>`",
                Shape(has=("headers.X-HITL-Signature",)),
            ),
            Form(
                "none",
                "Handoff events.WebhookSender (no signature)",
                "no signature header",
                Shape(lacks=("headers.X-HITL-Signature-256", "headers.X-HITL-Signature")),
            ),
        ),
        default="sha256",
    ),
    Variant(
        CANCEL,
        "which requests DELETE /v1/api/requests/{id} may cancel",
        "the answer to cancelling a claimed request",
        (
            Form(
                "pending_or_claimed",
                "api-reference/requests/cancel-request.mdx (older; the model with `claimed` "
                "that seeds/hitl-quickstart.txt step 5 polls for)",
                "pending (quota refunded) and claimed (no refund)",
                Shape(equals={"data.previous_status": "claimed"}),
            ),
            Form(
                "pending_only",
                "newest cancel-request page; Handoff CancelRequest",
                "pending only; a claimed request answers 400",
                Shape(equals={"error": True}),
            ),
        ),
        default="pending_or_claimed",
    ),
    Variant(
        OLDER_SHAPE,
        "the older request body (`content`, `content_type`, priority `normal`/`urgent`)",
        "the answer to POST .../requests with the older body",
        (
            Form(
                "mapped",
                "seeds/hitl-requests.txt (Request Structure, Required Fields)",
                "accepted and mapped to the current fields (a lenience note each time); "
                "strict mode rejects it",
                Shape(equals={"error": False}),
            ),
            Form(
                "rejected",
                "api-reference/requests/create-request.mdx (request_text required)",
                "400 Validation failed: request_text is required",
                Shape(equals={"error": True}),
            ),
        ),
        default="mapped",
    ),
    Variant(
        GET_RESPONSE,
        "the answer of GET /v1/requests/{id}/response",
        "the answer to GET /v1/requests/{id}/response",
        (
            Form(
                "decision",
                "seeds/hitl-requests.txt (Completion: `response.decision` is approved, "
                "rejected, needs_changes or escalate)",
                "the envelope plus `decision` at the top level and in `data`",
                Shape(has=("decision", "data.decision")),
            ),
            Form(
                "envelope",
                "reference §1.3 (every endpoint answers {error, msg, data})",
                "`{error, msg, data: {request_id, status, response_data, ...}}`",
                Shape(has=("data.response_data",), lacks=("decision", "data.decision")),
            ),
        ),
        default="decision",
    ),
    Variant(
        JOIN_URL,
        "the host of a new loop's `join_url`",
        "the answer to POST /v1/api/loops",
        (
            Form(
                "hitl.sh",
                "seeds/hitl-quickstart.txt step 2 (`https://hitl.sh/join/ABC123`)",
                "`https://hitl.sh/join/<code>`",
                Shape(prefix={"data.join_url": "https://hitl.sh/join/"}),
            ),
            Form(
                "my.hitl.sh",
                "api-reference/loops/create-loop.mdx (current)",
                "`https://my.hitl.sh/join/<code>`",
                Shape(prefix={"data.join_url": "https://my.hitl.sh/join/"}),
            ),
            Form(
                "app.hitl.sh",
                "older create-loop page",
                "`https://app.hitl.sh/join/<code>`",
                Shape(prefix={"data.join_url": "https://app.hitl.sh/join/"}),
            ),
        ),
        default="hitl.sh",
    ),
    Variant(
        RATE_LIMIT_BODY,
        "the body of a 429 answer",
        "a 429 answer",
        (
            Form(
                "openapi",
                "OpenAPI RateLimitExceeded; api-reference/authentication.mdx",
                "`API rate limit exceeded` with {usage_count, usage_limit, remaining}",
                Shape(equals={"msg": "API rate limit exceeded"}, lacks=("data.reset_at",)),
            ),
            Form(
                "errors_page",
                "api-reference/errors.mdx",
                "`API key request limit exceeded` with {usage_count, usage_limit, remaining, "
                "reset_at}",
                Shape(equals={"msg": "API key request limit exceeded"}, has=("data.reset_at",)),
            ),
        ),
        default="openapi",
    ),
)
