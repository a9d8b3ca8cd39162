#!/usr/bin/env python3
"""A fair SQLite baseline for BENCHMARKS.md: the same data (a fourroads backup file), the
same import (one transaction, indexes like ours) and the same period queries as the
store benchmarks, timed on the same machine.

    python3 benches/sqlite_baseline.py target/bench-stores/backup-1M.jsonl

Uses Python's built-in sqlite3 module (the SQLite library itself); prints the sqlite
version, import time, database size and median/p99 of each query.
"""

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time

SCHEMA = """
CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, status TEXT, created_at TEXT) WITHOUT ROWID;
CREATE TABLE calls (id TEXT PRIMARY KEY, customer_id TEXT, agent TEXT, started_at TEXT,
                    road INTEGER, lead_road INTEGER, reviewed INTEGER, tags TEXT) WITHOUT ROWID;
CREATE TABLE notes (call_id TEXT PRIMARY KEY, text TEXT) WITHOUT ROWID;
CREATE TABLE cases (id TEXT PRIMARY KEY, customer_id TEXT, opened_at TEXT, due TEXT, status TEXT) WITHOUT ROWID;
CREATE TABLE audit (subject TEXT, id TEXT, who TEXT, what TEXT, old TEXT, new TEXT, reason TEXT, at TEXT,
                    PRIMARY KEY (subject, id)) WITHOUT ROWID;
"""
# The same indexes the sled store keeps.
INDEXES = """
CREATE INDEX call_by_customer ON calls (customer_id, started_at);
CREATE INDEX call_by_time ON calls (started_at);
CREATE INDEX call_by_agent ON calls (agent, started_at);
CREATE INDEX call_by_road ON calls (road, started_at);
CREATE INDEX call_unreviewed ON calls (started_at) WHERE reviewed = 0;
CREATE INDEX case_open_by_due ON cases (due) WHERE status = 'open';
CREATE INDEX case_by_customer ON cases (customer_id);
CREATE INDEX customer_by_status ON customers (status);
"""

QUERIES = {
    "review page: month + agent + road 4": (
        "SELECT id, customer_id, started_at FROM calls WHERE agent = ? AND road = 4 "
        "AND started_at >= ? AND started_at < ? ORDER BY started_at DESC LIMIT 50"
    ),
    "review page: month, unreviewed": (
        "SELECT id, customer_id, started_at FROM calls WHERE reviewed = 0 "
        "AND started_at >= ? AND started_at < ? ORDER BY started_at DESC LIMIT 50"
    ),
    "dashboard road mix: a month": (
        "SELECT agent, road, count(*) FROM calls WHERE started_at >= ? AND started_at < ? "
        "GROUP BY agent, road"
    ),
    "dashboard road mix: a year": (
        "SELECT agent, road, count(*) FROM calls WHERE started_at >= ? AND started_at < ? "
        "GROUP BY agent, road"
    ),
    "dashboard agreement: a year": (
        "SELECT agent, road, lead_road, count(*) FROM calls WHERE reviewed = 1 "
        "AND started_at >= ? AND started_at < ? GROUP BY agent, road, lead_road"
    ),
}


def measure(run, n):
    for _ in range(min(n, 5)):
        run()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[round((len(times) - 1) * 0.99)]


def show(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def main():
    backup = sys.argv[1]
    folder = tempfile.mkdtemp(prefix="fourroads-sqlite-")
    path = os.path.join(folder, "baseline.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SCHEMA + INDEXES)
    started = time.perf_counter()
    db.execute("BEGIN")
    agents = []
    with open(backup, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            kind = record["type"]
            if kind == "customer":
                r = record["record"]
                db.execute("INSERT INTO customers VALUES (?,?,?,?)",
                           (r["id"], r["name"], r["status"], r["created_at"]))
            elif kind == "call":
                r = record["record"]
                review = r.get("review")
                db.execute("INSERT INTO calls VALUES (?,?,?,?,?,?,?,?)",
                           (r["id"], r["customer_id"], r["agent"], r["started_at"], r.get("road"),
                            review["road"] if review else None, 1 if review else 0,
                            " ".join(r.get("tags", []))))
            elif kind == "notes":
                db.execute("INSERT INTO notes VALUES (?,?)", (record["call_id"], record["text"]))
            elif kind == "case":
                r = record["record"]
                db.execute("INSERT INTO cases VALUES (?,?,?,?,?)",
                           (r["id"], r["customer_id"], r["opened_at"], r["due"], r["status"]))
            elif kind == "audit":
                r = record["record"]
                db.execute("INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)",
                           (r["subject"], r["id"], r["who"], r["what"], r.get("old"), r.get("new"),
                            r["reason"], r["at"]))
            elif kind == "agent":
                agents.append(record["name"])
    db.execute("COMMIT")
    imported = time.perf_counter() - started
    size = os.path.getsize(path)
    print(f"sqlite {sqlite3.sqlite_version}: import (one transaction, indexes as ours) "
          f"{show(imported)}; database {size / 2**20:.0f} MiB")
    # Timestamps in the backup are RFC 3339 UTC, so text order is time order.
    month = ("2026-10-22T00:00:00Z", "2026-11-21T00:00:00Z")
    year = ("2025-11-21T00:00:00Z", "2026-11-21T00:00:00Z")
    params = {
        "review page: month + agent + road 4": (agents[0],) + month,
        "review page: month, unreviewed": month,
        "dashboard road mix: a month": month,
        "dashboard road mix: a year": year,
        "dashboard agreement: a year": year,
    }
    for name, sql in QUERIES.items():
        args = params[name]
        n = 300 if name.startswith("review") else 20
        median, p99 = measure(lambda: db.execute(sql, args).fetchall(), n)
        print(f"{name:<40} median {show(median):>10}  p99 {show(p99):>10}  ({n} samples)")
    db.close()


if __name__ == "__main__":
    main()
