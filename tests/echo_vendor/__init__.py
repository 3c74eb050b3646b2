"""Echo review: a fourth vendor that lives only in the tests (issues 12 and 24).

It proves that a vendor is one folder: the test registers it with `mockserver.registry.register`
and gets scenario words and validation, control-plane items and actions, signed webhooks with
retries and journal filtering without any file under `mockserver/` naming it. It is also the
worked example docs/contributing.md's "Add a vendor" starts from (`tools/new_vendor.py` copies
it, renamed); each file has the role the same file name has in every `mockserver/vendors/<name>/`
folder.

The API: `POST /echo/messages {"text": ...}` queues a message for review (201, `pending`);
`GET /echo/messages/{id}` reads it; a reviewer `approve`s or `reject`s it, and the scenario's
`echo.webhook` gets `message.decided`, signed `X-Echo-Signature: sha256=<hex HMAC>`.
"""
