using System.Text;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>The byte reader gives the events the text reader (<see cref="SseReader"/>) gives, however the bytes arrive.</summary>
public sealed class Utf8SseReaderTests
{
    private static async Task<List<SseEvent>> ReadBytesAsync(byte[] bytes, int maxChunk)
    {
        using var reader = new Utf8SseReader(new TrickleStream(bytes, maxChunk));
        var events = new List<SseEvent>();
        while (await reader.ReadAsync(CancellationToken.None) is { } e)
        {
            events.Add(new SseEvent(e.Event, Encoding.UTF8.GetString(e.Data.Span)));
        }

        return events;
    }

    private static async Task<List<SseEvent>> ReadTextAsync(byte[] bytes)
    {
        var reader = new SseReader(new StreamReader(new MemoryStream(bytes), Encoding.UTF8));
        var events = new List<SseEvent>();
        while (await reader.ReadAsync(CancellationToken.None) is { } e)
        {
            events.Add(e);
        }

        return events;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task Reads_events_multiline_data_comments_and_a_final_event_without_blank_line(int maxChunk)
    {
        var events = await ReadBytesAsync(Encoding.UTF8.GetBytes(": keep-alive\n\ndata: {\"a\":1}\n\nevent: error\ndata: line1\ndata:line2\n\ndata: [DONE]"), maxChunk);
        Assert.Equal(
            [new SseEvent(null, "{\"a\":1}"), new SseEvent("error", "line1\nline2"), new SseEvent(null, "[DONE]")],
            events);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public async Task Cr_crlf_and_lf_end_lines_and_a_leading_byte_order_mark_is_skipped(int maxChunk)
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\ndata: e\r\n\r\n"u8];
        Assert.Equal(
            [new SseEvent(null, "a"), new SseEvent(null, "b"), new SseEvent(null, "c"), new SseEvent(null, "d\ne")],
            await ReadBytesAsync(bytes, maxChunk));
    }

    [Fact]
    public async Task A_line_longer_than_the_buffer_and_data_longer_than_the_data_buffer_are_read_whole()
    {
        string big = new('x', 10_000);
        var text = $"data: {big}\ndata: {big}\n\ndata: {{\"é\":\"{big}\"}}\n\n";
        var events = await ReadBytesAsync(Encoding.UTF8.GetBytes(text), 700);
        Assert.Equal([new SseEvent(null, big + "\n" + big), new SseEvent(null, $"{{\"é\":\"{big}\"}}")], events);
    }

    /// <summary>Random streams of the bits an event stream is made of, read by both readers in random chunk sizes.</summary>
    [Fact]
    public async Task Random_streams_read_as_the_text_reader_reads_them()
    {
        const int Seed = 20261201;
        var random = new Random(Seed);
        string[] parts = ["data: ", "data:", "data", "event: ", "event:", "id: 7", "retry: 10", ": comment", "\n", "\r\n", "\r", "\n\n", "{\"a\":1}", "é€😀", " x ", ":", "[DONE]"];
        for (int round = 0; round < 2000; round++)
        {
            var text = new StringBuilder();
            int count = random.Next(0, 30);
            for (int i = 0; i < count; i++)
            {
                text.Append(parts[random.Next(parts.Length)]);
            }

            byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
            var expected = await ReadTextAsync(bytes);
            var actual = await ReadBytesAsync(bytes, random.Next(1, 9));
            Assert.True(expected.SequenceEqual(actual), $"seed {Seed}, round {round}: {text.ToString().ReplaceLineEndings("⏎")}");
        }
    }

    /// <summary>Hands out at most <c>maxChunk</c> bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] bytes, int maxChunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(maxChunk, buffer.Length), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
