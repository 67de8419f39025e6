using Crossroads.ServiceRoutes.Storage;

namespace Crossroads.ServiceRoutes.Postgres;

/// <summary>
/// The PostgreSQL schema, as migrations. Names are <c>COLLATE "C"</c>: ordinal order whatever the database's locale,
/// so listing order and cursors match SQLite's (and names are ASCII anyway).
/// </summary>
internal static class PostgresSchema
{
    /// <summary>
    /// The advisory lock key migrations hold (the first 8 bytes of SHA-256 of
    /// "crossroads.service_routes.migrations"): replicas starting together migrate one after the other.
    /// </summary>
    public const long MigrationLockKey = -3221264217439206405;

    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "routes, revision counter, audit, outbox", """
            CREATE TABLE revision_counter (
                id smallint PRIMARY KEY CHECK (id = 1),
                revision bigint NOT NULL
            );
            INSERT INTO revision_counter (id, revision) VALUES (1, 0);

            CREATE TABLE routes (
                tenant text COLLATE "C" NOT NULL,
                service text COLLATE "C" NOT NULL,
                env text COLLATE "C" NOT NULL,
                version text COLLATE "C" NOT NULL,
                url text NOT NULL,
                active boolean NOT NULL,
                revision bigint NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (tenant, service, env, version)
            );

            CREATE TABLE route_audit (
                revision bigint PRIMARY KEY,
                event_id uuid NOT NULL UNIQUE,
                tenant text COLLATE "C" NOT NULL,
                service text COLLATE "C" NOT NULL,
                env text COLLATE "C" NOT NULL,
                version text COLLATE "C" NOT NULL,
                action text NOT NULL CHECK (action IN ('created', 'updated', 'activated', 'deactivated')),
                url text NOT NULL,
                state text NOT NULL CHECK (state IN ('active', 'inactive')),
                previous_url text NULL,
                previous_state text NULL CHECK (previous_state IN ('active', 'inactive')),
                changed_by text NOT NULL,
                correlation_id text NULL,
                occurred_at timestamptz NOT NULL
            );
            CREATE INDEX route_audit_route ON route_audit (tenant, service, env, version, revision);
            CREATE INDEX route_audit_occurred_at ON route_audit (occurred_at);
            CREATE INDEX route_audit_action ON route_audit (action, occurred_at);

            CREATE TABLE outbox (
                revision bigint PRIMARY KEY,
                event_id uuid NOT NULL UNIQUE,
                payload json NOT NULL,
                occurred_at timestamptz NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                claimed_until timestamptz NULL,
                delivered_at timestamptz NULL
            );
            CREATE INDEX outbox_undelivered ON outbox (revision) WHERE delivered_at IS NULL;
            """),
        new(2, "weighted splits and their audit", """
            CREATE TABLE splits (
                tenant text COLLATE "C" NOT NULL,
                service text COLLATE "C" NOT NULL,
                env text COLLATE "C" NOT NULL,
                weights json NOT NULL,
                revision bigint NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (tenant, service, env)
            );

            CREATE TABLE split_audit (
                revision bigint PRIMARY KEY,
                event_id uuid NOT NULL UNIQUE,
                tenant text COLLATE "C" NOT NULL,
                service text COLLATE "C" NOT NULL,
                env text COLLATE "C" NOT NULL,
                action text NOT NULL CHECK (action IN ('split_set', 'split_deleted')),
                weights json NULL,
                previous_weights json NULL,
                changed_by text NOT NULL,
                correlation_id text NULL,
                occurred_at timestamptz NOT NULL
            );
            CREATE INDEX split_audit_split ON split_audit (tenant, service, env, revision);
            """),
        new(3, "idempotency keys", """
            CREATE TABLE idempotency_keys (
                actor text COLLATE "C" NOT NULL,
                idempotency_key text COLLATE "C" NOT NULL,
                fingerprint text NOT NULL,
                kind text NOT NULL CHECK (kind IN ('route', 'split')),
                status text NOT NULL,
                outcome json NOT NULL,
                revision bigint NULL,
                created_at timestamptz NOT NULL,
                PRIMARY KEY (actor, idempotency_key)
            );
            CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
            """),
    ];
}
