# The portal's image: a Node stage builds the GOV.UK Frontend assets, the
# Python stage runs gunicorn (web), celery worker or celery beat.

FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY assets ./assets
RUN mkdir -p build/static/css build/static/js build/static/images build/static/govuk/images \
 && node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
      assets/scss/portal.scss build/static/css/portal.css \
 && cp node_modules/govuk-frontend/dist/govuk/assets/images/* build/static/govuk/images/ \
 && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js build/static/js/ \
 && cp assets/js/portal.mjs assets/js/import.mjs build/static/js/ \
 && cp assets/images/* build/static/images/

FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 1000 portal
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY manage.py ./
COPY portal ./portal
COPY accounts ./accounts
COPY threat_levels ./threat_levels
COPY bulletins ./bulletins
COPY alerts ./alerts
COPY calls ./calls
COPY cascades ./cascades
COPY demo ./demo
COPY templates ./templates
COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py
COPY --from=assets /build/build ./build
# collectstatic needs settings to load; these values exist only for this step.
RUN DEBUG=false ALLOWED_HOSTS=localhost \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput \
 && mkdir -p var && chown -R portal:portal var
USER portal
EXPOSE 8000
# Workers, timeouts and request limits: deploy/gunicorn.conf.py.
CMD ["gunicorn", "portal.wsgi", "--config", "deploy/gunicorn.conf.py"]
