using Crossroads.Hosting;

namespace Crossroads.Server;

/// <summary>Builds the Crossroads server; tests build it the same way on a loopback port.</summary>
public static class CrossroadsApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCrossroadsHosting();
        var app = builder.Build();
        app.UseCrossroadsHosting();
        app.MapCrossroadsOperations();
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var app = Build(args);
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }
}
