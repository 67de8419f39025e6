namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>
/// The event relay tests share one broker and one PostgreSQL server (their own: a test class belongs to one
/// collection). Tests that stop the broker start a broker of their own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EventsCollection : ICollectionFixture<RabbitMqServer>, ICollectionFixture<PostgresServer>
{
    public const string Name = "Events";
}
