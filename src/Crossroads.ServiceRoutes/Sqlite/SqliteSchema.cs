using Crossroads.ServiceRoutes.Storage;

namespace Crossroads.ServiceRoutes.Sqlite;

/// <summary>
/// The SQLite schema, as migrations: the PostgreSQL tables with SQLite types. Times are integer microseconds since
/// the Unix epoch (UTC); UUIDs are lower-case text; booleans are 0/1. Text compares with BINARY collation, ordinal
/// like PostgreSQL's <c>"C"</c>.
/// </summary>
internal static class SqliteSchema
{
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "routes, revision counter, audit, outbox", """
            CREATE TABLE revision_counter (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                revision INTEGER NOT NULL
            );
            INSERT INTO revision_counter (id, revision) VALUES (1, 0);

            CREATE TABLE routes (
                tenant TEXT NOT NULL,
                service TEXT NOT NULL,
                env TEXT NOT NULL,
                version TEXT NOT NULL,
                url TEXT NOT NULL,
                active INTEGER NOT NULL CHECK (active IN (0, 1)),
                revision INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (tenant, service, env, version)
            ) WITHOUT ROWID;

            CREATE TABLE route_audit (
                revision INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL UNIQUE,
                tenant TEXT NOT NULL,
                service TEXT NOT NULL,
                env TEXT NOT NULL,
                version TEXT NOT NULL,
                action TEXT NOT NULL CHECK (action IN ('created', 'updated', 'activated', 'deactivated')),
                url TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('active', 'inactive')),
                previous_url TEXT NULL,
                previous_state TEXT NULL CHECK (previous_state IN ('active', 'inactive')),
                changed_by TEXT NOT NULL,
                correlation_id TEXT NULL,
                occurred_at INTEGER NOT NULL
            );
            CREATE INDEX route_audit_route ON route_audit (tenant, service, env, version, revision);
            CREATE INDEX route_audit_occurred_at ON route_audit (occurred_at);
            CREATE INDEX route_audit_action ON route_audit (action, occurred_at);

            CREATE TABLE outbox (
                revision INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL UNIQUE,
                payload TEXT NOT NULL,
                occurred_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                claimed_until INTEGER NULL,
                delivered_at INTEGER NULL
            );
            CREATE INDEX outbox_undelivered ON outbox (revision) WHERE delivered_at IS NULL;
            """),
        new(2, "weighted splits and their audit", """
            CREATE TABLE splits (
                tenant TEXT NOT NULL,
                service TEXT NOT NULL,
                env TEXT NOT NULL,
                weights TEXT NOT NULL,
                revision INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (tenant, service, env)
            ) WITHOUT ROWID;

            CREATE TABLE split_audit (
                revision INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL UNIQUE,
                tenant TEXT NOT NULL,
                service TEXT NOT NULL,
                env TEXT NOT NULL,
                action TEXT NOT NULL CHECK (action IN ('split_set', 'split_deleted')),
                weights TEXT NULL,
                previous_weights TEXT NULL,
                changed_by TEXT NOT NULL,
                correlation_id TEXT NULL,
                occurred_at INTEGER NOT NULL
            );
            CREATE INDEX split_audit_split ON split_audit (tenant, service, env, revision);
            """),
        new(3, "idempotency keys", """
            CREATE TABLE idempotency_keys (
                actor TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('route', 'split')),
                status TEXT NOT NULL,
                outcome TEXT NOT NULL,
                revision INTEGER NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (actor, idempotency_key)
            ) WITHOUT ROWID;
            CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
            """),
    ];
}
