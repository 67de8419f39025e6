using System.Text;
using Crossroads.Hosting.Errors;
using Microsoft.AspNetCore.Http;

namespace Crossroads.Hosting.Tests;

/// <summary>
/// The direct problem's members copied as bytes (<see cref="PlainProblemTail"/>) against the JSON writer they replace:
/// whenever the copy is taken its bytes and length are the writer's, it is taken for the values a 429 normally
/// carries, and it declines every value the writer would escape.
/// </summary>
public sealed class PlainProblemTailTests
{
    private static readonly byte[] Head = ProblemJsonWriter.EncodeHead(429, "The read rate limit of 1 requests per second (burst 1) for this client was exceeded; retry after 1 s.");

    [Theory]
    [InlineData("/destination/1.0.167.1", "286f72e0fa62e6cd5991b5bd21dc8814", "a9bcf1c6080594ae94e594777073abed")]
    [InlineData("/items", "client-id <&'+`> ok", null)]
    [InlineData(null, "x", "0af7651916cd43dd8448eb211c80319c")]
    [InlineData("", " ", "")]
    public async Task Plain_values_are_copied_with_the_writers_bytes(string? instance, string requestId, string? traceId)
    {
        var (taken, plain) = await PlainAsync(instance, requestId, traceId);
        Assert.True(taken);
        Assert.Equal(Encoding.UTF8.GetString(await ReferenceAsync(instance, requestId, traceId)), Encoding.UTF8.GetString(plain));
    }

    [Fact]
    public async Task Every_ASCII_character_gives_the_writers_bytes_or_is_declined()
    {
        for (var c = 0; c < 128; c++)
        {
            foreach (var (instance, requestId) in new[] { ($"/a{(char)c}b", "id"), ("/a", $"i{(char)c}d") })
            {
                var (taken, plain) = await PlainAsync(instance, requestId, "0af7651916cd43dd8448eb211c80319c");
                var reference = await ReferenceAsync(instance, requestId, "0af7651916cd43dd8448eb211c80319c");
                var escaped = reference.Length != Head.Length + instance.Length + requestId.Length + 32 + ",\"instance\":\"\",\"requestId\":\"\",\"traceId\":\"\"}".Length;
                Assert.True(taken != escaped, $"char {c:X2}: taken={taken}, escaped by the writer={escaped}");
                if (taken)
                {
                    Assert.Equal(reference, plain);
                }
            }
        }
    }

    [Theory]
    [InlineData("/caf\u00e9")]
    [InlineData("/\"quoted\"")]
    [InlineData("/back\\slash")]
    [InlineData("/tab\there")]
    public async Task Values_the_writer_escapes_are_declined_and_leave_the_response_untouched(string instance)
    {
        var (taken, plain) = await PlainAsync(instance, "id", null);
        Assert.False(taken);
        Assert.Empty(plain);
    }

    [Fact]
    public async Task A_missing_request_id_is_left_to_the_writer()
    {
        var (taken, _) = await PlainAsync("/items", null, null);
        Assert.False(taken);
    }

    [Fact]
    public async Task Random_printable_values_give_the_writers_bytes_whenever_copied()
    {
        const int Seed = 4291;
        var random = new Random(Seed);
        var copied = 0;
        for (var i = 0; i < 500; i++)
        {
            var instance = "/" + RandomPrintable(random, random.Next(0, 40));
            var requestId = RandomPrintable(random, random.Next(1, 40));
            var (taken, plain) = await PlainAsync(instance, requestId, null);
            if (taken)
            {
                copied++;
                var reference = await ReferenceAsync(instance, requestId, null);
                Assert.True(reference.AsSpan().SequenceEqual(plain), $"seed {Seed}, case {i}: '{instance}' '{requestId}'");
            }
        }

        Assert.True(copied > 0, $"seed {Seed}: no case took the copy");
    }

    private static string RandomPrintable(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            // Mostly plain characters, sometimes a quote or a backslash, so both outcomes occur.
            chars[i] = random.Next(40) == 0 ? (random.Next(2) == 0 ? '"' : '\\') : (char)random.Next(0x20, 0x7F);
        }

        return new string(chars);
    }

    private static async Task<(bool Taken, byte[] Body)> PlainAsync(string? instance, string? requestId, string? traceId)
    {
        var (context, body) = NewContext();
        var taken = ProblemJsonWriter.TryWritePlainTail(context.Response, Head, instance, requestId, traceId);
        await context.Response.BodyWriter.FlushAsync();
        var bytes = body.ToArray();
        if (taken)
        {
            Assert.Equal(bytes.Length, context.Response.ContentLength);
            Assert.Equal(ProblemJsonWriter.ContentType, context.Response.ContentType);
        }
        else
        {
            Assert.Null(context.Response.ContentLength);
            Assert.Null(context.Response.ContentType);
        }

        return (taken, bytes);
    }

    private static async Task<byte[]> ReferenceAsync(string? instance, string? requestId, string? traceId)
    {
        var (context, body) = NewContext();
        ProblemJsonWriter.WriteTail(context.Response, Head, instance, requestId, traceId);
        await context.Response.BodyWriter.FlushAsync();
        Assert.Equal(body.Length, context.Response.ContentLength);
        return body.ToArray();
    }

    private static (DefaultHttpContext Context, MemoryStream Body) NewContext()
    {
        var body = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        return (context, body);
    }
}
