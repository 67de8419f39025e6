using Microsoft.Data.Sqlite;

namespace Crossroads.ServiceRoutes.Tests;

/// <summary>The shared contract on SQLite: a real <c>crossroads.db</c> in a temporary directory per test.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly TempDirectory _directory = new("crossroads-routes-");

    protected override Task<ServiceRouteStoreOptions> CreateOptionsAsync() =>
        Task.FromResult(new ServiceRouteStoreOptions { DataDirectory = _directory.Subdirectory("data"), TimeProvider = Clock });

    protected override Task InstallFailingOutboxTriggerAsync()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Options.DataDirectory!, "crossroads.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TRIGGER outbox_boom BEFORE INSERT ON outbox WHEN NEW.payload LIKE '%boom%' BEGIN SELECT RAISE(ABORT, 'boom: refused by a test trigger'); END";
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    protected override Task CleanupAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
