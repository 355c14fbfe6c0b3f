"""config.settings.base.database(): each request in a transaction; on PostgreSQL, statements
bound on the server and prepared, unless the environment or the URL says otherwise."""

from config.settings.base import database

POSTGRES = "postgres://portal:pw@postgres:5432/portal"


def test_postgres_prepares_its_statements(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    config = database(POSTGRES)
    assert config["ATOMIC_REQUESTS"] is True
    assert config["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_turned_off_by_the_environment_or_the_url(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert "prepare_threshold" not in database(POSTGRES).get("OPTIONS", {})
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS")
    options = database(f"{POSTGRES}?prepare_threshold=10&server_side_binding=false")["OPTIONS"]
    # Django binds on the server only for True: "false" from a URL is client-side binding.
    assert options == {"prepare_threshold": 10, "server_side_binding": "false"}


def test_sqlite_is_left_as_it_is():
    config = database("sqlite:///db.sqlite3")
    assert config["ATOMIC_REQUESTS"] is True
    assert "OPTIONS" not in config or not config["OPTIONS"]
