namespace Crossroads.ServiceRoutes.Tests;

/// <summary>The shared contract on SQLite: a real <c>crossroads.db</c> in a temporary directory per test.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly TempDirectory _directory = new("crossroads-routes-");

    protected override Task<ServiceRouteStoreOptions> CreateOptionsAsync() =>
        Task.FromResult(new ServiceRouteStoreOptions { DataDirectory = _directory.Subdirectory("data"), TimeProvider = Clock });

    protected override Task CleanupAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
