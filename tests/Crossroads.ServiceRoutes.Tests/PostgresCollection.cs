namespace Crossroads.ServiceRoutes.Tests;

/// <summary>One PostgreSQL server for every test class in this collection (xunit 2 wants the definition in the test assembly).</summary>
[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
