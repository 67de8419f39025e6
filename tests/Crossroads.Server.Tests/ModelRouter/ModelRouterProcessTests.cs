using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>What clients outside .NET see: curl's raw SSE bytes, and the built server's SIGTERM in the middle of a stream.</summary>
public sealed class ModelRouterProcessTests
{
    [Fact]
    public async Task Curl_no_buffer_receives_openai_sse_framing_word_by_word_as_it_is_produced()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.Text = "alpha beta gamma delta epsilon";
        cheap.InterTokenDelay = TimeSpan.FromMilliseconds(300);
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        var start = new ProcessStartInfo("curl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-sS", "-N", "-H", "content-type: application/json", "-w", "\n#content-type=%{content_type} status=%{http_code}",
            "-d", """{"model":"cheap","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""",
            new Uri(server.BaseAddress, "/v1/chat/completions").ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var curl = Process.Start(start)!;
        var output = new StringBuilder();
        TimeSpan? firstWord = null;
        var buffer = new char[256];
        int read;
        while ((read = await curl.StandardOutput.ReadAsync(buffer)) > 0)
        {
            output.Append(buffer, 0, read);
            if (firstWord is null && output.ToString().Contains("alpha", StringComparison.Ordinal))
            {
                firstWord = clock.Elapsed;
            }
        }

        await curl.WaitForExitAsync();
        var total = clock.Elapsed;
        Assert.True(curl.ExitCode == 0, await curl.StandardError.ReadToEndAsync());

        var text = output.ToString();
        int trailer = text.LastIndexOf("\n#content-type=", StringComparison.Ordinal);
        Assert.Equal("#content-type=text/event-stream; charset=utf-8 status=200", text[(trailer + 1)..]);
        var sse = text[..trailer];
        // OpenAI's framing exactly: "data: <json>\n\n" events, the last one "data: [DONE]\n\n", nothing else.
        Assert.EndsWith("\n\ndata: [DONE]\n\n", sse, StringComparison.Ordinal);
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, static e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.All(events, static e => Assert.DoesNotContain('\n', e));
        var chunks = events[..^1].Select(static e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, static c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var words = chunks.Where(static c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) && t.GetString()!.Length > 0)
            .Select(static c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()).ToList();
        Assert.Equal(["alpha", " beta", " gamma", " delta", " epsilon"], words);
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(5, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        // Streamed, not buffered: the first word reached curl more than a second (4 × 300 ms of pacing) before the end.
        Assert.NotNull(firstWord);
        Assert.True(total - firstWord.Value > TimeSpan.FromSeconds(0.9), $"first word at {firstWord}, end at {total}");
    }

    [Fact]
    public async Task Sigterm_during_a_stream_lets_it_finish_while_new_requests_get_503_and_the_process_exits_0()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.Text = string.Join(' ', Enumerable.Range(1, 16).Select(static i => "w" + i));
        cheap.InterTokenDelay = TimeSpan.FromMilliseconds(200);

        // A probe that reaches the server before it has handled the signal is routed: the fake must know its model, so
        // that probe gets a 200 (and the loop below goes on) rather than a 502 for an unknown upstream model.
        upstream.Model("strong");
        using var data = new TempDirectory("crossroads-mr-sigterm-");
        await using var server = ChildProcessServer.Start(new ChildProcessServerOptions
        {
            Dll = ChildProcessServer.DllBesideTests("Crossroads.Server.dll"),
            Arguments =
            [
                "--DATA_DIR", data.Path,
                "--Modules:ServiceRoutes:Enabled=false",
                "--RateLimits:Enabled=false",
                "--Shutdown:DrainDelaySeconds=2",
                // A fresh process on a loaded machine may take more than the usual 1.5 s to its first routed token.
                .. ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:Upstreams:0:FirstTokenTimeoutMs=10000"),
            ],
        });
        await server.WaitUntilReadyAsync();

        using var streamClient = server.NewClient();
        using var response = await Json.PostStreamAsync(streamClient, Json.Chat("cheap", "count", stream: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var received = new StringBuilder();
        while (!received.ToString().Contains("w1", StringComparison.Ordinal))
        {
            received.AppendLine(await reader.ReadLineAsync());
        }

        server.Terminate();

        // While it drains, a new request is refused with a retryable 503 (readiness already says so too). Probes sent
        // before the process handled the signal are served normally (the fake knows their model: when it did not,
        // such a probe got a 502 and failed the test under load); their answers go into the failure message.
        HttpStatusCode status;
        string refusal;
        var earlier = new List<string>();
        var signalled = Stopwatch.StartNew();
        do
        {
            using var probe = server.NewClient();
            using var refused = await Json.PostAsync(probe, "/v1/chat/completions", Json.Chat("strong", "another"));
            status = refused.StatusCode;
            refusal = await refused.Content.ReadAsStringAsync();
            if (status != HttpStatusCode.ServiceUnavailable)
            {
                earlier.Add($"{(int)status}: {refusal}");
            }
        }
        while (status != HttpStatusCode.ServiceUnavailable && signalled.Elapsed < TimeSpan.FromSeconds(1.5));
        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"no 503 within 1.5 s of SIGTERM; answers: {string.Join(" | ", earlier)}");
        Assert.Equal("server_shutting_down", JsonDocument.Parse(refusal).RootElement.GetProperty("error").GetProperty("code").GetString());

        // The stream that was running goes on to its end, past the drain delay.
        received.Append(await reader.ReadToEndAsync());
        var text = received.ToString();
        Assert.Contains("w16", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {server.Stderr}");
    }
}
