"""The image and the compose stack use the same configs as the stack test."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_nginx_service_uses_the_tested_template():
    nginx = _compose()["services"]["nginx"]
    assert "./deploy/nginx/cinema.conf.template:/etc/nginx/templates/cinema.conf.template:ro" in nginx["volumes"]
    assert nginx["environment"]["API_UPSTREAM"] == "api:8000"
    assert "deploy/nginx/cinema.conf.template" in (ROOT / "deploy/stack_test.sh").read_text()


def test_image_runs_gunicorn_with_the_tested_config_as_non_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "cinema.wsgi"]' in dockerfile
    assert "USER cinema" in dockerfile and "HEALTHCHECK" in dockerfile and "collectstatic" in dockerfile
    assert "gunicorn.conf.py" in (ROOT / "deploy/stack_test.sh").read_text()


def test_api_service_scales_and_metrics_stay_inside():
    services = _compose()["services"]
    assert "ports" not in services["api"] and "container_name" not in services["api"]
    assert "location = /metrics { return 404; }" in (ROOT / "deploy/nginx/cinema.conf.template").read_text()
    assert all(p.startswith("127.0.0.1:") for p in services["prometheus"]["ports"] + services["grafana"]["ports"])


def test_prometheus_sends_the_metrics_token_the_api_requires():
    services = _compose()["services"]
    scrape = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())["scrape_configs"]
    api_job = next(job for job in scrape if job["job_name"] == "cinema-api")
    token_file = api_job["authorization"]["credentials_file"]
    assert api_job["authorization"]["type"] == "Bearer"
    prometheus = services["prometheus"]
    assert prometheus["tmpfs"] == [str(Path(token_file).parent)]  # the token is never written to disk
    assert f'"$$METRICS_TOKEN" > {token_file}' in " ".join(prometheus["entrypoint"])
    required = "${METRICS_TOKEN:?set METRICS_TOKEN in .env}"
    assert prometheus["environment"]["METRICS_TOKEN"] == required
    assert services["api"]["environment"]["METRICS_TOKEN"] == required


def test_every_setting_read_from_the_environment_is_in_env_example():
    import re

    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', (ROOT / "cinema/settings.py").read_text()))
    read -= {"DATABASE_URL", "REDIS_URL", "STATIC_ROOT", "MEDIA_ROOT"}  # set by the compose file / image
    assert read <= documented, read - documented


def test_worker_and_beat_run_the_app_image_with_healthchecks_and_scale():
    services = _compose()["services"]
    worker, beat = services["worker"], services["beat"]
    assert worker["image"] == beat["image"] == services["api"]["image"]
    assert worker["command"] == ["celery", "-A", "cinema", "worker", "-l", "INFO"]
    assert beat["command"] == ["celery", "-A", "cinema", "beat", "-l", "INFO"]
    assert "inspect ping" in " ".join(worker["healthcheck"]["test"]) and beat["healthcheck"]["test"]
    assert "container_name" not in worker and "ports" not in worker  # --scale worker=N
    scraped = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())["scrape_configs"]
    assert any(job["dns_sd_configs"][0]["names"] == ["worker"] for job in scraped)
    assert worker["environment"]["CELERY_METRICS_PORT"] == "9808"


def test_failed_sends_raise_an_alert_and_are_on_the_dashboard():
    rules = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())["groups"][0]["rules"]
    assert any("cinema_messages_failed_total" in rule["expr"] for rule in rules)
    dashboard = (ROOT / "deploy/grafana/dashboards/cinema.json").read_text()
    assert "cinema_messages_sent_total" in dashboard and "cinema_tasks_total" in dashboard


def test_the_host_crontab_no_longer_runs_expire_holds():
    assert "expire_holds >/dev/null" not in (ROOT / "docs/DEPLOYMENT.md").read_text()


def _nginx_blocks():
    """The HTTPS server's own directives and each of its locations' ({head: [directive, …]})."""
    text = (ROOT / "deploy/nginx/cinema.conf.template").read_text()
    blocks, current = {"server": []}, "server"
    for line in text[text.rindex("server {") :].splitlines()[1:]:
        line = line.split("#", 1)[0].strip()
        if line.startswith("location") and line.endswith("{"):
            current = line[:-1].strip()
            blocks[current] = []
        elif line.startswith("location"):  # one line: location = /metrics { return 404; }
            head, body = line.split("{", 1)
            blocks[head.strip()] = [body.rstrip("}").strip()]
        elif line == "}":
            current = "server"
        elif line:
            blocks[current].append(line)
    return blocks


def test_nginx_locations_with_their_own_headers_repeat_the_security_headers():
    blocks = _nginx_blocks()
    security = [d for d in blocks["server"] if d.startswith("add_header")]
    assert {d.split()[1] for d in security} >= {
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
    }
    with_headers = [
        head for head, body in blocks.items() if head != "server" and any(d.startswith("add_header") for d in body)
    ]
    assert {"location /static/", "location /media/"} <= set(with_headers)
    for head in with_headers:
        assert set(security) <= set(blocks[head]), head


def test_nginx_lets_poster_uploads_through_to_the_admin_only():
    from catalog.services import POSTER_MAX_BYTES

    blocks = _nginx_blocks()
    assert "client_max_body_size 1m;" in blocks["server"]
    admin = blocks["location /${ADMIN_URL}"]
    limit = next(d for d in admin if d.startswith("client_max_body_size"))
    assert int(limit.split()[1].rstrip("m;")) * 1024 * 1024 > POSTER_MAX_BYTES
    assert "proxy_pass http://cinema_api;" in admin
    assert _compose()["services"]["nginx"]["environment"]["ADMIN_URL"] == "${ADMIN_URL:-admin/}"
    assert "${ADMIN_URL}" in (ROOT / "deploy/stack_test.sh").read_text()


def test_nginx_limits_the_customer_sign_in_as_the_api_sign_in():
    from django.urls import reverse

    blocks = _nginx_blocks()
    auth_limit = next(d for d in blocks["location /api/v1/auth/"] if d.startswith("limit_req"))
    assert auth_limit in blocks[f"location = {reverse('web:login')}"]
