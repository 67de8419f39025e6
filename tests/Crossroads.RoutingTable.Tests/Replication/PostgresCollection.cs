namespace Crossroads.RoutingTable.Tests.Replication;

/// <summary>One PostgreSQL server for this assembly's PostgreSQL tests (xunit 2 wants the definition here); each test takes its own database.</summary>
[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
