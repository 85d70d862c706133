"""Server settings compared on one data set, in alternating rounds.

`bench/run.py` measures one configuration; on a shared machine whose speed
drifts from one minute to the next, two configurations are only comparable
when measured side by side. This seeds once (as `bench/run.py` does), then
for each round and each configuration starts gunicorn, drives `/health/live`,
the seat map, holds, payment creation and webhooks with wrk, and stops it.
Every configuration gets fresh seats, bookings and webhooks of its own.

    .venv/bin/python bench/compare.py --rounds 2 sync2:2:1 gthread2x4:2:4 sync4:4:1
    # label:workers:threads[:NAME=value,...]  (extra environment for gunicorn)

Prints each run and, per configuration, the range of each ratio to
`/health/live` over the rounds.
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 - bench/run.py, for its fixtures and wrk helper

ENDPOINTS = ("health_live", "seat_map", "hold", "payment", "webhook")
PAYMENTS_PER_RUN = 1000  # bookings set aside per payment run (a run that uses more replays the first)

# Webhooks for the payments started since the last call, marked delivered so
# that the next run gets only its own.
WEBHOOK_CODE = (
    run.WEBHOOK_CODE
    + r"""
events.update(delivered_at=__import__("django.utils.timezone", fromlist=["now"]).now())
"""
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("configs", nargs="+", help="label:workers:threads[:NAME=value,...]")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--only", default=",".join(ENDPOINTS))
    args = parser.parse_args()
    configs = []
    for text in args.configs:
        label, workers, threads, *extra = text.split(":")
        env = dict(item.split("=", 1) for item in (extra[0].split(",") if extra else []))
        configs.append((label, {"GUNICORN_WORKERS": workers, "GUNICORN_THREADS": threads, **env}))
    only = set(args.only.split(",")) | {"health_live"}
    runs = args.rounds * len(configs)

    work = Path(tempfile.mkdtemp(prefix="cinema-compare-"))
    db = f"cinema_compare_{os.getpid()}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "SECURE_SSL_REDIRECT": "0",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        **{
            f"THROTTLE_{s}": "100000000/min"
            for s in ("ANON", "USER", "LOGIN_IP", "LOGIN_ACCOUNT", "REGISTER", "BOOKING", "PAYMENT")
        },
        "GUNICORN_BIND": f"127.0.0.1:{run.PORT}",
        "BENCH_DIR": str(work),
        "BENCH_LUA": str(run.ROOT / "bench"),
    }
    results = []
    try:
        run.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"CREATE DATABASE {db}")
        run.sh("redis-cli", "-n", env["REDIS_URL"].rsplit("/", 1)[1], "flushdb", stdout=subprocess.DEVNULL)
        print("== demo data", flush=True)
        run.manage(env, "migrate", "--noinput", "-v0")
        run.manage(env, "seed_demo", "-v0")
        fixture = json.loads(run.manage(env, "shell", "-c", run.FIXTURE_CODE, capture=True).strip().splitlines()[-1])
        (work / "tokens.txt").write_text("\n".join(fixture["tokens"]) + "\n")
        seats = fixture["seats"]
        pay_code = run.PAY_FIXTURE_CODE.replace("4000", str(PAYMENTS_PER_RUN * runs)).replace("[:20]", "[:80]")
        payments = json.loads(run.manage(env, "shell", "-c", pay_code, capture=True).strip().splitlines()[-1])
        payments = payments["payments"]
        # Statistics, as a database in service has them (autovacuum has not run yet): without
        # them PostgreSQL read every pending payment to find a booking's (the planner took the
        # payments table for the few rows it held before the fixtures).
        run.sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-q", "-c", "ANALYZE")
        seat_share, index = len(seats) // runs, 0
        for round_ in range(args.rounds):
            for label, extra in configs:
                (work / "seats.txt").write_text("\n".join(seats[index * seat_share : (index + 1) * seat_share]) + "\n")
                share = payments[index * PAYMENTS_PER_RUN : (index + 1) * PAYMENTS_PER_RUN]
                (work / "payments.txt").write_text("\n".join(share) + "\n")
                index += 1
                result = measure({**env, **extra, "BENCH_SEATS": "seats.txt"}, work, fixture, args, only)
                result.update(config=label, round=round_ + 1)
                results.append(result)
                print(
                    f"{label:>12} round {round_ + 1}: "
                    + "  ".join(
                        f"{n} {result[n]['rps']:.0f}/s p99 {result[n]['p99_ms']:.0f}"
                        + (f" ({result[n]['rps'] / result['health_live']['rps']:.3f})" if n != "health_live" else "")
                        for n in ENDPOINTS
                        if n in result
                    ),
                    flush=True,
                )
    finally:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {db}"], check=False
        )
    print("\nratio to /health/live, range over the rounds (p99 ms range)")
    for label, _ in configs:
        mine = [r for r in results if r["config"] == label]
        cells = []
        for name in ENDPOINTS:
            if name not in mine[0]:
                continue
            ratios = [r[name]["rps"] / r["health_live"]["rps"] for r in mine]
            rps = [r[name]["rps"] for r in mine]
            p99 = [r[name]["p99_ms"] for r in mine]
            shown = f"{min(ratios):.3f}–{max(ratios):.3f}"
            if name == "health_live":
                shown = f"{min(rps):.0f}–{max(rps):.0f}/s"
            cells.append(f"{name} {shown} [{min(p99):.0f}–{max(p99):.0f}]")
        print(f"{label:>12}: " + "  ".join(cells))
    out = run.ROOT / "artifacts" / "compare.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


def measure(env, work, fixture, args, only):
    env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(work / f"metrics-{time.monotonic_ns()}")}
    base = f"http://127.0.0.1:{run.PORT}"
    log = open(work / "gunicorn.log", "a")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(
        [run.GUNICORN, "-c", "gunicorn.conf.py", "cinema.wsgi"], cwd=run.ROOT, env=env, stdout=log, stderr=log
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/health/live", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        for url in (f"{base}/health/live", f"{base}/api/v1/movies/"):
            run.wrk(url, 8, 1)
        urls = {"health_live": f"{base}/health/live", "seat_map": f"{base}/api/v1/sessions/{fixture['session']}/seats/"}
        result = {}
        for name in ENDPOINTS:
            if name not in only:
                continue
            if name == "webhook":
                manage_env = {k: v for k, v in env.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
                lines = run.manage(manage_env, "shell", "-c", WEBHOOK_CODE, capture=True).strip().splitlines()
                (work / "webhooks.txt").write_text("\n".join(lines[-1].split("\x1e")) + "\n")
            script = str(run.ROOT / "bench" / f"{name}.lua") if name not in urls else None
            result[name] = run.wrk(urls.get(name, f"{base}/"), args.connections, args.duration, script=script, env=env)
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
