namespace Crossroads.Server.Tests.ServiceRoutes;

/// <summary>One PostgreSQL server for the PostgreSQL test classes of this assembly (xunit 2 wants the definition here); they run one after the other.</summary>
[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
