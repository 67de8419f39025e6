using Crossroads.Postgres;

namespace Crossroads.RoutingTable.Replication;

/// <summary>
/// The shared table's PostgreSQL schema, as migrations recorded in <c>routing_table_migrations</c> (its own, so it lives
/// beside the service routes' schema in the same database). Prefixes and next hops are stored as the canonical text
/// this library prints (<c>COLLATE "C"</c>: byte order, whatever the database's locale).
/// </summary>
internal static class SharedTableSchema
{
    /// <summary>
    /// The advisory lock migrations hold (the first 8 bytes of SHA-256 of "crossroads.routing_table.migrations"), so
    /// replicas starting together migrate one after the other.
    /// </summary>
    public const long MigrationLockKey = 0x2b1d_5a0e_7c43_96f1;

    /// <summary>The notification channel: every committed write notifies its revision there.</summary>
    public const string Channel = "crossroads_routing_table";

    public const string MigrationsTable = "routing_table_migrations";

    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new(1, "revision counter, base table hash, changed metrics", """
            CREATE TABLE routing_table_revision (
                id smallint PRIMARY KEY CHECK (id = 1),
                revision bigint NOT NULL
            );
            INSERT INTO routing_table_revision (id, revision) VALUES (1, 0);

            CREATE TABLE routing_table_base (
                id smallint PRIMARY KEY CHECK (id = 1),
                table_hash text NOT NULL,
                routes integer NOT NULL,
                max_metric integer NOT NULL,
                routes_file text NOT NULL,
                recorded_at timestamptz NOT NULL
            );

            CREATE TABLE routing_table_metrics (
                prefix text COLLATE "C" NOT NULL,
                next_hop text COLLATE "C" NOT NULL,
                metric integer NOT NULL CHECK (metric > 0),
                revision bigint NOT NULL,
                PRIMARY KEY (prefix, next_hop)
            );
            CREATE INDEX routing_table_metrics_revision ON routing_table_metrics (revision);
            """),
    ];

    /// <summary>The latest committed revision.</summary>
    public const string CurrentRevisionSql = "SELECT revision FROM routing_table_revision WHERE id = 1";
}
