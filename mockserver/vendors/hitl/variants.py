"""HITL.sh's documented variants: where its own documents disagree, as named forms.

Each default is the form with the strongest evidence of what the live service sends, in this
order: the vendor's own production integrations (its n8n node and MCP server), its OpenAPI
file, its newest documentation pages, the seed documents' prose; on a tie, the seeds. Each
variant's `evidence` names what decided it; every other documented form stays available by
name, `merged` (every form at once, the sandbox's former answer) included, never as a default.
"""

from __future__ import annotations

from mockserver.kit.variants import MERGED, Form, Shape, Variant

# The public sources, each at the commit read (github.com/<repo>, a path at a commit).
N8N = "hitl-sh/n8n-plugin nodes/HitlNode/HitlNode.node.ts @0d86f4f"
MCP_SCRIPT = "hitl-sh/mcp.hitl.sh scripts/test-all-tools.mjs @8230553"
MCP_CLIENT = "hitl-sh/mcp.hitl.sh lib/hitl-client.ts @8230553"
OPENAPI = "hitl-sh/docs.hitl.sh api-reference/openapi.json @0e23b17"
# Pages cited by path: github.com/hitl-sh/docs.hitl.sh @0e23b17 unless another commit is named.
DOCS = "hitl-sh/docs.hitl.sh"
QUICKSTART = "https://docs.hitl.sh/quickstart (hitl-sh/docs.hitl.sh quickstart.mdx @0e23b17)"
WEBHOOKS_PAGE = "https://docs.hitl.sh/api-reference/webhooks"
# The vendor's Go server (module github.com/hitl-sh/handoff-server): its files were read where
# published, but the repository is not public as a whole, so no commit can be named.
HANDOFF = "hitl-sh/handoff-server events.WebhookSender"

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
                f"{QUICKSTART} steps 4 and 7 (`request['data']['request']['id']`)",
                "`data.request` is the created request (`id`, `status`, ...)",
                Shape(has=("data.request.id",), lacks=("data.request_id", "data.id")),
            ),
            Form(
                "request_id",
                f"{N8N} (`response.data.request_id`, then polls `data.polling_url`); "
                f"{OPENAPI} CreateRequestResponse; "
                "https://docs.hitl.sh/api-reference/requests/create-request",
                "`data.request_id` with `status`, `processing_type`, `type`, `priority`, "
                "`timeout_at`, `broadcasted_to` (a count), `notifications_sent`, `polling_url`",
                Shape(has=("data.request_id",), lacks=("data.request", "data.id")),
            ),
            Form(
                "id",
                f"{MCP_SCRIPT} (`createData.data.id`)",
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
        default="request_id",
        evidence=f"the vendor's integrations disagree ({N8N} reads `data.request_id`, "
        f"{MCP_SCRIPT} `data.id`), so the next level decides: {OPENAPI} "
        "CreateRequestResponse requires `request_id` and has no `id`",
    ),
    Variant(
        RESPONSE_DATA,
        "the form of an answer (`response_data`) to a select, rating, number or boolean request",
        "a decided request (`data.request`)",
        (
            Form(
                "as_configured",
                f'{OPENAPI} Request (string options `["Approve", ...]` answered '
                '`"Approve"`); https://docs.hitl.sh/responses/single-select and the other '
                "response-type pages (option objects answered `{selected_value, "
                "selected_label}`)",
                "the form the request's config used: string options give the option's string, "
                "option objects `{selected_value, selected_label}`, and so on",
                Shape(has=("response_data",)),
            ),
            Form(
                "scalar",
                "https://docs.hitl.sh/api-reference/requests/get-request; "
                f'{OPENAPI} examples (`"Approve"`), for every config',
                "always the bare value: the option value, a list of them, the number, true/false",
                Shape(lacks=("response_data.selected_value", "response_data.selected_values")),
            ),
            Form(
                "structured",
                "https://docs.hitl.sh/responses/single-select and the other response-type "
                f'pages; the callback_url payload at {WEBHOOKS_PAGE} (`{{"selected_value": '
                '"Approve"}`), for every config',
                "always an object: {selected_value, selected_label}, {selected_values, "
                "selected_labels}, {rating, rating_label}, {number, formatted_value}, "
                "{boolean, boolean_label}",
                Shape(types={"response_data": "object"}),
            ),
        ),
        default="as_configured",
        evidence=f"{N8N} reads `data.request.response_data` without looking inside; "
        f"{OPENAPI} shows string options answered by the bare string; option objects, which "
        "the OpenAPI never shows, are answered by an object on the newest response-type pages "
        f"({DOCS} responses/*.mdx @0e23b17): one form per answer, the one its config's "
        "strongest source shows",
    ),
    Variant(
        RESPONSE_BY,
        "who answered: `response_by` in a request",
        "a request object (GET /v1/api/requests/{id} `data.request`)",
        (
            Form(
                "id",
                f"{OPENAPI} Request.response_by; "
                "https://docs.hitl.sh/api-reference/requests/get-request",
                "`response_by` is the reviewer's user id",
                Shape(pattern={"response_by": "[0-9a-f]{24}"}, lacks=("response_by_user",)),
            ),
            Form(
                "id_and_user",
                f"{N8N} (`data.request.response_by_user`); `response_by` the user id as in "
                f"{OPENAPI} Request.response_by",
                "`response_by` the user id and `response_by_user` {user_id, name, email}",
                Shape(types={"response_by": "string", "response_by_user": "object"}),
            ),
            Form(
                "object",
                f"the callback_url payload at {WEBHOOKS_PAGE}; Handoff RespondToRequest",
                "`response_by` is {user_id, name, email}",
                Shape(types={"response_by": "object"}),
            ),
            Form(
                "email",
                "https://docs.hitl.sh/api-reference/introduction "
                "(`response_by: reviewer@example.com`)",
                "`response_by` is the reviewer's e-mail",
                Shape(pattern={"response_by": "[^@ ]+@[^@ ]+"}, lacks=("response_by_user",)),
            ),
        ),
        default="id_and_user",
        evidence=f"{N8N} reads `data.request.response_by_user` from the request it polls; its "
        f"`response_by` stays the user id string of {OPENAPI} Request.response_by",
    ),
    Variant(
        WEBHOOK_BODY,
        "the body of a request webhook",
        "a webhook delivery's JSON body",
        (
            Form(
                "A",
                f"{DOCS} api-reference/webhooks.mdx (its newest commit, @6bcdeba, and "
                f"@0e23b17); {QUICKSTART} step 6 (`data['request']`, `data['reviewer']`)",
                "`{event, timestamp, data: {request, loop, reviewer}}`",
                Shape(has=("event", "timestamp", "data.request"), lacks=("request_id",)),
            ),
            Form(
                "B",
                f"the callback_url page as published at {WEBHOOKS_PAGE} (in no commit of {DOCS})",
                "flat `{event, request_id, loop_id, status, response_data, response_by{...}, "
                "response_at, response_time_seconds, created_at}`",
                Shape(has=("event", "request_id", "loop_id", "status"), lacks=("data",)),
            ),
            Form(
                "C",
                HANDOFF,
                "`{event, request_id, timestamp, data: {request: {id, status, ...}}}`",
                Shape(has=("event", "request_id", "timestamp", "data.request"), lacks=("loop_id",)),
            ),
            Form(
                "D",
                "https://docs.hitl.sh/api-reference/introduction",
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
        evidence="no integration receives webhooks (n8n polls; the MCP server only passes "
        "`callback_url` on) and the OpenAPI shows no payload; of the docs, the newest commit of "
        f"{DOCS} api-reference/webhooks.mdx (@6bcdeba) shows A and the published callback_url "
        "page B (undated, in no commit); on that tie the seed quickstart (step 6 reads "
        "`data['request']`, `data['reviewer']`) decides: A",
    ),
    Variant(
        SIGNATURE,
        "the header that signs a webhook (when a secret is set)",
        'a webhook delivery\'s headers (`{"headers": {...}}`)',
        (
            Form(
                "sha256",
                f"{DOCS} api-reference/webhooks.mdx @6bcdeba; {QUICKSTART} step 6",
                "`X-HITL-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`",
                Shape(prefix={"headers.X-HITL-Signature-256": "sha256="}),
            ),
            Form(
                "bare",
                f"{DOCS} webhooks/global.mdx and concepts/integrations.mdx @0e23b17",
                "`X-HITL-Signature: <hex HMAC-SHA256 of the raw body>`",
                Shape(has=("headers.X-HITL-Signature",)),
            ),
            Form(
                "none",
                f"{HANDOFF} (no signature)",
                "no signature header",
                Shape(lacks=("headers.X-HITL-Signature-256", "headers.X-HITL-Signature")),
            ),
        ),
        default="sha256",
        evidence="no integration verifies webhooks and the OpenAPI names no header; the "
        f"newest webhooks page ({DOCS} api-reference/webhooks.mdx @6bcdeba) signs with "
        "`X-HITL-Signature-256: sha256=...`, as the seed quickstart verifies",
    ),
    Variant(
        CANCEL,
        "which requests DELETE /v1/api/requests/{id} may cancel",
        "the answer to cancelling a claimed request",
        (
            Form(
                "pending_or_claimed",
                f"{OPENAPI} DELETE /requests/{{id}} (`Cancel a pending or claimed request`); "
                "https://docs.hitl.sh/api-reference/requests/cancel-request "
                f"({DOCS} @0e23b17)",
                "pending (quota refunded) and claimed (no refund)",
                Shape(equals={"data.previous_status": "claimed"}),
            ),
            Form(
                "pending_only",
                "a newer published cancel-request page "
                "(https://hitl.mintlify.app/api-reference/requests/cancel-request); Handoff "
                "CancelRequest",
                "pending only; a claimed request answers 400",
                Shape(equals={"error": True}),
            ),
        ),
        default="pending_or_claimed",
        evidence=f"the integrations cancel only pending requests ({MCP_SCRIPT}); {OPENAPI} "
        "decides: `Cancel a pending or claimed request`",
    ),
    Variant(
        OLDER_SHAPE,
        "the older request body (`content`, `content_type`, priority `normal`/`urgent`)",
        "the answer to POST .../requests with the older body",
        (
            Form(
                "mapped",
                "https://docs.hitl.sh/requests/introduction as of "
                f"{DOCS} @cce3de9 (Request Structure, Required Fields)",
                "accepted and mapped to the current fields (a lenience note each time); "
                "strict mode rejects it",
                Shape(equals={"error": False}),
            ),
            Form(
                "rejected",
                f"{OPENAPI} CreateRequestRequest (`request_text` required); "
                "https://docs.hitl.sh/api-reference/requests/create-request",
                "400 Validation failed: request_text is required",
                Shape(equals={"error": True}),
            ),
        ),
        default="rejected",
        evidence=f"the integrations send only the current body ({N8N}, {MCP_CLIENT}); "
        f"{OPENAPI} CreateRequestRequest requires `request_text`",
    ),
    Variant(
        GET_RESPONSE,
        "the answer of GET /v1/requests/{id}/response",
        "the answer to GET /v1/requests/{id}/response",
        (
            Form(
                "decision",
                f"{DOCS} concepts/integrations.mdx @0e23b17 (`client.get_response(...)`, then "
                '`response.get("status")` and `response["decision"]`); '
                "https://docs.hitl.sh/requests/introduction as of "
                f"{DOCS} @cce3de9 (`response.decision`: approved, rejected, needs_changes, "
                "escalate)",
                "the envelope plus `status` and `decision` at the top level (`decision` also "
                "in `data`)",
                Shape(has=("decision", "data.decision")),
            ),
            Form(
                "envelope",
                f"every endpoint of {OPENAPI} answers `{{error, msg, data}}`",
                "`{error, msg, data: {request_id, status, response_data, ...}}`",
                Shape(has=("data.response_data",), lacks=("decision", "data.decision")),
            ),
        ),
        default="decision",
        evidence="no integration calls it and the OpenAPI does not list it; the one page that "
        f"does ({DOCS} concepts/integrations.mdx @0e23b17) reads `status` and `decision` at "
        "the top level of its answer",
    ),
    Variant(
        JOIN_URL,
        "the host of a new loop's `join_url`",
        "the answer to POST /v1/api/loops",
        (
            Form(
                "hitl.sh",
                f"{QUICKSTART} step 2 (prose: `https://hitl.sh/join/ABC123`)",
                "`https://hitl.sh/join/<code>`",
                Shape(prefix={"data.join_url": "https://hitl.sh/join/"}),
            ),
            Form(
                "my.hitl.sh",
                f"{OPENAPI} CreateLoopResponse.join_url; "
                "https://docs.hitl.sh/api-reference/loops/create-loop",
                "`https://my.hitl.sh/join/<code>`",
                Shape(prefix={"data.join_url": "https://my.hitl.sh/join/"}),
            ),
            Form(
                "app.hitl.sh",
                f"the create-loop page before {DOCS} @c21282a (`app.hitl.sh → my.hitl.sh`)",
                "`https://app.hitl.sh/join/<code>`",
                Shape(prefix={"data.join_url": "https://app.hitl.sh/join/"}),
            ),
        ),
        default="my.hitl.sh",
        evidence="no integration creates loops; "
        f"{OPENAPI} CreateLoopResponse.join_url is `https://my.hitl.sh/join/ABC123DEF`",
    ),
    Variant(
        RATE_LIMIT_BODY,
        "the body of a 429 answer",
        "a 429 answer",
        (
            Form(
                "openapi",
                f"{OPENAPI} RateLimitExceeded; https://docs.hitl.sh/api-reference/authentication",
                "`API rate limit exceeded` with {usage_count, usage_limit, remaining}",
                Shape(equals={"msg": "API rate limit exceeded"}, lacks=("data.reset_at",)),
            ),
            Form(
                "errors_page",
                "https://docs.hitl.sh/api-reference/errors",
                "`API key request limit exceeded` with {usage_count, usage_limit, remaining, "
                "reset_at}",
                Shape(equals={"msg": "API key request limit exceeded"}, has=("data.reset_at",)),
            ),
        ),
        default="openapi",
        evidence="no integration reads a 429's body (the MCP client keeps `msg` as its "
        f"message, {MCP_CLIENT}); {OPENAPI} RateLimitExceeded",
    ),
)
