"""Database engine, and one SQLAlchemy session per request (closed when the request ends)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """The engine of `url`; an unknown dialect stops the process without echoing the URL."""
    try:
        return _create_engine(url)
    except ArgumentError:
        raise SystemExit("invalid configuration: DATABASE_URL names an unknown database") from None


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _enable_foreign_keys(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_db(app: Flask, url: str) -> None:
    """The app's engine (a connection pool) and session factory, in app.extensions["db"]."""
    engine = make_engine(url)
    app.extensions["db"] = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def db_session() -> Session:
    """The current request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db"]()
    return g.db_session


def engine_of(app: Flask) -> Engine:
    return app.extensions["db"].kw["bind"]
