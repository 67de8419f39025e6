using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// <c>PiiRestore</c>: the model sees placeholders, the client gets its own values back where the answer repeats
/// them (whole, streamed with placeholders split across chunks, ATP lines, tool-call arguments); placeholders the
/// request did not produce stay; the originals reach neither logs, metrics nor decisions; the option is validated.
/// </summary>
public sealed class PiiRestoreTests
{
    private const string Email = "jane.doe@example.com";
    private const string Card = "4111 1111 1111 1111";
    private const string Prompt = $"I am {Email}, pay with {Card}. Confirm.";

    // What the model "echoes": [EMAIL_1] and [CARD_1] were produced by the redaction, [EMAIL_7] was not.
    private static readonly string[] Chunks = ["Sure, [EMA", "IL_1", "] and [", "CARD_1] not [EMAIL_7", "]."];
    private const string Restored = $"Sure, {Email} and {Card} not [EMAIL_7].";
    private const string Placeholders = "Sure, [EMAIL_1] and [CARD_1] not [EMAIL_7].";

    private static Task<ModelRouterServer> StartAsync(FakeUpstream upstream, params string[] extra) =>
        ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(
            upstream.BaseUrl,
            [
                "--ModelRouter:DefaultTenant=acme",
                "--ModelRouter:Tenants:0:Id=acme", "--ModelRouter:Tenants:0:Pii=redact",
                "--ModelRouter:Tenants:1:Id=raw", "--ModelRouter:Tenants:1:Pii=redact", "--ModelRouter:Tenants:1:PiiRestore=false",
                .. extra,
            ]));

    [Fact]
    public async Task The_sdk_gets_the_clients_values_back_whole_and_streamed_and_the_upstream_saw_only_placeholders()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").Chunks = Chunks;
        await using var server = await StartAsync(upstream);
        var chat = server.Chat("cheap");

        ChatCompletion whole = (await chat.CompleteChatAsync([new UserChatMessage(Prompt)])).Value;
        Assert.Equal(Restored, whole.Content[0].Text);
        Assert.Equal(Chunks.Length, whole.Usage.OutputTokenCount); // the upstream's usage, not the restored text's

        var updates = new List<string>();
        int? streamedTokens = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(Prompt)]))
        {
            updates.AddRange(update.ContentUpdate.Select(static p => p.Text).Where(static t => t.Length > 0));
            streamedTokens ??= update.Usage?.OutputTokenCount;
        }

        Assert.Equal(Restored, string.Concat(updates));
        Assert.Equal("Sure, ", updates[0]); // what cannot be a placeholder went out with its own chunk
        Assert.True(streamedTokens is null || streamedTokens == Chunks.Length);

        Assert.All(upstream.Bodies, static body =>
        {
            Assert.Contains("I am [EMAIL_1], pay with [CARD_1]. Confirm.", body, StringComparison.Ordinal);
            Assert.DoesNotContain(Email, body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task PiiRestore_false_and_tenants_without_redaction_leave_the_placeholders()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").Chunks = Chunks;
        await using var server = await StartAsync(upstream);

        using var raw = await Json.PostAsTenantAsync(server.Client, "raw", Json.Chat("cheap", Prompt));
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal(Placeholders, Content(await Json.ReadAsync(raw)));

        using var streamed = await Json.PostAsTenantAsync(server.Client, "raw", Json.Chat("cheap", Prompt, stream: true));
        Assert.Equal(Placeholders, StreamedContent(await streamed.Content.ReadAsStringAsync()));

        // A prompt with no PII under redact: nothing produced, nothing restored, the text as the model wrote it.
        using var clean = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "Hello", stream: true));
        Assert.Equal(Placeholders, StreamedContent(await clean.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_tail_held_when_the_upstream_fails_goes_out_before_the_error_event()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.Chunks = ["Hi ", "[EMA", "IL_1", "] bye"];
        cheap.ErrorAfterChunks = 3; // the stream breaks while "[EMAIL_1" is still held
        await using var server = await StartAsync(upstream);

        using var streamed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", Prompt, stream: true));
        var body = await streamed.Content.ReadAsStringAsync();

        Assert.Equal("Hi [EMAIL_1", StreamedContent(body));
        Assert.Contains("upstream_failed_after_content", Json.SseData(body)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_chunk_and_final_lines_are_restored()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").Chunks = Chunks;
        await using var server = await StartAsync(upstream);

        using var response = await Json.PostAsync(server.Client, "/v1/ask", new { prompt = Prompt, model = "cheap" });
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chunks = lines.Where(static l => l.GetProperty("type").GetString() == "chunk").Select(static l => l.GetProperty("text").GetString()).ToList();
        Assert.Equal(Restored, string.Concat(chunks));
        Assert.Equal(Enumerable.Range(0, chunks.Count), lines.Where(static l => l.GetProperty("type").GetString() == "chunk").Select(static l => l.GetProperty("seq").GetInt32()));
        var final = lines[^1];
        Assert.Equal("final", final.GetProperty("type").GetString());
        Assert.Equal(Restored, final.GetProperty("text").GetString());
        Assert.Equal(Chunks.Length, final.GetProperty("tokens_out").GetInt32());
    }

    [Fact]
    public async Task Tool_call_arguments_are_restored_whole_and_streamed_in_fragments()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.ToolCalls = [new FakeToolCall("call_1", "send_mail", """{"to":"[EMAIL_1]","note":"[EMAIL_9]"}""")];
        cheap.ArgumentFragment = 3; // "[EM" + "AIL" + "_1]": the placeholder is split
        await using var server = await StartAsync(upstream);
        var chat = server.Chat("cheap");
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("send_mail", "Sends a mail") } };
        const string Expected = $$"""{"to":"{{Email}}","note":"[EMAIL_9]"}""";

        ChatCompletion whole = (await chat.CompleteChatAsync([new UserChatMessage(Prompt)], options)).Value;
        Assert.Equal(Expected, Assert.Single(whole.ToolCalls).FunctionArguments.ToString());

        var arguments = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(Prompt)], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
        }

        Assert.Equal(Expected, arguments.ToString());
    }

    [Fact]
    public async Task Restored_answers_leave_no_original_in_logs_metrics_or_decisions()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").Chunks = Chunks;
        await using var server = await StartAsync(upstream, "--Logging:LogLevel:Default=Trace");
        var logs = new LogCollector();
        server.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);

        using var whole = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", Prompt));
        Assert.Equal(Restored, Content(await Json.ReadAsync(whole)));
        using var streamed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", Prompt, stream: true));
        Assert.Equal(Restored, StreamedContent(await streamed.Content.ReadAsStringAsync()));
        using var ask = await Json.PostAsync(server.Client, "/v1/ask", new { prompt = Prompt, model = "cheap" });
        Assert.Contains(Email, await ask.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var response in new[] { whole, streamed, ask })
        {
            var decision = await server.Client.GetStringAsync(new Uri("/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"), UriKind.Relative));
            AssertNoOriginal(decision);
        }

        AssertNoOriginal(await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.NotEmpty(logs.Entries);
        Assert.All(logs.Entries, static entry => AssertNoOriginal(entry));
    }

    [Theory]
    [InlineData("--ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:Pii=redact --ModelRouter:Tenants:0:PiiRestore=maybe")]
    [InlineData("--ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:Pii=block --ModelRouter:Tenants:0:PiiRestore=true")]
    [InlineData("--ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:PiiRestore=false")]
    public async Task A_malformed_PiiRestore_or_one_without_redact_exits_2_naming_the_key(string settings)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(settings.Split(' ')));
        // A value that is no bool fails in the binder, whose inner exception names the key (the chassis' line shows both).
        var message = e.Message + " " + e.InnerException?.Message;
        Assert.True(message.Contains("ModelRouter:Tenants:0:PiiRestore", StringComparison.Ordinal), message);

        using var data = new Crossroads.Testing.TempDirectory();
        int exit = await CrossroadsApp.RunAsync([.. settings.Split(' '), "--urls", "http://127.0.0.1:0", "--DATA_DIR", data.Path, "--Modules:ServiceRoutes:Enabled=false"]);
        Assert.Equal(Crossroads.Hosting.CrossroadsHost.InvalidConfigurationExitCode, exit);
    }

    // Offsets into the upstream's text (Placeholders): [CARD_1] is 20..28, [EMAIL_7] 33..42, and 8..12 lies inside [EMAIL_1] (6..15).
    private const string Citations = """[{"type":"url_citation","url_citation":{"start_index":20,"end_index":28,"url":"https://cards.example.test/","title":"Cards"}},{"type":"url_citation","url_citation":{"start_index":33,"end_index":42,"url":"https://example.test/7","title":"Seven"}},{"type":"url_citation","url_citation":{"start_index":8,"end_index":12,"url":"https://example.test/part","title":"Part"}}]""";

    [Fact]
    public async Task Annotation_offsets_follow_the_restored_values_whole_and_streamed()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.Chunks = Chunks;
        cheap.Annotations = Citations;
        await using var server = await StartAsync(upstream);

        using var whole = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", Prompt));
        var message = (await Json.ReadAsync(whole)).GetProperty("choices")[0].GetProperty("message");
        AssertCited(message.GetProperty("content").GetString()!, message.GetProperty("annotations"));

        using var streamed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", Prompt, stream: true));
        string body = await streamed.Content.ReadAsStringAsync();
        var annotations = Json.SseData(body).Where(static d => d != "[DONE]").Select(static d => JsonDocument.Parse(d).RootElement)
            .Where(static e => e.TryGetProperty("choices", out var c) && c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("annotations", out _))
            .Select(static e => e.GetProperty("choices")[0].GetProperty("delta").GetProperty("annotations")).Single();
        AssertCited(StreamedContent(body), annotations);

        // Without restoring, the upstream's offsets stand: they point into the text with placeholders.
        using var raw = await Json.PostAsTenantAsync(server.Client, "raw", Json.Chat("cheap", Prompt));
        var rawMessage = (await Json.ReadAsync(raw)).GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(20, rawMessage.GetProperty("annotations")[0].GetProperty("url_citation").GetProperty("start_index").GetInt32());
    }

    private static void AssertCited(string content, JsonElement annotations)
    {
        Assert.Equal(Restored, content);
        string Cited(int i)
        {
            var citation = annotations[i].GetProperty("url_citation");
            return content[citation.GetProperty("start_index").GetInt32()..citation.GetProperty("end_index").GetInt32()];
        }

        Assert.Equal(Card, Cited(0));
        Assert.Equal("[EMAIL_7]", Cited(1)); // not produced by the redaction: stays, shifted by the values before it
        Assert.Equal(Email, Cited(2)); // offsets inside a placeholder cover its whole value
        Assert.Equal("https://cards.example.test/", annotations[0].GetProperty("url_citation").GetProperty("url").GetString());
        Assert.Equal("Cards", annotations[0].GetProperty("url_citation").GetProperty("title").GetString());
    }

    private static string Content(JsonElement completion) =>
        completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

    private static string StreamedContent(string body) => string.Concat(
        Json.SseData(body).Where(static d => d != "[DONE]").Select(static d => JsonDocument.Parse(d).RootElement)
            .Where(static e => e.TryGetProperty("choices", out _)).Select(static e => e.GetProperty("choices"))
            .Where(static c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(static c => c[0].GetProperty("delta").GetProperty("content").GetString()));

    private static void AssertNoOriginal(string text)
    {
        foreach (var raw in new[] { Email, Card, "4111111111111111", "jane.doe" })
        {
            Assert.DoesNotContain(raw, text, StringComparison.Ordinal);
        }
    }
}
