using System.Diagnostics;

namespace Crossroads.Hosting.Correlation;

/// <summary>
/// ASP.NET Core only creates the request <see cref="Activity"/> (and so honours <c>traceparent</c>) when something
/// listens. The chassis turns off the hosting diagnostics logger (its per-request lines and its duplicate RequestId
/// scope), so this listener keeps the activity alive. <see cref="ActivitySamplingResult.PropagationData"/> creates
/// ids without recording anything; OpenTelemetry, when enabled, adds its own sampling on top.
/// </summary>
internal sealed class RequestActivityListener : IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = static source => source.Name == "Microsoft.AspNetCore",
        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    public RequestActivityListener() => ActivitySource.AddActivityListener(_listener);

    public void Dispose() => _listener.Dispose();
}
