"""gunicorn's settings for the portal's `web` service (the Dockerfile's CMD, docker-compose.yml).

nginx (deploy/nginx/portal.conf) stands in front: it caps bodies per route, buffers each request
whole and cuts off slow clients. These are the second line, for whatever reaches gunicorn
directly; the body caps themselves are portal/request_limits.py's middleware, since gunicorn
has none.
"""

bind = "0.0.0.0:8000"
workers = 3
worker_class = "sync"

# A worker stuck on one request this long is killed and replaced.
timeout = 30
graceful_timeout = 30
keepalive = 2

# The request line, the number of headers and the size of each (gunicorn answers 400 or 431).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

accesslog = "-"
