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

    [Fact]
    public async Task A_data_field_without_colon_is_empty_and_an_event_name_does_not_leak_into_the_next_event()
    {
        var reader = new SseReader(new StringReader("data\n\nevent: ping\ndata: a\ndata\n\ndata:b\n\n"));
        var events = new List<SseEvent>();
        while (await reader.ReadAsync(CancellationToken.None) is { } e)
        {
            events.Add(e);
        }

        Assert.Equal([new SseEvent(null, ""), new SseEvent("ping", "a\n"), new SseEvent(null, "b")], events);
    }
}
