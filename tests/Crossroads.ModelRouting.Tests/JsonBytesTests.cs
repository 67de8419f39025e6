using System.Buffers;
using System.Text;
using System.Text.Json;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Bodies written straight into a caller's output are the bytes <see cref="JsonBytes.ToBytes"/> gives, appended, and the writer lets go of that output.</summary>
public sealed class JsonBytesTests
{
    private static readonly JsonBytes Json = new(new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });

    private static void Chunk(Utf8JsonWriter w, (string Text, int N) s)
    {
        w.WriteStartObject();
        w.WriteString("content", s.Text);
        w.WriteNumber("n", s.N);
        w.WriteEndObject();
    }

    [Fact]
    public void WriteTo_appends_the_bytes_ToBytes_gives()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write("data: "u8);
        Json.WriteTo(output, ("héllo \"w\" <b>", 1), Chunk);
        output.Write("\n\n"u8);
        Json.WriteTo(output, ("second", 2), Chunk);

        string expected = "data: " + Encoding.UTF8.GetString(Json.ToBytes(("héllo \"w\" <b>", 1), Chunk)) + "\n\n"
            + Encoding.UTF8.GetString(Json.ToBytes(("second", 2), Chunk));
        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal("""data: {"content":"héllo \"w\" <b>","n":1}""" + "\n\n" + """{"content":"second","n":2}""", expected);
    }

    [Fact]
    public void After_WriteTo_the_thread_s_writer_no_longer_writes_into_that_output()
    {
        var output = new ArrayBufferWriter<byte>();
        Json.WriteTo(output, ("once", 1), Chunk);
        int written = output.WrittenCount;

        // The same thread's next bodies (both kinds) must go to their own buffers, not after the first output's bytes.
        var bytes = Json.ToBytes(("next", 2), Chunk);
        var other = new ArrayBufferWriter<byte>();
        Json.WriteTo(other, ("other", 3), Chunk);

        Assert.Equal(written, output.WrittenCount);
        Assert.Equal("""{"content":"next","n":2}""", Encoding.UTF8.GetString(bytes));
        Assert.Equal("""{"content":"other","n":3}""", Encoding.UTF8.GetString(other.WrittenSpan));
    }

    [Fact]
    public void The_thread_s_cached_writer_does_not_keep_the_output_alive()
    {
        var output = WriteOnce();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(output.IsAlive);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference WriteOnce()
    {
        var output = new ArrayBufferWriter<byte>();
        Json.WriteTo(output, ("kept?", 4), Chunk);
        Assert.Equal("""{"content":"kept?","n":4}""", Encoding.UTF8.GetString(output.WrittenSpan));
        return new WeakReference(output);
    }

    [Fact]
    public void A_body_written_while_another_is_being_written_gets_its_own_writer()
    {
        var output = new ArrayBufferWriter<byte>();
        Json.WriteTo(output, 0, (w, _) =>
        {
            w.WriteStartObject();
            w.WriteString("inner", Encoding.UTF8.GetString(Json.ToBytes(("nested", 9), Chunk)));
            w.WriteEndObject();
        });

        Assert.Equal("""{"inner":"{\"content\":\"nested\",\"n\":9}"}""", Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
