using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

public sealed class SseReaderTests
{
    [Fact]
    public async Task Reads_events_multiline_data_comments_and_a_final_event_without_blank_line()
    {
        var reader = new SseReader(new StringReader(": keep-alive\n\ndata: {\"a\":1}\n\nevent: error\ndata: line1\ndata:line2\n\ndata: [DONE]"));
        var events = new List<SseEvent>();
        while (await reader.ReadAsync(CancellationToken.None) is { } e)
        {
            events.Add(e);
        }

        Assert.Equal(
            [new SseEvent(null, "{\"a\":1}"), new SseEvent("error", "line1\nline2"), new SseEvent(null, "[DONE]")],
            events);
    }
}
