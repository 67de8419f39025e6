namespace Crossroads.ServiceRoutes.Tests;

/// <summary>The shared contract on PostgreSQL: a fresh database of the shared test server per test.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresStoreTests(PostgresServer server) : StoreContractTests
{
    protected override async Task<ServiceRouteStoreOptions> CreateOptionsAsync() =>
        new() { ConnectionString = await server.CreateDatabaseAsync(), TimeProvider = Clock };
}
