"""The web layer every app's pages and API share, so that no app copies it from another.

- `errors`: a service's ValidationError as an API answer (the project's DRF exception handler), on a form,
  or as one sentence for a flash message.
- `htmx`: whether a request is an htmx partial request, and the answers htmx understands.
- `schema`: the OpenAPI pieces every API module uses (schema-generation check, the 400 of a service).
- `pagination`: the API's pagination classes (the first page read before it is counted).
- `serializers`: `PlannedReadMixin`, the API's read serializers with their fields built and read cheaply.
- `nul_bytes`: the middleware answering 400 to a NUL character in a request's path, query, form or JSON body.

It imports no app and not `mentorhub.tenancy` (which reads `mentorhub.accounts` models), so every app may
import it. The base viewsets that scope by organization need those models: they stay in `mentorhub.tenancy`,
which uses this layer's schema check.
"""
