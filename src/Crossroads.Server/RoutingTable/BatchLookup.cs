using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Crossroads.Hosting.Json;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Addressing;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// <c>POST /destinations</c> without per-address objects: the body is read into a pooled buffer and walked with
/// <see cref="Utf8JsonReader"/>, addresses are parsed from its UTF-8 bytes, IPv4 addresses resolved with the bulk
/// lookup, and the answer written with <see cref="Utf8JsonWriter"/> into a per-thread buffer and sent with
/// <c>Content-Length</c>. The answer is byte for byte what serializing <see cref="BatchResponse"/> gave (same
/// property order, null members left out, the default encoder); anything that is not a plain address (CIDR text,
/// escaped strings, invalid items) takes <see cref="RoutingTableApi.TryParseDestination"/>, the single lookup's parser.
/// </summary>
internal static class BatchLookup
{
    /// <summary>Per-thread answer buffers that grew past this (batches far above 1,000 addresses) are not kept.</summary>
    private const int MaxRetainedBytes = 512 * 1024;

    private static readonly JsonEncodedText Results = JsonEncodedText.Encode("results");
    private static readonly JsonEncodedText Ip = JsonEncodedText.Encode("ip");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Dst = JsonEncodedText.Encode("dst");
    private static readonly JsonEncodedText Nh = JsonEncodedText.Encode("nh");
    private static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");

    // The encoder of the HTTP JSON options (null: JavaScriptEncoder.Default), so echoed input is escaped as before.
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>What went wrong with a body (a 400), or the answer when <see cref="Problem"/> is null.</summary>
    internal readonly record struct Outcome(string? Problem, string? MetricError);

