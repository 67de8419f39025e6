using Npgsql;

namespace Crossroads.ServiceRoutes.Tests;

/// <summary>The shared contract on PostgreSQL: a fresh database of the shared test server per test.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresStoreTests(PostgresServer server) : StoreContractTests
{
    protected override async Task<ServiceRouteStoreOptions> CreateOptionsAsync() =>
        new() { ConnectionString = await server.CreateDatabaseAsync(), TimeProvider = Clock };

    protected override async Task InstallFailingOutboxTriggerAsync()
    {
        await using var connection = new NpgsqlConnection(Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            CREATE FUNCTION outbox_boom() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.payload::text LIKE '%boom%' THEN RAISE EXCEPTION 'boom: refused by a test trigger'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER outbox_boom BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_boom();
            """, connection);
        await command.ExecuteNonQueryAsync();
    }
}
