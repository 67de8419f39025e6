using System.Net;

namespace Crossroads.Server.Tests.Operations;

/// <summary>
/// A chunked request body sent in two parts: the first part immediately, the rest only when the test releases it,
/// so the request is provably in flight while the server is told to stop.
/// </summary>
internal sealed class GatedJsonContent(string first, string rest) : HttpContent
{
    private readonly TaskCompletionSource _firstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task FirstPartSent => _firstSent.Task;

    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(first));
        await stream.FlushAsync();
        _firstSent.TrySetResult();
        await _release.Task;
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(rest));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