    /// <summary>Reads the whole request body into a pooled array (return it with <see cref="ArrayPool{T}.Shared"/>).</summary>
    public static async ValueTask<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request)
    {
        PipeReader reader = request.BodyReader;
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 16 * 1024, 1024, 1024 * 1024));
        int length = 0;
        try
        {
            while (true)
            {
                ReadResult read = await reader.ReadAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
                foreach (ReadOnlyMemory<byte> segment in read.Buffer)
                {
                    if (length + segment.Length > buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + segment.Length));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    segment.Span.CopyTo(buffer.AsSpan(length));
                    length += segment.Length;
                }

                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                {
                    return (buffer, length);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Answers a body: writes the 200 answer to <paramref name="response"/> and returns a null problem, or returns the
    /// problem (bad JSON, not an array of strings, too many addresses) and writes nothing.
    /// </summary>
    public static Outcome Answer(ReadOnlySpan<byte> body, RouteTableSnapshot snapshot, int maxBatchSize, HttpResponse response, RoutingTableMetrics metrics)
    {
        // Pass 1 checks the whole body and parses the addresses; nothing is answered unless all of it is valid.
        Item[] items = ArrayPool<Item>.Shared.Rent(Math.Min(maxBatchSize, 4096));
        uint[] v4 = ArrayPool<uint>.Shared.Rent(Math.Min(maxBatchSize, 4096));
        int[] v4Item = ArrayPool<int>.Shared.Rent(Math.Min(maxBatchSize, 4096));
        int[] v4Route = ArrayPool<int>.Shared.Rent(Math.Min(maxBatchSize, 4096));
        List<(string Text, string? Error)>? slow = null;
        try
        {
            int count = 0;
            int v4Count = 0;
            var json = new Utf8JsonReader(body, isFinalBlock: true, state: default);
            try
            {
                if (!json.Read() || json.TokenType == JsonTokenType.Null)
                {
                    return new Outcome("the body must be a JSON array of address strings, not null", "invalid_body");
                }

                if (json.TokenType != JsonTokenType.StartArray)
                {
                    return new Outcome($"the body must be a JSON array of address strings (found {Describe(json.TokenType)})", "invalid_body");
                }

                while (json.Read() && json.TokenType != JsonTokenType.EndArray)
                {
                    if (json.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                    {
                        return new Outcome($"the body must be a JSON array of address strings (item {count} is {Describe(json.TokenType)})", "invalid_body");
                    }

                    int index = count++;
                    if (index >= maxBatchSize)
                    {
                        continue; // counted for the message; the body must still be valid JSON to get that answer
                    }

                    if (index == items.Length)
                    {
                        Grow(ref items, index);
                        Grow(ref v4, index);
                        Grow(ref v4Item, index);
                        Grow(ref v4Route, index);
                    }

                    if (json.TokenType == JsonTokenType.String && !json.ValueIsEscaped && IpAddress.TryParseUtf8(json.ValueSpan, out var address))
                    {
                        // The common case: a plain address, echoed from the body as it came.
                        items[index] = new Item((int)json.TokenStartIndex + 1, json.ValueSpan.Length, address);
                        if (!address.IsV6)
                        {
                            v4[v4Count] = (uint)address.Value;
                            v4Item[v4Count++] = index;
                        }

                        continue;
                    }

                    // Anything else (CIDR text, escapes, invalid items, null) as the single lookup parses it.
                    string text = json.TokenType == JsonTokenType.Null ? string.Empty : json.GetString()!;
                    slow ??= [];
                    bool valid = RoutingTableApi.TryParseDestination(text, out var parsed, out string? error);
                    items[index] = new Item(-1 - slow.Count, 0, valid ? parsed : default) { Invalid = !valid };
                    slow.Add((text, error));
                    if (valid && !parsed.IsV6)
                    {
                        v4[v4Count] = (uint)parsed.Value;
                        v4Item[v4Count++] = index;
                    }
                }

                // A value after the array (or a missing ']') is a JSON error of the whole body.
                while (json.Read())
                {
                }
            }
            catch (JsonException e)
            {
                return new Outcome($"the body must be a JSON array of address strings ({e.Message})", "invalid_body");
            }
            catch (InvalidOperationException e)
            {
                // GetString on a string that is not valid UTF-8.
                return new Outcome($"the body must be a JSON array of address strings ({e.Message})", "invalid_body");
            }

            if (count > maxBatchSize)
            {
                return new Outcome($"the batch has {count} addresses; at most {maxBatchSize} are allowed", "batch_too_large");
            }

            // Pass 2: IPv4 through the bulk lookup (its lookups overlap their cache misses), IPv6 one by one.
            snapshot.LookupV4(v4.AsSpan(0, v4Count), v4Route.AsSpan(0, v4Count));
            for (int i = 0; i < v4Count; i++)
            {
                items[v4Item[i]].Route = v4Route[i];
            }

            Resolve(items.AsSpan(0, Math.Min(count, maxBatchSize)), snapshot);

            // Pass 3: the answer.
            var buffer = t_buffer ??= new ArrayBufferWriter<byte>(64 * 1024);
            var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
            writer.Reset(buffer);
            try
            {
                var (found, missing, invalid) = Write(writer, body, items.AsSpan(0, count), slow);
                writer.Flush();
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = SizedJson.ContentType;
                response.ContentLength = buffer.WrittenCount;
                // Copied now: the buffer is reused by the next request on this thread. Kestrel flushes when the request ends.
                response.BodyWriter.Write(buffer.WrittenSpan);
                metrics.Lookups(LookupOutcome.Success, found);
                metrics.Lookups(LookupOutcome.NotFound, missing);
                metrics.Lookups(LookupOutcome.Invalid, invalid);
                return default;
            }
            finally
            {
                buffer.ResetWrittenCount();
                if (buffer.Capacity > MaxRetainedBytes)
                {
                    t_buffer = null;
                    t_writer = null;
                }
            }
        }
        finally
        {
            ArrayPool<Item>.Shared.Return(items);
            ArrayPool<uint>.Shared.Return(v4);
            ArrayPool<int>.Shared.Return(v4Item);
            ArrayPool<int>.Shared.Return(v4Route);
        }
    }

    // Everything the answer needs from the table, gathered in short loops before writing: each item's reads (route ->
    // prefix id -> network and length; route -> next hop) are cache misses into multi-megabyte arrays, and loops this
    // short keep many of them in flight at once. Done inside the writing loop they came one at a time (a perf profile
    // put ~55 % of the server's CPU there).
    private static void Resolve(Span<Item> items, RouteTableSnapshot snapshot)
    {
        foreach (ref Item item in items)
        {
            if (item.IsV6 && !item.Invalid)
            {
                item.Route = snapshot.LookupV6((ulong)(item.Address >> 64), (ulong)item.Address);
            }
        }

        foreach (ref Item item in items)
        {
            if (item.Route >= 0 && !item.Invalid)
            {
                item.Prefix = snapshot.GetRoutePrefix(item.Route);
            }
        }

        foreach (ref Item item in items)
        {
            if (item.Route >= 0 && !item.Invalid)
            {
                item.NextHop = snapshot.NextHopText(item.Route);
            }
        }
    }

    private static (int Found, int Missing, int Invalid) Write(
        Utf8JsonWriter writer, ReadOnlySpan<byte> body, ReadOnlySpan<Item> items, List<(string Text, string? Error)>? slow)
    {
        int found = 0;
        int missing = 0;
        int invalid = 0;
        Span<char> text = stackalloc char[64];
        writer.WriteStartObject();
        writer.WriteStartArray(Results);
        foreach (ref readonly Item item in items)
        {
            writer.WriteStartObject();
            if (item.Start >= 0)
            {
                writer.WriteString(Ip, body.Slice(item.Start, item.Length));
            }
            else
            {
                writer.WriteString(Ip, slow![-1 - item.Start].Text);
            }

            if (item.Invalid)
            {
                writer.WriteNumber(Status, StatusCodes.Status400BadRequest);
                writer.WriteString(Error, slow![-1 - item.Start].Error);
                invalid++;
            }
            else
            {
                if (item.Route < 0)
                {
                    // "no route to <address>", as the single lookup words it, without a string per item.
                    const string NoRoute = "no route to ";
                    NoRoute.CopyTo(text);
                    var address = item.IsV6 ? IpAddress.V6(item.Address) : IpAddress.V4((uint)item.Address);
                    _ = address.TryFormat(text[NoRoute.Length..], out int written);
                    writer.WriteNumber(Status, StatusCodes.Status404NotFound);
                    writer.WriteString(Error, text[..(NoRoute.Length + written)]);
                    missing++;
                }
                else
                {
                    _ = item.Prefix.TryFormat(text, out int written);
                    writer.WriteNumber(Status, StatusCodes.Status200OK);
                    writer.WriteString(Dst, text[..written]);
                    writer.WriteString(Nh, item.NextHop);
                    found++;
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        return (found, missing, invalid);
    }

    private static void Grow<T>(ref T[] array, int length)
    {
        T[] larger = ArrayPool<T>.Shared.Rent(array.Length * 2);
        array.AsSpan(0, length).CopyTo(larger);
        ArrayPool<T>.Shared.Return(array);
        array = larger;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => "not a string",
    };

    /// <summary>
    /// One address of the batch: where its text is (<see cref="Start"/> ≥ 0: in the body; else entry
    /// <c>-1 - Start</c> of the slow-path list), the address, its route and what the answer shows of it.
    /// </summary>
    internal struct Item(int start, int length, IpAddress address)
    {
        public readonly int Start = start;
        public readonly int Length = length;
        public readonly UInt128 Address = address.Value;
        public readonly bool IsV6 = address.IsV6;
        public bool Invalid;
        public int Route;
        public IpPrefix Prefix;
        public string? NextHop;
    }
}
