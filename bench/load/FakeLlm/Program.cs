// A fake OpenAI-compatible upstream for benchmarks: POST /v1/chat/completions answers a fixed completion of
// --Tokens words (default 8), as one chat.completion JSON, or, when the body asks "stream":true, as OpenAI's SSE
// chunks (role, one chunk per word, finish_reason, usage, [DONE]). With no delays the whole answer is one
// precomputed write, so the fake costs as little as a server can and the router's overhead is what remains.
// --FirstTokenMs waits before the first content chunk (the role chunk goes out at once, as OpenAI's does);
// --InterTokenMs waits between content chunks (a slow stream: 100 ms × 100 tokens ≈ 10 s). --StampFirstToken true
// (streams with a delay only) appends "@RECEIVED-SENT" to the first word: the Stopwatch timestamps (CLOCK_MONOTONIC,
// comparable across processes on one machine) of the request reaching the handler and of the first word being written,
// so a client can take the fake's own wait, timer jitter included, out of each request's time to first token. The test tree's
// FakeUpstream (tests/Crossroads.Server.Tests/ModelRouter) is the full-featured fake; this one only needs speed.
using System.Diagnostics;
using System.Text;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(static options => options.AddServerHeader = false);
// The fake should answer as near to instantly as a server can: its handler never blocks, so it runs on the socket
// thread (with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, which model-router-common.sh sets) instead of waking
// thread-pool workers per request. Those wake-ups grew with the gap between requests, so they cost more behind the
// router than under wrk straight at the fake and were counted as router overhead.
builder.WebHost.UseSockets(static options => options.UnsafePreferInlineScheduling = true);
int tokens = builder.Configuration.GetValue("Tokens", 8);
var firstToken = TimeSpan.FromMilliseconds(builder.Configuration.GetValue("FirstTokenMs", 0.0));
var interToken = TimeSpan.FromMilliseconds(builder.Configuration.GetValue("InterTokenMs", 0.0));
bool stampFirstToken = builder.Configuration.GetValue("StampFirstToken", false);
var app = builder.Build();

const string Id = "chatcmpl-fake";
const string Model = "fake-model";
var words = Enumerable.Range(0, tokens).Select(static i => i == 0 ? "Word0" : " word" + i).ToArray();
string Chunk(string delta, string finish) =>
    $$"""data: {"id":"{{Id}}","object":"chat.completion.chunk","created":1700000000,"model":"{{Model}}","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{finish}}}]}""" + "\n\n";
byte[] roleChunk = Encoding.UTF8.GetBytes(Chunk("""{"role":"assistant","content":""}""", "null"));
byte[][] wordChunks = words.Select(w => Encoding.UTF8.GetBytes(Chunk($$"""{"content":"{{w}}"}""", "null"))).ToArray();
byte[] tail = Encoding.UTF8.GetBytes(Chunk("{}", "\"stop\"")
    + $$$"""data: {"id":"{{{Id}}}","object":"chat.completion.chunk","created":1700000000,"model":"{{{Model}}}","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":{{{tokens}}},"total_tokens":{{{12 + tokens}}}}}""" + "\n\n"
    + "data: [DONE]\n\n");
byte[] wholeStream = [.. roleChunk, .. wordChunks.SelectMany(static c => c), .. tail];
byte[] whole = Encoding.UTF8.GetBytes(
    $$$"""{"id":"{{{Id}}}","object":"chat.completion","created":1700000000,"model":"{{{Model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"{{{string.Concat(words)}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":{{{tokens}}},"total_tokens":{{{12 + tokens}}}}}""");
byte[] streamMarker = "\"stream\":true"u8.ToArray();

app.MapPost("/v1/chat/completions", async (HttpContext context) =>
{
    long received = Stopwatch.GetTimestamp();
    // Read the whole body as a real server would (the router's request is ~200 bytes).
    var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body, context.RequestAborted);
    bool stream = body.GetBuffer().AsSpan(0, (int)body.Length).IndexOf(streamMarker) >= 0;
    var response = context.Response;
    if (!stream)
    {
        if (firstToken > TimeSpan.Zero)
        {
            await Task.Delay(firstToken, context.RequestAborted);
        }

        response.ContentType = "application/json";
        response.ContentLength = whole.Length;
        await response.Body.WriteAsync(whole, context.RequestAborted);
        return;
    }

    response.ContentType = "text/event-stream";
    response.Headers.CacheControl = "no-cache";
    if (firstToken == TimeSpan.Zero && interToken == TimeSpan.Zero)
    {
        await response.Body.WriteAsync(wholeStream, context.RequestAborted);
        return;
    }

    await response.Body.WriteAsync(roleChunk, context.RequestAborted);
    await response.Body.FlushAsync(context.RequestAborted);
    if (firstToken > TimeSpan.Zero)
    {
        await Task.Delay(firstToken, context.RequestAborted);
    }

    for (int i = 0; i < wordChunks.Length; i++)
    {
        if (i > 0 && interToken > TimeSpan.Zero)
        {
            await Task.Delay(interToken, context.RequestAborted);
        }

        var chunk = i == 0 && stampFirstToken
            ? Encoding.UTF8.GetBytes(Chunk($$"""{"content":"{{words[0]}}@{{received}}-{{Stopwatch.GetTimestamp()}}"}""", "null"))
            : wordChunks[i];
        await response.Body.WriteAsync(chunk, context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
    }

    await response.Body.WriteAsync(tail, context.RequestAborted);
});

await app.RunAsync().ConfigureAwait(false);
